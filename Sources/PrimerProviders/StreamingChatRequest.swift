import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrimerCore

/// What a provider's stream decoder makes of one server-sent event.
enum StreamStep: Sendable, Equatable {
    /// A piece of the answer.
    case text(String)
    /// Nothing for the reader (metadata, an empty delta).
    case skip
    /// The provider marked the end of the answer.
    case finish
}

/// Turns a provider's events into answer pieces.
protocol StreamDecoder: Sendable {
    /// Throws `ProviderError` for an event that is not the documented format or reports an error.
    mutating func decode(_ event: ServerSentEvent) throws -> StreamStep
    /// Called when the body ended without a `.finish`; throws when that means a cut-off answer.
    func endOfStream() throws
}

/// One streamed chat request: POSTs a JSON body, checks the status, parses the event
/// stream and yields the decoded pieces.
///
/// Cancellation: the returned stream's `onTermination` (the consumer stopped iterating, or
/// its task was cancelled) cancels the producing task, which cancels the HTTP request and
/// closes its connection. Timeout: `timeout` bounds the wait for the response head
/// (connecting included; the HTTP client's deadline) and every gap between two pieces of
/// the body (a watchdog).
struct StreamingChatRequest: Sendable {
    let provider: String
    let client: HTTPClient
    let url: String
    let apiKey: String?
    let body: [UInt8]
    let timeout: Duration

    func stream<Decoder: StreamDecoder>(_ decoder: Decoder) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.run(decoder, continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run<Decoder: StreamDecoder>(_ decoder: Decoder, _ continuation: AsyncThrowingStream<String, any Error>.Continuation) async throws {
        let request = ProviderHTTP.post(url, body: body, accept: "text/event-stream", apiKey: apiKey)

        // Until the response head arrives, the client's deadline applies: when it passes, the
        // client reports the last connection error (refused, TLS, …) if there was one.
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: Self.timeAmount(timeout))
        } catch {
            throw mapped(error)
        }

        // Then the body is read under a watchdog that fails when it stalls for `timeout`.
        let watchdog = IdleWatchdog(timeout: timeout)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watchdog.watch(provider: self.provider) }
            group.addTask { try await self.read(response, decoder, continuation, watchdog) }
            // Whichever ends first decides: the reading (done or failed) or the watchdog (timed out).
            try await group.next()
            group.cancelAll()
        }
    }

    private func read<Decoder: StreamDecoder>(
        _ response: HTTPClientResponse, _ decoder: Decoder, _ continuation: AsyncThrowingStream<String, any Error>.Continuation,
        _ watchdog: IdleWatchdog
    ) async throws {
        guard (200..<300).contains(response.status.code) else {
            var collected: [UInt8] = []
            do {
                for try await buffer in response.body {
                    watchdog.touch()
                    collected += buffer.readableBytesView.prefix(ProviderHTTP.maxErrorBody - collected.count)
                    if collected.count >= ProviderHTTP.maxErrorBody { break }
                }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                // The status says enough without the body.
            }
            let message = ProviderError.clean(ProviderError.message(inErrorBody: collected), hiding: apiKey)
            throw ProviderError.http(provider: provider, status: Int(response.status.code), message: message)
        }

        var parser = ServerSentEventParser()
        var decoder = decoder
        /// Handles `events`; false when the answer is complete or nobody listens any more.
        func handle(_ events: [ServerSentEvent]) throws -> Bool {
            for event in events {
                switch try decoder.decode(event) {
                case .text(let piece):
                    if case .terminated = continuation.yield(piece) { return false }
                case .skip:
                    continue
                case .finish:
                    return false
                }
            }
            return true
        }
        do {
            for try await buffer in response.body {
                watchdog.touch()
                guard try handle(parser.feed(buffer.readableBytesView)) else { return }
            }
            guard try handle(parser.finish()) else { return }
            try decoder.endOfStream()
        } catch {
            throw mapped(error)
        }
    }

    private func mapped(_ error: any Error) -> any Error {
        ProviderHTTP.mapped(error, provider: provider, timeout: timeout, apiKey: apiKey)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

/// Fails when nothing happened for `timeout`: `touch()` on every sign of progress.
final class IdleWatchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var lastActivity = ContinuousClock.now
    let timeout: Duration

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func touch() {
        lock.withLock { lastActivity = .now }
    }

    /// Returns only by throwing: `ProviderError.timeout` when idle too long, or
    /// `CancellationError` when cancelled.
    func watch(provider: String) async throws {
        while true {
            let deadline = lock.withLock { lastActivity } + timeout
            if ContinuousClock.now >= deadline {
                throw ProviderError.timeout(provider: provider, seconds: StreamingChatRequest.seconds(timeout))
            }
            try await Task.sleep(until: deadline, clock: .continuous)
        }
    }
}

extension StreamingChatRequest {
    private struct ChatBody: Encodable {
        let model: String
        let messages: [ChatMessage]
        let stream: Bool
        let temperature: Double?
        let maxTokens: Int?

        enum CodingKeys: String, CodingKey {
            case model, messages, stream, temperature, maxTokens = "max_tokens"
        }
    }

    /// The streaming chat body `{model, messages, stream: true, temperature?, max_tokens?}` for
    /// `messages` as they are (`max_tokens` is the same field in OpenAI's and Cohere's v2 APIs).
    static func chatBody(model: String, messages: [ChatMessage], temperature: Double?, maxTokens: Int? = nil) -> [UInt8] {
        let body = ChatBody(model: model, messages: messages, stream: true, temperature: temperature, maxTokens: maxTokens)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return (try? Array(encoder.encode(body))) ?? []
    }
}

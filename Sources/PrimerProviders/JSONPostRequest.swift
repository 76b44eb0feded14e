import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One JSON request that is answered with one JSON body: POSTs, checks the status and reads
/// the whole body.
///
/// Timeout: `timeout` bounds the wait for the response head (connecting included; the HTTP
/// client's deadline) and every gap between two pieces of the body (a watchdog).
/// Cancellation: cancelling the calling task cancels the request and closes its connection.
struct JSONPostRequest: Sendable {
    /// Longest successful body read (96 vectors of 3,072 numbers take about 7 MB).
    static let maxBody = 256 * 1024 * 1024

    let provider: String
    let client: HTTPClient
    let url: String
    let apiKey: String?
    let timeout: Duration

    /// `value` as a JSON body.
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try Array(encoder.encode(value))
    }

    /// POSTs `body` and returns the body of a 2xx response; throws `ProviderError` (or
    /// `CancellationError`).
    func send(_ body: [UInt8]) async throws -> [UInt8] {
        let request = ProviderHTTP.post(url, body: body, accept: "application/json", apiKey: apiKey)

        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: StreamingChatRequest.timeAmount(timeout))
        } catch {
            throw mapped(error)
        }

        let succeeded = (200..<300).contains(response.status.code)
        let watchdog = IdleWatchdog(timeout: timeout)
        let collected: [UInt8] = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                try await watchdog.watch(provider: self.provider)
                return nil
            }
            group.addTask { try await self.read(response, succeeded: succeeded, watchdog) }
            defer { group.cancelAll() }
            // Whichever ends first decides: the reading (done or failed) or the watchdog (timed out).
            guard case let bytes?? = try await group.next() else { throw CancellationError() }
            return bytes
        }

        guard succeeded else {
            let message = ProviderError.clean(ProviderError.message(inErrorBody: collected), hiding: apiKey)
            let retryAfter = Self.retryAfter(response.headers)
            throw ProviderError.forStatus(Int(response.status.code), provider: provider, message: message, retryAfter: retryAfter)
        }
        return collected
    }

    /// The body; of an error response at most `maxErrorBody` bytes, and what arrived before a failure.
    private func read(_ response: HTTPClientResponse, succeeded: Bool, _ watchdog: IdleWatchdog) async throws -> [UInt8] {
        var collected: [UInt8] = []
        let limit = succeeded ? Self.maxBody : ProviderHTTP.maxErrorBody
        do {
            for try await buffer in response.body {
                watchdog.touch()
                if succeeded {
                    guard collected.count + buffer.readableBytes <= limit else {
                        throw ProviderError.malformedResponse(provider: provider, detail: "the body is larger than \(limit / 1024 / 1024) MB")
                    }
                    collected += buffer.readableBytesView
                } else {
                    collected += buffer.readableBytesView.prefix(limit - collected.count)
                    if collected.count >= limit { break }
                }
            }
        } catch {
            if !succeeded && !Task.isCancelled { return collected }  // the status says enough without the body
            throw mapped(error)
        }
        return collected
    }

    /// Seconds to wait from `retry-after-ms` (sent by OpenAI) or `Retry-After`.
    static func retryAfter(_ headers: HTTPHeaders) -> Double? {
        if let milliseconds = headers.first(name: "retry-after-ms").flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
           milliseconds.isFinite, milliseconds >= 0 {
            return milliseconds / 1000
        }
        return ProviderError.retryAfterSeconds(headers.first(name: "retry-after"))
    }

    private func mapped(_ error: any Error) -> any Error {
        ProviderHTTP.mapped(error, provider: provider, timeout: timeout, apiKey: apiKey)
    }
}

import AsyncHTTPClient
import Foundation
import PrimerCore
@testable import PrimerProviders
import Testing

/// `OpenAIChatGenerator` against a local server speaking OpenAI's documented Chat Completions
/// wire format (`stream: true`: `data: {chunk}` events, `choices[0].delta.content`, `data: [DONE]`),
/// as OpenAI, Ollama, the llama.cpp server and vLLM do.
@Suite struct OpenAIWireFormatTests {
    static func chunk(_ content: String?, role: String? = nil, finish: String? = nil) -> String {
        var delta: [String: Any] = [:]
        if let role { delta["role"] = role }
        if let content { delta["content"] = content }
        let choice: [String: Any] = ["index": 0, "delta": delta, "finish_reason": finish ?? NSNull()]
        return event(["id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": "gpt-test",
                      "choices": [choice]])
    }

    /// A complete answer: role chunk, content chunks (one with a multi-byte character),
    /// a finish chunk with an empty delta, a usage-only chunk, then `[DONE]`.
    static let answer = chunk("", role: "assistant") + chunk("A servo ") + chunk("compares its angle ") + chunk("with a potentiometer — ")
        + chunk("naïvely put [1].") + chunk(nil, finish: "stop")
        + event(["id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [], "usage": ["total_tokens": 42]])
        + "data: [DONE]\n\n"

    func generator(_ server: ScriptedServer, key: String? = "sk-test-123", timeout: Duration = .seconds(60)) -> OpenAIChatGenerator {
        OpenAIChatGenerator(baseURL: server.url + "/v1", apiKey: key, model: "gpt-test", timeout: timeout)
    }

    @Test func streamsTheDeltasOfAnAnswerSplitAcrossManyWrites() async throws {
        let server = try await ScriptedServer.start(.stream(pieces: pieces(Self.answer, count: 23)))
        defer { Task { await server.stop() } }
        let request = sampleRequest()
        let answer = try await collect(generator(server).answer(request))
        #expect(answer == ["A servo ", "compares its angle ", "with a potentiometer — ", "naïvely put [1]."])

        let recorded = try #require(await server.log.requests.first)
        #expect(recorded.method == .POST)
        #expect(recorded.path == "/v1/chat/completions")
        #expect(recorded.headers["Authorization"] == ["Bearer sk-test-123"])
        #expect(recorded.headers["Content-Type"].first?.hasPrefix("application/json") == true)
        let json = try #require(recorded.json)
        #expect(json["model"] as? String == "gpt-test")
        #expect(json["stream"] as? Bool == true)
        #expect(json["temperature"] == nil)
        #expect(json["max_tokens"] == nil)
        let expected = PromptBuilder.messages(for: request)
        #expect(recorded.messages.map(\.role) == expected.map(\.role))
        #expect(recorded.messages.map(\.content) == expected.map(\.content))
        #expect(recorded.messages.first?.role == "system")
        #expect(recorded.messages.first?.content == PromptBuilder.systemPrompt(for: request.profile))
        #expect(recorded.messages.last?.content.contains("[1] Servos › Feedback\nPassage 1 about servo feedback.") == true)
    }

    @Test func localServersGetNoAuthorizationHeader() async throws {
        let server = try await ScriptedServer.start(.stream(pieces: [Array(Self.answer.utf8)]))
        defer { Task { await server.stop() } }
        for key in [nil, ""] as [String?] {
            let ollama = OpenAIChatGenerator(baseURL: server.url + "/v1/", apiKey: key, model: "llama3.2", temperature: 0.2, maxTokens: 300)
            #expect(try await collect(ollama.answer(sampleRequest(profile: nil))).joined() == "A servo compares its angle with a potentiometer — naïvely put [1].")
        }
        let requests = await server.log.requests
        #expect(requests.count == 2)
        for recorded in requests {
            #expect(recorded.path == "/v1/chat/completions")
            #expect(recorded.headers["Authorization"].isEmpty)
            #expect(recorded.json?["model"] as? String == "llama3.2")
            #expect(recorded.json?["temperature"] as? Double == 0.2)
            #expect(recorded.json?["max_tokens"] as? Int == 300)
            #expect(recorded.messages.first?.content == PromptBuilder.systemPrompt(for: nil))
        }
    }

    /// An error body a server sends and the message expected from it.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let status: Int
        let body: String
        let message: String?
        var testDescription: String { "HTTP \(status)" }
    }

    @Test(arguments: [
        ErrorCase(status: 401, body: #"{"error": {"message": "Incorrect API key provided: sk-test-123.", "type": "invalid_request_error", "code": "invalid_api_key"}}"#,
                  message: "Incorrect API key provided: [redacted]."),
        ErrorCase(status: 429, body: #"{"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}}"#,
                  message: "Rate limit reached for requests"),
        ErrorCase(status: 500, body: #"{"error": "model runner has unexpectedly stopped"}"#, message: "model runner has unexpectedly stopped"),
        ErrorCase(status: 503, body: "<html>Service Unavailable</html>", message: nil),
    ])
    func errorResponsesBecomeProviderErrors(_ errorCase: ErrorCase) async throws {
        let (status, body, message) = (errorCase.status, errorCase.body, errorCase.message)
        let server = try await ScriptedServer.start(.json(status: status, body: body))
        defer { Task { await server.stop() } }
        let error = await failure(of: generator(server).answer(sampleRequest()))
        let providerError = try #require(error as? ProviderError)
        #expect(providerError == .http(provider: "openai", status: status, message: message))
        #expect(providerError.status == status)
        #expect(providerError.description.contains("HTTP \(status)"))
        #expect(!providerError.description.contains("sk-test-123"))
        #expect(!String(describing: generator(server)).contains("sk-test-123"))
    }

    @Test func aStreamThatIsNotJSONIsMalformed() async throws {
        let server = try await ScriptedServer.start(.stream(pieces: [Array((Self.chunk("Hello") + "data: <html>oops</html>\n\n").utf8)]))
        defer { Task { await server.stop() } }
        var pieces: [String] = []
        do {
            for try await piece in generator(server).answer(sampleRequest()) { pieces.append(piece) }
            Issue.record("expected an error")
        } catch let error as ProviderError {
            guard case .malformedStream(provider: "openai", _) = error else { throw error }
        }
        #expect(pieces == ["Hello"])
    }

    @Test func aStreamCutOffBeforeDoneIsMalformed() async throws {
        let server = try await ScriptedServer.start(.stream(pieces: [Array((Self.chunk("Hello") + Self.chunk(" wor")).utf8)]))
        defer { Task { await server.stop() } }
        let error = await failure(of: generator(server).answer(sampleRequest()))
        #expect(error as? ProviderError == .malformedStream(provider: "openai", detail: "the stream ended before data: [DONE]"))
    }

    @Test func anErrorInsideTheStreamEndsIt() async throws {
        let body = Self.chunk("Hel") + event(["error": ["message": "The server had an error while processing your request.", "type": "server_error"]])
        let server = try await ScriptedServer.start(.stream(pieces: [Array(body.utf8)]))
        defer { Task { await server.stop() } }
        let error = await failure(of: generator(server).answer(sampleRequest()))
        #expect(error as? ProviderError == .streamError(provider: "openai", message: "The server had an error while processing your request."))
    }

    @Test func cancellingTheConsumerClosesTheConnection() async throws {
        // After the first piece the server goes quiet: only the consumer's cancellation can end the request early.
        let server = try await ScriptedServer.start(.stall(first: [Array(Self.chunk("First").utf8)], silence: .seconds(20)))
        defer { Task { await server.stop() } }
        let (firstPiece, signal) = AsyncStream<Void>.makeStream()
        let stream = generator(server).answer(sampleRequest())
        let consumer = Task {
            var received: [String] = []
            for try await piece in stream {
                received.append(piece)
                signal.yield()
            }
            return received
        }
        for await _ in firstPiece { break }
        consumer.cancel()
        let received = try? await consumer.value  // partial pieces, or CancellationError
        #expect(received.map { $0 == ["First"] } ?? true)
        #expect(await server.log.waitForEarlyDisconnect(within: .seconds(60)))
    }

    /// A stream that goes silent fails with a timeout. Whether the piece sent before the silence
    /// arrives before the deadline depends on the machine's load, so the test asserts only what
    /// is certain: the error, and that nothing but that piece was delivered. (That pieces already
    /// received are kept is `cancellingTheConsumerClosesTheConnection`'s job, with no deadline.)
    @Test func aServerThatGoesSilentTimesOut() async throws {
        let server = try await ScriptedServer.start(.stall(first: [Array(Self.chunk("Hello").utf8)], silence: .seconds(10)))
        defer { Task { await server.stop() } }
        var pieces: [String] = []
        do {
            for try await piece in generator(server, timeout: .milliseconds(300)).answer(sampleRequest()) { pieces.append(piece) }
            Issue.record("expected a timeout")
        } catch {
            #expect(error as? ProviderError == .timeout(provider: "openai", seconds: 0.3))
            #expect((error as? ProviderError)?.description == "openai timed out: nothing received for 0.3 s")
        }
        #expect(["Hello"].starts(with: pieces))
    }

    @Test func aRefusedConnectionFailsWithinTheTimeout() async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: "{}"))
        let url = server.url
        await server.stop()
        let generator = OpenAIChatGenerator(baseURL: url + "/v1", apiKey: "sk-test-123", model: "m", timeout: .seconds(2))
        let error = await failure(of: generator.answer(sampleRequest()))
        switch error as? ProviderError {
        case .transport(provider: "openai", let detail)?: #expect(!detail.contains("sk-test-123"))
        case .timeout(provider: "openai", _)?: break
        default: Issue.record("expected a transport error or a timeout, got \(String(describing: error))")
        }
    }

    @Test func aClientThatDoesNotRetryReportsARefusedConnectionAtOnce() async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: "{}"))
        let url = server.url
        await server.stop()
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let generator = OpenAIChatGenerator(baseURL: url + "/v1", apiKey: "sk-test-123", model: "m", client: client)
        let error = await failure(of: generator.answer(sampleRequest()))
        try await client.shutdown()
        guard case .transport(provider: "openai", let detail)? = error as? ProviderError else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(!detail.contains("sk-test-123"))
    }
}

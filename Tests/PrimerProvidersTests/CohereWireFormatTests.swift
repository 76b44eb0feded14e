import Foundation
import PrimerCore
@testable import PrimerProviders
import Testing

/// `CohereChatGenerator` against a local server speaking Cohere's documented Chat API v2
/// streaming wire format: server-sent events whose JSON `type` is `message-start`,
/// `content-start`, `content-delta` (text at `delta.message.content.text`), `content-end`
/// and `message-end`.
@Suite struct CohereWireFormatTests {
    static func messageStart() -> String {
        event(["id": "29f14a5a-11de-4cae-9800-25e4747408ea", "type": "message-start",
               "delta": ["message": ["role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []]]],
              name: "message-start")
    }

    static func contentStart() -> String {
        event(["type": "content-start", "index": 0, "delta": ["message": ["content": ["type": "text", "text": ""]]]], name: "content-start")
    }

    static func delta(_ text: String) -> String {
        event(["type": "content-delta", "index": 0, "delta": ["message": ["content": ["text": text]]]], name: "content-delta")
    }

    static func contentEnd() -> String {
        event(["type": "content-end", "index": 0], name: "content-end")
    }

    static func messageEnd(_ reason: String = "COMPLETE", error: String? = nil) -> String {
        var delta: [String: Any] = ["finish_reason": reason,
                                    "usage": ["billed_units": ["input_tokens": 120, "output_tokens": 9], "tokens": ["input_tokens": 300, "output_tokens": 9]]]
        if let error { delta["error"] = error }
        return event(["type": "message-end", "delta": delta], name: "message-end")
    }

    static let answer = messageStart() + contentStart() + delta("A servo ") + delta("reads a potentiometer")
        + event(["type": "citation-start", "index": 0, "delta": ["message": ["citations": ["start": 8, "end": 29, "text": "reads a potentiometer",
                                                                                            "sources": []]]]], name: "citation-start")
        + event(["type": "citation-end", "index": 0], name: "citation-end")
        + delta(" — naïvely [1].") + contentEnd() + messageEnd()

    func generator(_ server: ScriptedServer, timeout: Duration = .seconds(60)) -> CohereChatGenerator {
        CohereChatGenerator(apiKey: "co-test-key", baseURL: server.url + "/v2", timeout: timeout)
    }

    @Test func streamsTheContentDeltasAndSendsTheDocumentedRequest() async throws {
        let server = try await ScriptedServer.start(.stream(pieces: pieces(Self.answer, count: 31)))
        defer { Task { await server.stop() } }
        let request = sampleRequest()
        let answer = try await collect(generator(server).answer(request))
        #expect(answer == ["A servo ", "reads a potentiometer", " — naïvely [1]."])

        let recorded = try #require(await server.log.requests.first)
        #expect(recorded.method == .POST)
        #expect(recorded.path == "/v2/chat")
        #expect(recorded.headers["Authorization"] == ["Bearer co-test-key"])
        #expect(recorded.headers["Content-Type"].first?.hasPrefix("application/json") == true)
        let json = try #require(recorded.json)
        #expect(json["model"] as? String == "command-r7b-12-2024")
        #expect(json["stream"] as? Bool == true)
        let expected = PromptBuilder.messages(for: request)
        #expect(recorded.messages.map(\.role) == ["system", "user", "assistant", "user"])
        #expect(recorded.messages.map(\.content) == expected.map(\.content))
        #expect(recorded.messages.first?.content == PromptBuilder.systemPrompt(for: request.profile))
    }

    @Test func theDefaultsAreCoheresV2Endpoint() {
        let cohere = CohereChatGenerator(apiKey: "co-test-key")
        #expect(cohere.endpoint == "https://api.cohere.com/v2/chat")
        #expect(cohere.model == "command-r7b-12-2024")
        #expect(cohere.name == "cohere")
        #expect(!String(describing: cohere).contains("co-test-key"))
        var dumped = ""
        dump(cohere, to: &dumped)
        #expect(!dumped.contains("co-test-key"))
    }

    @Test(arguments: [401, 429, 500])
    func errorResponsesCarryTheStatusAndCoheresMessage(status: Int) async throws {
        let message = ["invalid api token", "You are using a Trial key, which is limited to 10 API calls / minute.", "internal server error"][[401, 429, 500].firstIndex(of: status)!]
        let server = try await ScriptedServer.start(.json(status: status, body: #"{"id":"9b1c","message":"\#(message)"}"#))
        defer { Task { await server.stop() } }
        let error = await failure(of: generator(server).answer(sampleRequest()))
        #expect(error as? ProviderError == .http(provider: "cohere", status: status, message: message))
        #expect((error as? ProviderError)?.description == "cohere answered HTTP \(status): \(message)")
    }

    @Test func aFailedGenerationIsAStreamError() async throws {
        let body = Self.messageStart() + Self.contentStart() + Self.delta("A ser") + Self.messageEnd("ERROR", error: "generation failed: overloaded")
        let server = try await ScriptedServer.start(.stream(pieces: [Array(body.utf8)]))
        defer { Task { await server.stop() } }
        let error = await failure(of: generator(server).answer(sampleRequest()))
        #expect(error as? ProviderError == .streamError(provider: "cohere", message: "generation failed: overloaded"))
    }

    @Test func malformedStreamsAreReported() async throws {
        for body in [Self.messageStart() + "data: {\"type\": \"content-delta\", \"delta\": \n\n",
                     Self.messageStart() + Self.contentStart() + Self.delta("cut off"),
                     "data: {\"delta\": {}}\n\n"] {
            let server = try await ScriptedServer.start(.stream(pieces: pieces(body, count: 3)))
            let error = await failure(of: generator(server).answer(sampleRequest()))
            await server.stop()
            guard case .malformedStream(provider: "cohere", _)? = error as? ProviderError else {
                Issue.record("expected a malformed stream, got \(String(describing: error))")
                continue
            }
        }
    }

    @Test func aConsumerThatStopsReadingClosesTheConnection() async throws {
        // After the first piece the server goes quiet: only dropping the stream can end the request early.
        let server = try await ScriptedServer.start(.stall(first: [Array((Self.messageStart() + Self.contentStart() + Self.delta("First")).utf8)],
                                                           silence: .seconds(20)))
        defer { Task { await server.stop() } }
        var first: String?
        for try await piece in generator(server).answer(sampleRequest()) {
            first = piece
            break
        }
        #expect(first == "First")
        #expect(await server.log.waitForEarlyDisconnect(within: .seconds(60)))
    }

    @Test func aSilentServerTimesOut() async throws {
        let server = try await ScriptedServer.start(.stall(first: [Array(Self.messageStart().utf8)], silence: .seconds(10)))
        defer { Task { await server.stop() } }
        let error = await failure(of: generator(server, timeout: .milliseconds(250)).answer(sampleRequest()))
        #expect(error as? ProviderError == .timeout(provider: "cohere", seconds: 0.25))
    }
}

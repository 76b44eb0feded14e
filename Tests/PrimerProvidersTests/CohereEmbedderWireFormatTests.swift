import Foundation
import PrimerCore
@testable import PrimerProviders
import Testing

/// `CohereEmbedder` against a local server speaking Cohere's documented Embed API v2 wire format
/// (`POST /v2/embed` with `{model, texts, input_type, embedding_types: ["float"]}`, answered with
/// `{id, embeddings: {float: [[…]]}, texts, meta}`; errors as `{"id", "message"}`).
///
/// Serialized: all at once, its cases (dozens of servers) slow the other suites enough to
/// trip their 300 ms timeouts.
@Suite(.serialized) struct CohereEmbedderWireFormatTests {
    func embedder(_ url: String, batchSize: Int = CohereEmbedder.maxBatchSize, timeout: Duration = .seconds(60)) -> CohereEmbedder {
        CohereEmbedder(apiKey: "co-test-key", baseURL: url + "/v2", batchSize: batchSize, timeout: timeout)
    }

    /// A documented response to two texts.
    static let response = #"""
        {"id": "da6e531f-54c6-4a73-bf92-f60566d8d753",
         "embeddings": {"float": [[0.016296387, -0.008354187, 0.5], [-0.25, 0.125, 1.0]]},
         "texts": ["how do servos know their angle?", "a potentiometer"],
         "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 11}},
         "response_type": "embeddings_by_type"}
        """#

    @Test(arguments: [(EmbeddingPurpose.document, "search_document"), (.query, "search_query")])
    func sendsTheDocumentedRequest(_ purpose: EmbeddingPurpose, inputType: String) async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: Self.response))
        defer { Task { await server.stop() } }
        let texts = ["how do servos know their angle?", "a potentiometer"]
        let vectors = try await embedder(server.url).embed(texts, purpose: purpose)
        #expect(vectors.count == 2)
        #expect(vectors[1] == [-0.25, 0.125, 1])
        #expect(abs(vectors[0][0] - 0.016296387) < 1e-6)

        let recorded = try #require(await server.log.requests(to: "/v2/embed").first)
        #expect(recorded.method == .POST)
        #expect(recorded.path == "/v2/embed")
        #expect(recorded.headers["Authorization"] == ["Bearer co-test-key"])
        #expect(recorded.headers["Content-Type"].first?.hasPrefix("application/json") == true)
        let json = try #require(recorded.json)
        #expect(Set(json.keys) == ["model", "texts", "input_type", "embedding_types"])
        #expect(json["model"] as? String == "embed-english-v3.0")
        #expect(json["texts"] as? [String] == texts)
        #expect(json["input_type"] as? String == inputType)
        #expect(json["embedding_types"] as? [String] == ["float"])
    }

    @Test func theDefaultsAreCoheresV2Endpoint() {
        let cohere = CohereEmbedder(apiKey: "co-secret-789")
        #expect(cohere.endpoint == "https://api.cohere.com/v2/embed")
        #expect(cohere.model == "embed-english-v3.0")
        #expect(cohere.identifier == "cohere:embed-english-v3.0")
        #expect(CohereEmbedder(apiKey: "k", model: "embed-multilingual-v3.0").identifier == "cohere:embed-multilingual-v3.0")
        #expect(cohere.batchSize == 96)
        #expect(!String(describing: cohere).contains("co-secret-789"))
        var dumped = ""
        dump(cohere, to: &dumped)
        #expect(!dumped.contains("co-secret-789"))
    }

    @Test func noTextsMeansNoRequest() async throws {
        let server = try await ScriptedServer.start(.json(status: 500, body: "{}"))
        defer { Task { await server.stop() } }
        #expect(try await embedder(server.url).embed([], purpose: .query) == [])
        #expect(await server.log.requests(to: "/v2/embed").isEmpty)
    }

    @Test(arguments: [(96, [96, 96, 8]), (500, [96, 96, 8]), (64, [64, 64, 64, 8])])
    func longListsAreSentInBatchesOfAtMost96(batchSize: Int, sizes: [Int]) async throws {
        let server = try await ScriptedServer.start { request in
            Reply(body: cohereResponse(for: request.json?["texts"] as? [String] ?? []))
        }
        defer { Task { await server.stop() } }
        let texts = passages(200)
        let vectors = try await embedder(server.url, batchSize: batchSize).embed(texts, purpose: .document)
        #expect(vectors == texts.map { vector(for: $0) })

        let requests = await server.log.requests(to: "/v2/embed")
        #expect(requests.map { ($0.json?["texts"] as? [String])?.count ?? -1 } == sizes)
        var start = 0
        for (recorded, size) in zip(requests, sizes) {
            #expect(recorded.json?["texts"] as? [String] == Array(texts[start..<start + size]))
            #expect(recorded.json?["input_type"] as? String == "search_document")
            #expect(recorded.json?["embedding_types"] as? [String] == ["float"])
            start += size
        }
    }

    @Test(arguments: [401, 403, 429, 400, 500])
    func errorAnswersCarryCoheresMessage(status: Int) async throws {
        let message = [401: "invalid api token", 403: "You do not have access to this model",
                       429: "You are using a Trial key, which is limited to 100 API calls / minute.",
                       400: "invalid request: valid input_type must be provided with the provided model",
                       500: "internal server error"][status]!
        let server = try await ScriptedServer.start { _ in
            Reply(status: status, headers: status == 429 ? ["Retry-After": "7"] : [:], body: #"{"id": "9b1c", "message": "\#(message)"}"#)
        }
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url).embed(["a"], purpose: .query)
            Issue.record("expected an error")
        } catch {
            let expected: ProviderError = switch status {
            case 401, 403: .authentication(provider: "cohere", status: status, message: message)
            case 429: .rateLimited(provider: "cohere", message: message, retryAfter: 7)
            default: .http(provider: "cohere", status: status, message: message)
            }
            #expect(error as? ProviderError == expected)
            #expect((error as? ProviderError)?.description.contains(message) == true)
            #expect((error as? ProviderError)?.description.contains("co-test-key") == false)
        }
    }

    @Test func aRetryAfterDateBecomesSeconds() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: Date().addingTimeInterval(120))
        let server = try await ScriptedServer.start { _ in
            Reply(status: 429, headers: ["Retry-After": date], body: #"{"message": "too many requests"}"#)
        }
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url).embed(["a"], purpose: .query)
            Issue.record("expected an error")
        } catch {
            let retryAfter = try #require((error as? ProviderError)?.retryAfter)
            #expect((110...121).contains(retryAfter), "\(retryAfter)")
        }
        #expect(ProviderError.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0)  // in the past
        #expect(ProviderError.retryAfterSeconds("soon") == nil)
        #expect(ProviderError.retryAfterSeconds("-3") == nil)
    }

    // Each case: a 200 answer to the texts ["a", "b"], and (part of) the detail expected.
    @Test(arguments: [
        ("not json", "the body is not JSON: not json"),
        (#"{"id": "x", "texts": ["a", "b"]}"#, "(no embeddings)"),
        (#"{"id": "x", "embeddings": {"int8": [[1, 2], [3, 4]]}}"#, "the response has no embeddings.float"),
        (#"{"id": "x", "embeddings": [[0.5, 1], [1, 0.5]]}"#, "(unexpected value at embeddings)"),
        (#"{"id": "x", "embeddings": {"float": [[0.5, 1]]}}"#, "1 embeddings for 2 inputs"),
        (#"{"id": "x", "embeddings": {"float": [[0.5, 1], [1, 0.5, 2]]}}"#, "the embedding of input 1 has 3 dimensions, input 0's has 2"),
        (#"{"id": "x", "embeddings": {"float": [[0.5, 1], []]}}"#, "the embedding of input 1 is empty"),
        (#"{"id": "x", "embeddings": {"float": [[0.5, "1"], [1, 0.5]]}}"#, "(unexpected value at embeddings.float[0][1])"),
    ])
    func malformedAnswersAreReported(body: String, detail expected: String) async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: body))
        defer { Task { await server.stop() } }
        do {
            let vectors = try await embedder(server.url).embed(["a", "b"], purpose: .document)
            Issue.record("expected an error, got \(vectors)")
        } catch {
            guard case .malformedResponse(provider: "cohere", let detail)? = error as? ProviderError else {
                Issue.record("expected a malformed response, got \(error)")
                return
            }
            #expect(detail.contains(expected), "\(detail)")
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        let server = try await ScriptedServer.start(.stall(first: [], silence: .seconds(10)))
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url, timeout: .milliseconds(250)).embed(["a"], purpose: .query)
            Issue.record("expected a timeout")
        } catch {
            #expect(error as? ProviderError == .timeout(provider: "cohere", seconds: 0.25))
        }
    }
}

/// A documented Cohere v2 embed response for `texts`.
func cohereResponse(for texts: [String]) -> String {
    let object: [String: Any] = [
        "id": UUID().uuidString.lowercased(),
        "embeddings": ["float": texts.map { vector(for: $0).map(Double.init) }],
        "texts": texts,
        "meta": ["api_version": ["version": "2"], "billed_units": ["input_tokens": texts.count * 2]],
        "response_type": "embeddings_by_type",
    ]
    return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

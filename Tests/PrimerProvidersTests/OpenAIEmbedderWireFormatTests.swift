import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import PrimerCore
@testable import PrimerProviders
import Testing

/// `OpenAIEmbedder` against a local server speaking OpenAI's documented Embeddings wire format
/// (`POST /embeddings` with `{model, input: [texts], encoding_format: "float"}`, answered with
/// `{object: "list", data: [{object: "embedding", index, embedding}], model, usage}`), as
/// OpenAI, Ollama, the llama.cpp server and vLLM do.
///
/// Serialized: all at once, its cases (dozens of servers) slow the other suites enough to
/// trip their 300 ms timeouts.
@Suite(.serialized) struct OpenAIEmbedderWireFormatTests {
    func embedder(_ url: String, key: String? = "sk-test-123", batchSize: Int = OpenAIEmbedder.defaultBatchSize,
                  timeout: Duration = .seconds(60)) -> OpenAIEmbedder {
        OpenAIEmbedder(baseURL: url + "/v1", apiKey: key, model: "text-embedding-3-small", batchSize: batchSize, timeout: timeout)
    }

    /// A documented response whose `data` is not in input order.
    static let shuffledResponse = #"""
        {"object": "list",
         "data": [{"object": "embedding", "index": 2, "embedding": [0.5, -1.25, 3]},
                  {"object": "embedding", "index": 0, "embedding": [0.015625, -0.0078125, 2.5e-1]},
                  {"object": "embedding", "index": 1, "embedding": [1, 2, -4]}],
         "model": "text-embedding-3-small",
         "usage": {"prompt_tokens": 12, "total_tokens": 12}}
        """#

    @Test func sendsTheDocumentedRequestAndPutsTheVectorsInIndexOrder() async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: Self.shuffledResponse))
        defer { Task { await server.stop() } }
        let texts = ["A servo has a potentiometer.", "naïve — “quoted” \n text", "PWM sets the angle."]
        for purpose in [EmbeddingPurpose.document, .query] {
            let vectors = try await embedder(server.url).embed(texts, purpose: purpose)
            #expect(vectors == [[0.015625, -0.0078125, 0.25], [1, 2, -4], [0.5, -1.25, 3]])
        }

        let requests = await server.log.requests(to: "/v1/embeddings")
        #expect(requests.count == 2)
        for recorded in requests {  // the purpose changes nothing
            #expect(recorded.method == .POST)
            #expect(recorded.path == "/v1/embeddings")
            #expect(recorded.headers["Authorization"] == ["Bearer sk-test-123"])
            #expect(recorded.headers["Content-Type"].first?.hasPrefix("application/json") == true)
            let json = try #require(recorded.json)
            #expect(Set(json.keys) == ["model", "input", "encoding_format"])
            #expect(json["model"] as? String == "text-embedding-3-small")
            #expect(json["input"] as? [String] == texts)
            #expect(json["encoding_format"] as? String == "float")
        }
    }

    @Test func localServersGetNoAuthorizationHeader() async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: Self.shuffledResponse))
        defer { Task { await server.stop() } }
        for key in [nil, ""] as [String?] {
            let ollama = OpenAIEmbedder(baseURL: server.url + "/v1/", apiKey: key, model: "nomic-embed-text")
            #expect(try await ollama.embed(["a", "b", "c"], purpose: .document).count == 3)
        }
        let requests = await server.log.requests(to: "/v1/embeddings")
        #expect(requests.count == 2)
        for recorded in requests {
            #expect(recorded.path == "/v1/embeddings")
            #expect(recorded.headers["Authorization"].isEmpty)
            #expect(recorded.json?["model"] as? String == "nomic-embed-text")
        }
    }

    @Test func identifierEndpointAndDescriptionNeverShowTheKey() {
        let openAI = OpenAIEmbedder(apiKey: "sk-secret-456", model: "text-embedding-3-small")
        #expect(openAI.identifier == "openai:text-embedding-3-small")
        #expect(openAI.endpoint == "https://api.openai.com/v1/embeddings")
        #expect(openAI.batchSize == 96)
        #expect(OpenAIEmbedder(baseURL: "http://localhost:11434/v1/", model: "nomic-embed-text").identifier == "openai:nomic-embed-text")
        #expect(!String(describing: openAI).contains("sk-secret-456"))
        #expect(String(describing: openAI).contains("apiKey: set"))
        var dumped = ""
        dump(openAI, to: &dumped)
        #expect(!dumped.contains("sk-secret-456"))
    }

    @Test func noTextsMeansNoRequest() async throws {
        let server = try await ScriptedServer.start(.json(status: 500, body: "{}"))
        defer { Task { await server.stop() } }
        #expect(try await embedder(server.url).embed([], purpose: .document) == [])
        #expect(await server.log.requests(to: "/v1/embeddings").isEmpty)
    }

    /// How many texts, the batch size, and the sizes of the requests expected.
    struct BatchCase: Sendable, CustomTestStringConvertible {
        let texts: Int
        let batchSize: Int
        let requests: [Int]
        var testDescription: String { "\(texts) texts by \(batchSize)" }
    }

    @Test(arguments: [
        BatchCase(texts: 200, batchSize: 96, requests: [96, 96, 8]),
        BatchCase(texts: 200, batchSize: 50, requests: [50, 50, 50, 50]),
        BatchCase(texts: 96, batchSize: 96, requests: [96]),
        BatchCase(texts: 3, batchSize: 0, requests: [1, 1, 1]),
    ])
    func longListsAreSentInBatchesInOrder(_ batchCase: BatchCase) async throws {
        // Each answer lists the batch's vectors last to first, with their indices.
        let server = try await ScriptedServer.start { request in
            Reply(body: openAIResponse(for: request.json?["input"] as? [String] ?? [], reversed: true))
        }
        defer { Task { await server.stop() } }
        let texts = passages(batchCase.texts)
        let vectors = try await embedder(server.url, batchSize: batchCase.batchSize).embed(texts, purpose: .document)
        #expect(vectors == texts.map { vector(for: $0) })

        let requests = await server.log.requests(to: "/v1/embeddings")
        #expect(requests.map { ($0.json?["input"] as? [String])?.count ?? -1 } == batchCase.requests)
        var start = 0
        for (recorded, size) in zip(requests, batchCase.requests) {
            #expect(recorded.json?["input"] as? [String] == Array(texts[start..<start + size]))
            #expect(recorded.json?["model"] as? String == "text-embedding-3-small")
            #expect(recorded.json?["encoding_format"] as? String == "float")
            start += size
        }
    }

    @Test func aFailedBatchStopsTheRest() async throws {
        let server = try await ScriptedServer.start { request in
            let input = request.json?["input"] as? [String] ?? []
            if input.first == "passage 96" {
                return Reply(status: 500, body: #"{"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}"#)
            }
            return Reply(body: openAIResponse(for: input))
        }
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url).embed(passages(300), purpose: .document)
            Issue.record("expected an error")
        } catch {
            #expect(error as? ProviderError == .http(provider: "openai", status: 500, message: "The server had an error while processing your request."))
        }
        #expect(await server.log.requests(to: "/v1/embeddings").count == 2)
    }

    @Test func batchesOfDifferentDimensionsAreRejected() async throws {
        let server = try await ScriptedServer.start { request in
            let input = request.json?["input"] as? [String] ?? []
            return Reply(body: openAIResponse(for: input, extraDimension: input.first == "passage 2"))
        }
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url, batchSize: 2).embed(passages(4), purpose: .document)
            Issue.record("expected an error")
        } catch {
            #expect(error as? ProviderError == .malformedResponse(provider: "openai", detail: "the embedding of input 2 has 4 dimensions, input 0's has 3"))
        }
    }

    /// An error answer and the error expected from it.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let status: Int
        var headers: [String: String] = [:]
        let body: String
        let error: ProviderError
        var testDescription: String { "HTTP \(status) \(headers)" }
    }

    @Test(arguments: [
        ErrorCase(status: 401, body: #"{"error": {"message": "Incorrect API key provided: sk-test-123.", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}"#,
                  error: .authentication(provider: "openai", status: 401, message: "Incorrect API key provided: [redacted].")),
        ErrorCase(status: 403, body: #"{"error": {"message": "You are not allowed to generate embeddings from this model", "type": "invalid_request_error"}}"#,
                  error: .authentication(provider: "openai", status: 403, message: "You are not allowed to generate embeddings from this model")),
        ErrorCase(status: 429, headers: ["Retry-After": "20"],
                  body: #"{"error": {"message": "Rate limit reached for text-embedding-3-small", "type": "requests", "code": "rate_limit_exceeded"}}"#,
                  error: .rateLimited(provider: "openai", message: "Rate limit reached for text-embedding-3-small", retryAfter: 20)),
        ErrorCase(status: 429, headers: ["retry-after-ms": "1500", "Retry-After": "2"], body: #"{"error": {"message": "slow down"}}"#,
                  error: .rateLimited(provider: "openai", message: "slow down", retryAfter: 1.5)),
        ErrorCase(status: 429, body: "Too Many Requests", error: .rateLimited(provider: "openai", message: nil, retryAfter: nil)),
        ErrorCase(status: 400, body: #"{"error": {"message": "'$.input' is invalid. Please check the API reference", "type": "invalid_request_error"}}"#,
                  error: .http(provider: "openai", status: 400, message: "'$.input' is invalid. Please check the API reference")),
        ErrorCase(status: 500, body: #"{"error": "model runner has unexpectedly stopped"}"#,
                  error: .http(provider: "openai", status: 500, message: "model runner has unexpectedly stopped")),
        ErrorCase(status: 503, body: "<html>Service Unavailable</html>", error: .http(provider: "openai", status: 503, message: nil)),
    ])
    func errorAnswersBecomeProviderErrors(_ errorCase: ErrorCase) async throws {
        let server = try await ScriptedServer.start { _ in
            Reply(status: errorCase.status, headers: errorCase.headers, body: errorCase.body)
        }
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url).embed(["a", "b"], purpose: .query)
            Issue.record("expected an error")
        } catch {
            let providerError = try #require(error as? ProviderError)
            #expect(providerError == errorCase.error)
            #expect(providerError.status == errorCase.status)
            #expect(providerError.isAuthenticationFailure == [401, 403].contains(errorCase.status))
            #expect(providerError.isRateLimited == (errorCase.status == 429))
            #expect(providerError.isTransient == (errorCase.status == 429 || errorCase.status >= 500))
            #expect(providerError.description.contains("HTTP \(errorCase.status)"))
            #expect(!providerError.description.contains("sk-test-123"))
        }
        #expect(await server.log.requests(to: "/v1/embeddings").count == 1)
    }

    @Test func errorDescriptions() {
        #expect(ProviderError.authentication(provider: "openai", status: 401, message: "Incorrect API key provided").description
                == "openai refused the credentials (HTTP 401): Incorrect API key provided")
        #expect(ProviderError.rateLimited(provider: "openai", message: "slow down", retryAfter: 1.5).description
                == "openai is limiting the rate of requests (HTTP 429; retry after 1.5 s): slow down")
        #expect(ProviderError.rateLimited(provider: "openai", message: nil, retryAfter: nil).description
                == "openai is limiting the rate of requests (HTTP 429)")
        #expect(ProviderError.malformedResponse(provider: "openai", detail: "2 embeddings for 3 inputs").description
                == "openai sent a malformed response: 2 embeddings for 3 inputs")
        #expect(ProviderError.rateLimited(provider: "openai", message: nil, retryAfter: 3).retryAfter == 3)
        #expect(ProviderError.http(provider: "openai", status: 429, message: nil).isRateLimited)
        #expect(ProviderError.http(provider: "openai", status: 403, message: nil).isAuthenticationFailure)
        #expect(!ProviderError.malformedResponse(provider: "openai", detail: "x").isTransient)
    }

    /// A 200 body for the inputs `["a", "b"]` and (part of) the error's detail.
    struct MalformedCase: Sendable, CustomTestStringConvertible {
        let body: String
        let detail: String
        var testDescription: String { detail }
    }

    @Test(arguments: [
        MalformedCase(body: "<html>hello</html>", detail: "the body is not JSON: <html>hello</html>"),
        MalformedCase(body: "", detail: "the body is empty, not JSON"),
        MalformedCase(body: #"{"object": "list", "model": "m"}"#, detail: "(no data)"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": "AAAAPwAAAD8="}, {"index": 1, "embedding": "AAAAPwAAAD8="}]}"#,
                      detail: "(unexpected value at data[0].embedding)"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": [1, 2]}]}"#, detail: "1 embeddings for 2 inputs"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": [1, 2]}, {"index": 1, "embedding": [1, 2]}, {"index": 2, "embedding": [1, 2]}]}"#,
                      detail: "3 embeddings for 2 inputs"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": [1, 2]}, {"index": 0, "embedding": [3, 4]}]}"#, detail: "index 0 appears twice"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": [1, 2]}, {"index": 5, "embedding": [3, 4]}]}"#, detail: "index 5 is outside 0..<2"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": [1, 2]}, {"embedding": [3, 4]}]}"#, detail: "embedding 1 has no index"),
        MalformedCase(body: #"{"data": [{"index": 1, "embedding": [1, 2, 3]}, {"index": 0, "embedding": [3, 4]}]}"#,
                      detail: "the embedding of input 1 has 3 dimensions, input 0's has 2"),
        MalformedCase(body: #"{"data": [{"index": 0, "embedding": []}, {"index": 1, "embedding": []}]}"#, detail: "the embedding of input 0 is empty"),
    ])
    func malformedAnswersAreReported(_ malformed: MalformedCase) async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: malformed.body))
        defer { Task { await server.stop() } }
        do {
            let vectors = try await embedder(server.url).embed(["a", "b"], purpose: .document)
            Issue.record("expected an error, got \(vectors)")
        } catch {
            guard case .malformedResponse(provider: "openai", let detail)? = error as? ProviderError else {
                Issue.record("expected a malformed response, got \(error)")
                return
            }
            #expect(detail.contains(malformed.detail), "\(detail)")
        }
    }

    @Test func serversThatLeaveOutTheIndexAnswerInOrder() async throws {
        let server = try await ScriptedServer.start(.json(status: 200, body: #"{"data": [{"embedding": [1, 0]}, {"embedding": [0, 1]}]}"#))
        defer { Task { await server.stop() } }
        #expect(try await embedder(server.url).embed(["a", "b"], purpose: .document) == [[1, 0], [0, 1]])
    }

    /// A server silent after the head, and one that never answers at all.
    @Test(arguments: [Script.stall(first: [], silence: .seconds(10)), .reply(Reply(body: "{}", delay: .seconds(10)))])
    func aSilentServerTimesOut(script: Script) async throws {
        let server = try await ScriptedServer.start(script)
        defer { Task { await server.stop() } }
        do {
            _ = try await embedder(server.url, timeout: .milliseconds(300)).embed(["a"], purpose: .document)
            Issue.record("expected a timeout")
        } catch {
            #expect(error as? ProviderError == .timeout(provider: "openai", seconds: 0.3))
        }
    }

    @Test func cancellingTheCallerClosesTheConnection() async throws {
        let server = try await ScriptedServer.start(.stall(first: [], silence: .seconds(20)))
        defer { Task { await server.stop() } }
        let embedder = embedder(server.url)
        let caller = Task { try await embedder.embed(passages(3), purpose: .document) }
        while await server.log.requests(to: "/v1/embeddings").isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))  // the head is on its way
        caller.cancel()
        let result = await caller.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(await server.log.waitForEarlyDisconnect(within: .seconds(60)))
    }

    @Test func aRefusedConnectionIsATransportError() async throws {
        // Port 1: nothing listens there, and no test server can be given it (unlike a port just closed).
        let url = "http://127.0.0.1:1"
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let embedder = OpenAIEmbedder(baseURL: url + "/v1", apiKey: "sk-test-123", model: "m", client: client)
        var thrown: (any Error)?
        do { _ = try await embedder.embed(["a"], purpose: .document) } catch { thrown = error }
        try await client.shutdown()
        guard case .transport(provider: "openai", let detail)? = thrown as? ProviderError else {
            Issue.record("expected a transport error, got \(String(describing: thrown))")
            return
        }
        #expect(!detail.contains("sk-test-123"))
    }
}

// MARK: - Shared with CohereEmbedderWireFormatTests

/// `passage 0`, `passage 1`, …
func passages(_ count: Int) -> [String] {
    (0..<count).map { "passage \($0)" }
}

/// The vector a test server gives `passage n`: `[n, 0.5, -n/4]` (exact in Float), plus a
/// fourth number when `extraDimension`.
func vector(for text: String, extraDimension: Bool = false) -> [Float] {
    let n = Float(text.split(separator: " ").last.flatMap { Int($0) } ?? -1)
    return [n, 0.5, -n / 4] + (extraDimension ? [1] : [])
}

/// A documented OpenAI embeddings response for `inputs`, its `data` last to first when `reversed`.
func openAIResponse(for inputs: [String], reversed: Bool = false, extraDimension: Bool = false) -> String {
    var data: [[String: Any]] = inputs.enumerated().map { index, text in
        ["object": "embedding", "index": index, "embedding": vector(for: text, extraDimension: extraDimension).map(Double.init)]
    }
    if reversed { data.reverse() }
    let object: [String: Any] = ["object": "list", "data": data, "model": "text-embedding-3-small",
                                 "usage": ["prompt_tokens": inputs.count * 2, "total_tokens": inputs.count * 2]]
    return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

extension ServerLog {
    /// The requests to `path`: a test of another suite that connects to a port it has just
    /// closed may reach a test server that was given that port.
    func requests(to path: String) -> [RecordedRequest] {
        requests.filter { $0.path == path }
    }
}

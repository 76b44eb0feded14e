import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PrimerCore

/// Embeds with any server that speaks the OpenAI Embeddings API: OpenAI itself, Ollama, the
/// llama.cpp server and vLLM.
///
/// It POSTs `<baseURL>/embeddings` with `{"model", "input": [texts…], "encoding_format": "float"}`
/// and reads `{"data": [{"index", "embedding": [floats]}…], "model", "usage"}`, putting the
/// vectors in `index` order. More than `batchSize` texts are sent as several requests, one
/// after the other. The `Authorization: Bearer` header is sent only when an API key is set
/// (local servers need none). The purpose is ignored: these models embed documents and queries
/// alike.
///
/// Errors are `ProviderError`s: `.authentication` (401, 403), `.rateLimited` (429, with
/// `Retry-After`), `.http` (other statuses, with the server's `error.message`),
/// `.malformedResponse`, `.timeout` and `.transport`; cancelling the calling task cancels the
/// request and throws `CancellationError`.
public struct OpenAIEmbedder: Embedder, CustomStringConvertible, CustomReflectable {
    public let name = "openai"
    /// The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama).
    public var baseURL: String
    /// The API key; nil or empty sends no `Authorization` header.
    public var apiKey: String?
    /// The model name, e.g. `text-embedding-3-small` or `nomic-embed-text`.
    public var model: String
    /// Most texts sent in one request (values below 1 count as 1).
    public var batchSize: Int
    /// Longest wait for the response to start (connecting included) and between two pieces of it.
    public var timeout: Duration
    /// The HTTP client the requests go through.
    public var client: HTTPClient

    /// The OpenAI API root.
    public static let defaultBaseURL = OpenAIChatGenerator.defaultBaseURL
    /// Texts per request by default: well under OpenAI's limit (2,048 inputs) and small enough
    /// for local servers.
    public static let defaultBatchSize = 96

    public init(
        baseURL: String = OpenAIEmbedder.defaultBaseURL, apiKey: String? = nil, model: String,
        batchSize: Int = OpenAIEmbedder.defaultBatchSize, timeout: Duration = .seconds(60), client: HTTPClient = .shared
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.batchSize = batchSize
        self.timeout = timeout
        self.client = client
    }

    /// `openai:<model>`.
    public var identifier: String { "\(name):\(model)" }

    /// `<baseURL>/embeddings`.
    public var endpoint: String { OpenAIChatGenerator.trimmingSlashes(baseURL) + "/embeddings" }

    private struct Body: Encodable {
        let model: String
        let input: [String]
        let encoding_format: String
    }

    private struct Response: Decodable {
        struct Item: Decodable {
            let index: Int?
            let embedding: [Float]
        }
        let data: [Item]
    }

    /// One vector per text, in order; no request for no texts.
    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        let request = JSONPostRequest(provider: name, client: client, url: endpoint, apiKey: apiKey, timeout: timeout)
        return try await EmbeddingBatches.embed(texts, batchSize: batchSize, provider: name) { batch in
            let body = try JSONPostRequest.encode(Body(model: model, input: batch, encoding_format: "float"))
            let response = try await request.send(body)
            return try decode(response, count: batch.count)
        }
    }

    /// The vectors of a response to `count` inputs, put in `index` order.
    private func decode(_ body: [UInt8], count: Int) throws -> [[Float]] {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            throw ProviderError.malformedResponse(provider: name, detail: EmbeddingBatches.decodingDetail(error, body,
                expected: #"{"data": [{"index": …, "embedding": [numbers…]}…]}"#))
        }
        guard response.data.count == count else {
            throw ProviderError.malformedResponse(provider: name, detail: "\(response.data.count) embeddings for \(count) inputs")
        }
        // Servers that leave out `index` answer in input order.
        guard response.data.contains(where: { $0.index != nil }) else { return response.data.map(\.embedding) }
        var vectors = [[Float]?](repeating: nil, count: count)
        for (position, item) in response.data.enumerated() {
            guard let index = item.index else {
                throw ProviderError.malformedResponse(provider: name, detail: "embedding \(position) has no index")
            }
            guard vectors.indices.contains(index) else {
                throw ProviderError.malformedResponse(provider: name, detail: "index \(index) is outside 0..<\(count)")
            }
            guard vectors[index] == nil else {
                throw ProviderError.malformedResponse(provider: name, detail: "index \(index) appears twice")
            }
            vectors[index] = item.embedding
        }
        return vectors.map { $0! }  // count entries with distinct indices in 0..<count fill every slot
    }

    public var description: String {
        "OpenAIEmbedder(baseURL: \(baseURL), model: \(model), apiKey: \(apiKey?.isEmpty == false ? "set" : "none"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "model": model, "batchSize": batchSize,
                                "apiKey": apiKey?.isEmpty == false ? "set" : "none"])
    }
}

import AsyncHTTPClient
import Foundation
import PrimerCore

/// Embeds with Cohere's Embed API v2.
///
/// It POSTs `<baseURL>/embed` (`https://api.cohere.com/v2/embed`) with
/// `Authorization: Bearer <key>` and `{"model", "texts": [texts…], "input_type", "embedding_types": ["float"]}`,
/// where `input_type` is `search_document` for passages and `search_query` for questions (the
/// `EmbeddingPurpose`), and reads `{"id", "embeddings": {"float": [[numbers…]…]}, "texts", "meta"}`:
/// one vector per text, in order. Cohere takes at most 96 texts per request, so longer lists are
/// sent as several requests, one after the other.
///
/// Errors are `ProviderError`s: `.authentication` (401, 403), `.rateLimited` (429, with
/// `Retry-After`), `.http` (other statuses, with Cohere's `message`), `.malformedResponse`,
/// `.timeout` and `.transport`; cancelling the calling task cancels the request and throws
/// `CancellationError`.
public struct CohereEmbedder: Embedder, CustomStringConvertible, CustomReflectable {
    public let name = "cohere"
    /// The API root, `https://api.cohere.com/v2` (settable for tests and compatible servers);
    /// the same root as `CohereChatGenerator`'s.
    public var baseURL: String
    /// The Cohere API key (`COHERE_API_KEY`).
    public var apiKey: String
    /// The model name.
    public var model: String
    /// Most texts sent in one request, at most `maxBatchSize` (values outside 1…96 are clamped).
    public var batchSize: Int
    /// Longest wait for the response to start (connecting included) and between two pieces of it.
    public var timeout: Duration
    /// The HTTP client the requests go through.
    public var client: HTTPClient

    /// Cohere's v2 API root.
    public static let defaultBaseURL = CohereChatGenerator.defaultBaseURL
    /// The default model: English, 1,024 dimensions.
    public static let defaultModel = "embed-english-v3.0"
    /// The most texts Cohere embeds in one request.
    public static let maxBatchSize = 96

    public init(
        apiKey: String, model: String = CohereEmbedder.defaultModel, baseURL: String = CohereEmbedder.defaultBaseURL,
        batchSize: Int = CohereEmbedder.maxBatchSize, timeout: Duration = .seconds(60), client: HTTPClient = .shared
    ) {
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL
        self.batchSize = batchSize
        self.timeout = timeout
        self.client = client
    }

    /// `cohere:<model>`.
    public var identifier: String { "\(name):\(model)" }

    /// `<baseURL>/embed`.
    public var endpoint: String { OpenAIChatGenerator.trimmingSlashes(baseURL) + "/embed" }

    private struct Body: Encodable {
        let model: String
        let texts: [String]
        let input_type: String
        let embedding_types: [String]
    }

    private struct Response: Decodable {
        struct Embeddings: Decodable {
            let float: [[Float]]?
        }
        let embeddings: Embeddings
    }

    /// One vector per text, in order; no request for no texts.
    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        let request = JSONPostRequest(provider: name, client: client, url: endpoint, apiKey: apiKey, timeout: timeout)
        let size = min(max(1, batchSize), Self.maxBatchSize)
        return try await EmbeddingBatches.embed(texts, batchSize: size, provider: name) { batch in
            let body = try JSONPostRequest.encode(Body(model: model, texts: batch, input_type: purpose.rawValue, embedding_types: ["float"]))
            let response = try await request.send(body)
            return try decode(response)
        }
    }

    private func decode(_ body: [UInt8]) throws -> [[Float]] {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: Data(body))
        } catch {
            throw ProviderError.malformedResponse(provider: name, detail: EmbeddingBatches.decodingDetail(error, body,
                expected: #"{"embeddings": {"float": [[numbers…]…]}}"#))
        }
        guard let vectors = response.embeddings.float else {
            throw ProviderError.malformedResponse(provider: name, detail: "the response has no embeddings.float")
        }
        return vectors
    }

    public var description: String {
        "CohereEmbedder(baseURL: \(baseURL), model: \(model), apiKey: \(apiKey.isEmpty ? "none" : "set"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "model": model, "batchSize": batchSize, "apiKey": apiKey.isEmpty ? "none" : "set"])
    }
}

/// What a text is embedded for. Some models (Cohere's) embed documents and queries
/// differently; the local model ignores it.
public enum EmbeddingPurpose: String, Sendable {
    case document = "search_document"
    case query = "search_query"
}

/// Turns texts into sentence embeddings. Implementations: the local all-MiniLM-L6-v2
/// (`PrimerEmbeddings`), OpenAI-compatible `/v1/embeddings` and Cohere Embed v2
/// (`PrimerProviders`). Chosen by `EMBEDDING_PROVIDER`.
public protocol Embedder: Sendable {
    /// Names the model; stored with every vector, so that changing the embedder re-embeds the
    /// book (e.g. `local:all-MiniLM-L6-v2`, `openai:text-embedding-3-small`).
    var identifier: String { get }
    /// One vector per text, in order, all of the same length. Blocking work runs off the
    /// caller's thread (a thread pool); network embedders are async.
    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]]
    /// Gets ready to embed (loads a local model), so that the first reader does not wait and
    /// a broken model shows at start-up. Network embedders have nothing to do.
    func prepare() async throws
    /// The texts `chunk` is embedded from, each seen whole by the model: one, its
    /// ``BookChunk/indexedText``, unless the model's input is shorter than the chunk, in which
    /// case ``EmbeddingWindows`` of it. The chunk is scored by its best window.
    func windows(for chunk: BookChunk) async throws -> [String]
}

extension Embedder {
    public func prepare() async throws {}

    /// Hosted models read thousands of tokens: the whole chunk is one text.
    public func windows(for chunk: BookChunk) async throws -> [String] { [chunk.indexedText] }
}

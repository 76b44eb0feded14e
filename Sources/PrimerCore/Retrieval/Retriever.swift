/// A passage that retrievers index: one chunk of a book page.
public struct SearchDocument: Sendable, Equatable {
    /// Stable chunk id.
    public let id: String
    /// The heading path (chapter › section › subsection), weighted higher than the body.
    public let headings: [String]
    /// The chunk's text.
    public let body: String
    /// Slug of the page the chunk belongs to (for per-chapter search).
    public let pageSlug: String

    public init(id: String, headings: [String], body: String, pageSlug: String) {
        self.id = id
        self.headings = headings
        self.body = body
        self.pageSlug = pageSlug
    }
}

/// One retrieved chunk with its score (higher is better; scales differ between retrievers).
public struct SearchHit: Sendable, Equatable {
    /// The ``SearchDocument/id`` of the chunk.
    public let id: String
    /// Relevance; only comparable between hits of the same retriever and query.
    public let score: Double

    public init(id: String, score: Double) {
        self.id = id
        self.score = score
    }
}

/// Finds the chunks most relevant to a query. Lexical (BM25) today; dense and fused
/// retrievers implement the same protocol.
public protocol Retriever: Sendable {
    /// The best `limit` hits for `query`, best first; only chunks of `pageSlug` when given.
    func search(_ query: String, limit: Int, pageSlug: String?) async throws -> [SearchHit]
}

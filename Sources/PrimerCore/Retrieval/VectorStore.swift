/// A chunk's embedding, as handed to a vector store.
public struct ChunkVector: Sendable, Equatable {
    /// The ``SearchDocument/id`` of the chunk.
    public let id: String
    /// Slug of the chunk's page (for per-chapter search).
    public let pageSlug: String
    public let vector: [Float]

    public init(id: String, pageSlug: String, vector: [Float]) {
        self.id = id
        self.pageSlug = pageSlug
        self.vector = vector
    }
}

/// Holds the book's chunk vectors and finds those nearest to a query vector by cosine
/// similarity. Kept narrow so that a Qdrant or pgvector store can replace the in-process one
/// without touching retrieval.
public protocol VectorStore: Sendable {
    /// Number of vectors held.
    var count: Int { get }
    /// Length of each vector.
    var dimension: Int { get }
    /// The `limit` chunks most similar to `query` (cosine, best first), only those of
    /// `pageSlug` when given. Scores are cosine similarities in [-1, 1].
    func nearest(to query: [Float], limit: Int, pageSlug: String?) async throws -> [SearchHit]
}

/// The default store: every vector, L2-normalised, in one contiguous row-major matrix, and an
/// exact matrix–vector product per query (a book has thousands of chunks, not millions).
public struct InMemoryVectorStore: VectorStore {
    public let dimension: Int
    private let ids: [String]
    private let pages: [String]
    /// `count × dimension` floats, row per chunk.
    private let matrix: [Float]

    public var count: Int { ids.count }

    /// Builds the matrix; vectors whose length differs from the first one's are rejected.
    public init(_ vectors: [ChunkVector]) throws(VectorStoreError) {
        let dimension = vectors.first?.vector.count ?? 0
        var matrix: [Float] = []
        matrix.reserveCapacity(vectors.count * dimension)
        for entry in vectors {
            guard entry.vector.count == dimension, dimension > 0 else {
                throw .dimensionMismatch(id: entry.id, expected: dimension, found: entry.vector.count)
            }
            matrix += Self.normalized(entry.vector)
        }
        self.dimension = dimension
        self.ids = vectors.map(\.id)
        self.pages = vectors.map(\.pageSlug)
        self.matrix = matrix
    }

    public func nearest(to query: [Float], limit: Int, pageSlug: String?) async throws -> [SearchHit] {
        try rank(query, limit: limit, pageSlug: pageSlug)
    }

    /// Synchronous ``nearest(to:limit:pageSlug:)``.
    public func rank(_ query: [Float], limit: Int, pageSlug: String?) throws(VectorStoreError) -> [SearchHit] {
        guard !ids.isEmpty, limit > 0 else { return [] }
        guard query.count == dimension else { throw .dimensionMismatch(id: "query", expected: dimension, found: query.count) }
        let unit = Self.normalized(query)
        var top = TopHits(limit: limit)
        let ids = self.ids, pages = self.pages, dimension = self.dimension
        matrix.withUnsafeBufferPointer { rows in
            unit.withUnsafeBufferPointer { q in
                for row in 0..<ids.count where pageSlug == nil || pages[row] == pageSlug {
                    let base = row * dimension
                    var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
                    var i = 0
                    while i + 4 <= dimension {
                        s0 += rows[base + i] * q[i]
                        s1 += rows[base + i + 1] * q[i + 1]
                        s2 += rows[base + i + 2] * q[i + 2]
                        s3 += rows[base + i + 3] * q[i + 3]
                        i += 4
                    }
                    while i < dimension {
                        s0 += rows[base + i] * q[i]
                        i += 1
                    }
                    top.offer(score: Double(s0 + s1 + s2 + s3), id: ids[row])
                }
            }
        }
        return top.hits
    }

    /// `vector / ‖vector‖` (a zero vector stays zero).
    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}

/// A vector of the wrong length.
public enum VectorStoreError: Error, Equatable, CustomStringConvertible {
    case dimensionMismatch(id: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .dimensionMismatch(id, expected, found):
            return "Vector \(id) has \(found) dimensions; the store holds \(expected)-dimensional vectors"
        }
    }
}

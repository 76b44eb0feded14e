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
    /// The similarity of each of `ids` to `query` (ids the store lacks are left out): lets
    /// fusion score every candidate by both retrievers.
    func similarities(to query: [Float], ids: Set<String>) async throws -> [String: Double]
}

/// The default store: every vector, L2-normalised, in one contiguous row-major matrix, and an
/// exact matrix–vector product per query (a book has thousands of chunks, not millions).
/// A chunk may have several vectors (the windows of a long chunk): it scores as its best one.
public struct InMemoryVectorStore: VectorStore {
    public let dimension: Int
    /// One entry per chunk, in order of first appearance.
    private let ids: [String]
    private let pages: [String]
    /// Chunk `i`'s rows are `rowStart[i]..<rowStart[i + 1]`.
    private let rowStart: [Int]
    /// `rows × dimension` floats, row per vector, a chunk's rows adjacent.
    private let matrix: [Float]

    /// Number of chunks held.
    public var count: Int { ids.count }
    /// Number of vectors held (windows of long chunks count separately).
    public var vectorCount: Int { rowStart.last ?? 0 }

    /// Builds the matrix; vectors whose length differs from the first one's are rejected.
    /// Vectors with the same id belong to one chunk.
    public init(_ vectors: [ChunkVector]) throws(VectorStoreError) {
        let dimension = vectors.first?.vector.count ?? 0
        var order: [String] = []
        var grouped: [String: [ChunkVector]] = [:]
        for entry in vectors {
            guard entry.vector.count == dimension, dimension > 0 else {
                throw .dimensionMismatch(id: entry.id, expected: dimension, found: entry.vector.count)
            }
            if grouped[entry.id] == nil { order.append(entry.id) }
            grouped[entry.id, default: []].append(entry)
        }
        var matrix: [Float] = []
        matrix.reserveCapacity(vectors.count * dimension)
        var rowStart = [0], pages: [String] = []
        for id in order {
            let rows = grouped[id]!
            for row in rows { matrix += Self.normalized(row.vector) }
            rowStart.append(rowStart.last! + rows.count)
            pages.append(rows[0].pageSlug)
        }
        self.dimension = dimension
        self.ids = order
        self.pages = pages
        self.rowStart = rowStart
        self.matrix = matrix
    }

    public func nearest(to query: [Float], limit: Int, pageSlug: String?) async throws -> [SearchHit] {
        try rank(query, limit: limit, pageSlug: pageSlug)
    }

    /// Synchronous ``nearest(to:limit:pageSlug:)``.
    public func rank(_ query: [Float], limit: Int, pageSlug: String?) throws(VectorStoreError) -> [SearchHit] {
        guard !ids.isEmpty, limit > 0 else { return [] }
        var top = TopHits(limit: limit)
        try scan(query, pageSlug: pageSlug) { chunk, score in top.offer(score: score, id: ids[chunk]) }
        return top.hits
    }

    public func similarities(to query: [Float], ids wanted: Set<String>) async throws -> [String: Double] {
        var scores: [String: Double] = [:]
        scores.reserveCapacity(wanted.count)
        try scan(query, pageSlug: nil) { chunk, score in
            if wanted.contains(ids[chunk]) { scores[ids[chunk]] = score }
        }
        return scores
    }

    /// Calls `visit` with each chunk's index and best cosine similarity to `query`.
    private func scan(_ query: [Float], pageSlug: String?, visit: (Int, Double) -> Void) throws(VectorStoreError) {
        guard query.count == dimension else { throw .dimensionMismatch(id: "query", expected: dimension, found: query.count) }
        let unit = Self.normalized(query)
        let pages = self.pages, rowStart = self.rowStart, dimension = self.dimension
        matrix.withUnsafeBufferPointer { rows in
            unit.withUnsafeBufferPointer { q in
                for chunk in 0..<pages.count where pageSlug == nil || pages[chunk] == pageSlug {
                    var best = -Float.infinity
                    for row in rowStart[chunk]..<rowStart[chunk + 1] {
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
                        best = max(best, s0 + s1 + s2 + s3)
                    }
                    visit(chunk, Double(best))
                }
            }
        }
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

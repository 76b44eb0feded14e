import Foundation

/// Tuning knobs of ``BM25Index``.
public struct BM25Parameters: Sendable, Equatable {
    /// Term-frequency saturation (Okapi `k1`).
    public var k1: Double
    /// Document-length normalisation strength (Okapi `b`, 0 = none, 1 = full).
    public var b: Double
    /// How many body occurrences one heading occurrence is worth.
    public var headingWeight: Double

    /// Okapi defaults (`k1` 1.2, `b` 0.75), with a heading occurrence worth three body occurrences.
    public init(k1: Double = 1.2, b: Double = 0.75, headingWeight: Double = 3) {
        self.k1 = k1
        self.b = b
        self.headingWeight = headingWeight
    }
}

/// An in-memory Okapi BM25 index over book chunks.
///
/// Headings and body are folded into one weighted field: a term's frequency in a chunk is
/// `bodyCount + headingWeight × headingCount`, and the chunk's length is its weighted term count
/// the same way. This is BM25F with a single shared `b`, so a heading match outranks an equal body
/// match while term-frequency saturation still applies to the field sum. IDF is the non-negative
/// Lucene form `ln(1 + (N − df + 0.5) / (df + 0.5))`. Search walks only the postings of the query's
/// terms, so its cost scales with how common those terms are, not with the corpus size.
public struct BM25Index: Retriever, Sendable {
    private struct Posting: Sendable {
        let doc: Int32
        let frequency: Float
    }

    /// The parameters the index was built with.
    public let parameters: BM25Parameters
    private let ids: [String]
    private let pageOfDoc: [Int32]
    private let pageNumbers: [String: Int32]
    private let lengthNorm: [Double]  // k1 · (1 − b + b · length / averageLength), per document
    private let termNumbers: [String: Int]
    private let postings: [[Posting]]

    /// Number of indexed chunks.
    public var documentCount: Int { ids.count }

    /// How many chunks contain `term` (a stemmed term from `TextTokenizer.terms`).
    public func documentFrequency(of term: String) -> Int {
        termNumbers[term].map { postings[$0].count } ?? 0
    }

    /// The Lucene IDF of `term`: `ln(1 + (N − df + 0.5) / (df + 0.5))`, highest for a term
    /// the book never uses.
    public func inverseDocumentFrequency(of term: String) -> Double {
        let n = Double(ids.count), df = Double(documentFrequency(of: term))
        return log(1 + (n - df + 0.5) / (df + 0.5))
    }

    /// Indexes `documents` (order matters only for memory layout, not results).
    public init(documents: [SearchDocument], parameters: BM25Parameters = BM25Parameters()) {
        self.parameters = parameters
        var builder = Builder(headingWeight: parameters.headingWeight)
        for doc in documents { builder.add(doc) }
        ids = documents.map(\.id)
        pageOfDoc = builder.pageOfDoc
        pageNumbers = builder.pageNumbers
        termNumbers = builder.termNumbers
        postings = builder.postings.map { $0.map { Posting(doc: $0.doc, frequency: $0.frequency) } }
        let total = builder.lengths.reduce(0, +)
        let average = documents.isEmpty || total == 0 ? 1 : total / Double(documents.count)
        lengthNorm = builder.lengths.map { parameters.k1 * (1 - parameters.b + parameters.b * $0 / average) }
    }

    /// ``Retriever`` conformance; runs the synchronous ``rank(_:limit:pageSlug:)``.
    public func search(_ query: String, limit: Int, pageSlug: String?) async throws -> [SearchHit] {
        rank(query, limit: limit, pageSlug: pageSlug)
    }

    /// The best `limit` chunks for `query`, best first (ties broken by id); only chunks scoring
    /// above zero, and only those of `pageSlug` when it is given. Synchronous.
    public func rank(_ query: String, limit: Int, pageSlug: String?) -> [SearchHit] {
        rank(terms: TextTokenizer.terms(query), limit: limit, pageSlug: pageSlug)
    }

    /// ``rank(_:limit:pageSlug:)`` for a query already split by `TextTokenizer.terms`.
    public func rank(terms queryTerms: [String], limit: Int, pageSlug: String?) -> [SearchHit] {
        guard limit > 0 else { return [] }
        var top = TopHits(limit: limit)
        let ids = self.ids  // the closure below would otherwise copy all of `self`
        score(terms: queryTerms, pageSlug: pageSlug) { doc, score in top.offer(score: score, id: ids[doc]) }
        return top.hits
    }

    /// The BM25 score of every chunk that matches any of `queryTerms` (of `pageSlug` when
    /// given), by id; chunks missing from the result score 0.
    public func scores(terms queryTerms: [String], pageSlug: String?) -> [String: Double] {
        var scores: [String: Double] = [:]
        score(terms: queryTerms, pageSlug: pageSlug) { doc, score in scores[ids[doc]] = score }
        return scores
    }

    /// Calls `visit` with each matching document's number and its score above zero.
    private func score(terms queryTerms: [String], pageSlug: String?, visit: (Int, Double) -> Void) {
        guard !ids.isEmpty else { return }
        var page: Int32?
        if let pageSlug {
            guard let number = pageNumbers[pageSlug] else { return }
            page = number
        }
        var seen = Set<Int>()
        let terms = queryTerms.compactMap { termNumbers[$0] }.filter { seen.insert($0).inserted }
        let n = Double(ids.count)
        var scores = [Double](repeating: 0, count: ids.count)
        var touched: [Int32] = []
        for term in terms {
            let list = postings[term]
            let df = Double(list.count)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            for posting in list where page == nil || pageOfDoc[Int(posting.doc)] == page {
                let tf = Double(posting.frequency)
                let doc = Int(posting.doc)
                if scores[doc] == 0 { touched.append(posting.doc) }
                scores[doc] += idf * tf * (parameters.k1 + 1) / (tf + lengthNorm[doc])
            }
        }
        for doc in touched where scores[Int(doc)] > 0 { visit(Int(doc), scores[Int(doc)]) }
    }
}

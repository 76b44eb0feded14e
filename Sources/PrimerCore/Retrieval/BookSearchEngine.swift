/// Retrieval for questions: lexical (BM25), dense (embeddings in a vector store) or hybrid —
/// the union of both retrievers' best `candidateFactor` × `limit` chunks, each scored by both
/// and fused (convex combination by default, reciprocal rank as the alternative) — plus the
/// "the book doesn't cover this" decision (``CoveragePolicy``).
public struct BookSearchEngine: Sendable {
    /// Which retrievers answer.
    public enum Mode: String, Sendable, CaseIterable {
        case lexical, dense, hybrid
    }

    /// How the hybrid mode combines the two retrievers.
    public enum Fusion: Sendable, Equatable {
        case convex(ConvexFusion)
        case reciprocalRank(RankFusion)
    }

    /// The retrieved chunk ids and whether the book covers the question.
    public struct Result: Sendable, Equatable {
        public let hits: [SearchHit]
        public let coverage: Coverage
        /// Cosine similarity of the best dense hit (nil without dense retrieval).
        public let denseTop: Double?

        /// Whether an answer is composed from the hits.
        public var relevant: Bool { coverage.answers }
    }

    public let lexical: BM25Index
    public let dense: (any VectorStore)?
    public let embedder: (any Embedder)?
    public let vocabulary: BookVocabulary
    public var fusion: Fusion
    public var coverage: CoveragePolicy
    public static let candidateFactor = 3
    /// The shipped fusion: what `primer eval --tune-on` chose on the second shared book (74
    /// questions), measured on the first (README, "Retrieval quality").
    public static let standardFusion = Fusion.convex(ConvexFusion(denseWeight: 0.8, normalisation: .theoretical))

    public init(lexical: BM25Index, dense: (any VectorStore)? = nil, embedder: (any Embedder)? = nil,
                vocabulary: BookVocabulary = BookVocabulary(texts: []),
                fusion: Fusion = BookSearchEngine.standardFusion, coverage: CoveragePolicy = .standard) {
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.vocabulary = vocabulary
        self.fusion = fusion
        self.coverage = coverage
    }

    /// The best mode available: hybrid with an embedder and vectors, else lexical.
    public var defaultMode: Mode { embedder != nil && (dense?.count ?? 0) > 0 ? .hybrid : .lexical }

    /// What a search found before fusion, so that several fusions can be compared on one
    /// embedding of the question (``fuse(_:limit:mode:)``).
    public struct Evidence: Sendable {
        let terms: [String]
        let lexicalHits: [SearchHit]
        let lexicalScores: [String: Double]
        let denseHits: [SearchHit]
        let denseScores: [String: Double]
        /// The share of the question's IDF weight found in the best of the top lexical passages.
        public let lexicalEvidence: Double
        /// The share of the question's distinct terms that occur anywhere in the book.
        public let vocabularyShare: Double
        /// Cosine similarity of the best dense hit (nil without dense retrieval).
        public let denseTop: Double?
        /// The question as the reader asked it (its names decide what the book lacks).
        let question: String
        /// When the question names something the book lacks but also asks something without it:
        /// the evidence for that covered part alone.
        let coveredPart: PartEvidence?
    }

    /// Evidence for the covered part of a partly covered question (a class: evidence nests).
    public final class PartEvidence: Sendable {
        let evidence: Evidence

        init(_ evidence: Evidence) {
            self.evidence = evidence
        }
    }

    /// Searches `query` (already split into `terms` by `TextTokenizer.terms`). `chunk` maps ids
    /// to chunks for the lexical part of the coverage decision. `question`, when the query was
    /// widened with earlier turns of a conversation, is what the reader asked now: only its
    /// names decide what the book lacks.
    public func search(_ query: String, terms: [String], limit: Int, pageSlug: String?, mode: Mode? = nil, question: String? = nil,
                       chunk: (String) -> BookChunk?) async throws -> Result {
        let mode = mode ?? defaultMode
        let evidence = try await gather(query, question: question, terms: terms, limit: limit, pageSlug: pageSlug, mode: mode, chunk: chunk)
        let decision = decide(evidence, policy: coverage)
        var hits = fuse(evidence, limit: limit, mode: mode)
        // A partly covered question is answered from passages about its covered part alone.
        if case .partial = decision, let part = evidence.coveredPart { hits = fuse(part.evidence, limit: limit, mode: mode) }
        return Result(hits: hits, coverage: decision, denseTop: evidence.denseTop)
    }

    /// Runs the retrievers that `mode` needs: each one's best `candidateFactor × limit`
    /// chunks, then both scores for every candidate (hybrid).
    public func gather(_ query: String, question: String? = nil, terms: [String], limit: Int, pageSlug: String?, mode: Mode,
                       partOf whole: Bool = false, chunk: (String) -> BookChunk?) async throws -> Evidence {
        let question = question ?? query
        var coveredPart: PartEvidence?
        if !whole, case (let names, let part?) = CoveragePolicy.missingNames(in: question, vocabulary: vocabulary), !names.isEmpty {
            coveredPart = PartEvidence(try await gather(
                part, terms: TextTokenizer.terms(part), limit: limit, pageSlug: pageSlug, mode: mode, partOf: true, chunk: chunk))
        }
        let candidates = limit * Self.candidateFactor
        // One BM25 pass: its ranking, and every candidate's score for fusion.
        let allLexical = lexical.scores(terms: terms, pageSlug: pageSlug)
        var ranked = TopHits(limit: max(candidates, 3))
        for (id, score) in allLexical { ranked.offer(score: score, id: id) }
        let lexicalHits = ranked.hits
        var denseHits: [SearchHit] = []
        var denseScores: [String: Double] = [:]
        var lexicalScores: [String: Double] = [:]
        if mode != .lexical, let dense, let embedder {
            // Capped before it leaves for any embedder (local or remote): validation already limits
            // questions, and this holds for every caller.
            let vector = try await embedder.embed([TextLimit.question.truncating(query)], purpose: .query).first ?? []
            denseHits = try await dense.nearest(to: vector, limit: candidates, pageSlug: pageSlug)
            if mode == .hybrid {
                let union = Set(lexicalHits.prefix(candidates).map(\.id)).union(denseHits.map(\.id))
                denseScores = try await dense.similarities(to: vector, ids: union)
                for id in union { lexicalScores[id] = allLexical[id] ?? 0 }
            }
        }
        let distinct = Set(terms)
        return Evidence(terms: terms, lexicalHits: Array(lexicalHits.prefix(mode == .lexical ? limit : candidates)),
                        lexicalScores: lexicalScores, denseHits: denseHits, denseScores: denseScores,
                        lexicalEvidence: lexicalEvidence(terms, passages: lexicalHits.prefix(3).compactMap { chunk($0.id) }),
                        vocabularyShare: distinct.isEmpty ? 0
                            : Double(distinct.count { lexical.documentFrequency(of: $0) > 0 }) / Double(distinct.count),
                        denseTop: mode == .lexical ? nil : denseHits.first?.score, question: question, coveredPart: coveredPart)
    }

    /// The ranking `mode` gives from `evidence`, with this engine's fusion.
    public func fuse(_ evidence: Evidence, limit: Int, mode: Mode) -> [SearchHit] {
        switch mode {
        case .lexical: return Array(evidence.lexicalHits.prefix(limit))
        case .dense: return Array(evidence.denseHits.prefix(limit))
        case .hybrid:
            switch fusion {
            case .reciprocalRank(let rrf):
                return rrf.fuse(lexical: evidence.lexicalHits, dense: evidence.denseHits, limit: limit)
            case .convex(let convex):
                let candidates = evidence.lexicalHits.map(\.id) + evidence.denseHits.map(\.id)
                return convex.fuse(candidates: candidates, lexical: evidence.lexicalScores, dense: evidence.denseScores, limit: limit)
            }
        }
    }

    /// The coverage decision from `evidence` under `policy`. A partly covered question stays
    /// partly covered only if its covered part is covered on its own evidence.
    public func decide(_ evidence: Evidence, policy: CoveragePolicy) -> Coverage {
        let decision = policy.decide(question: evidence.question, vocabulary: vocabulary, denseTop: evidence.denseTop,
                                     lexicalEvidence: evidence.lexicalEvidence, vocabularyShare: evidence.vocabularyShare)
        guard case .partial(let missing, _) = decision else { return decision }
        guard let part = evidence.coveredPart, decide(part.evidence, policy: policy) == .covered else { return .notCovered(missing: missing) }
        return decision
    }

    /// The largest share of the question's IDF weight that one of `passages` contains (terms
    /// the book never uses weigh most; 0 for a question without terms).
    func lexicalEvidence(_ terms: [String], passages: [BookChunk]) -> Double {
        let distinct = Set(terms)
        let weights = distinct.map { ($0, lexical.inverseDocumentFrequency(of: $0)) }
        let total = weights.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return 0 }
        return passages.map { passage in
            let present = ChunkTerms.of(passage)
            return weights.reduce(0) { present.contains($1.0) ? $0 + $1.1 : $0 } / total
        }.max() ?? 0
    }
}

/// Retrieval for questions: lexical (BM25), dense (embeddings in a vector store) or hybrid —
/// both lists, `candidateFactor` × the requested count each, fused by reciprocal rank — plus
/// the "the book doesn't cover this" decision, from lexical evidence and the dense similarity.
public struct BookSearchEngine: Sendable {
    /// Which retrievers answer.
    public enum Mode: String, Sendable, CaseIterable {
        case lexical, dense, hybrid
    }

    /// The retrieved chunk ids and whether the book covers the question.
    public struct Result: Sendable, Equatable {
        public let hits: [SearchHit]
        public let relevant: Bool
        /// Cosine similarity of the best dense hit (nil without dense retrieval).
        public let denseTop: Double?
    }

    public let lexical: BM25Index
    public let dense: (any VectorStore)?
    public let embedder: (any Embedder)?
    public var fusion: RankFusion
    /// A question whose best dense similarity reaches this is covered even with weak lexical
    /// evidence (paraphrases); below `denseFloor` it is not covered whatever the words.
    public var denseAccept: Double
    public var denseFloor: Double
    /// Gated fusion: when the best lexical hit contains less than `strongLexicalCoverage` of the
    /// question's terms (a paraphrase: BM25 is guessing), the lexical list counts only
    /// `weakLexicalFactor` of its weight.
    public var gatedFusion = true
    public var strongLexicalCoverage = 0.6
    public var weakLexicalFactor = 0.3
    public static let candidateFactor = 3
    /// Tuned with `primer eval --sweep` on Benchmarks/eval/questions.json: dense counts three
    /// times as much as lexical, and gated fusion (below) down-weights lexical further on
    /// paraphrased questions. Equal weights lost to dense alone (hit@5 75.0% vs 85.4%).
    public static let tunedFusion = RankFusion(k: 60, lexicalWeight: 1, denseWeight: 3)

    public init(lexical: BM25Index, dense: (any VectorStore)? = nil, embedder: (any Embedder)? = nil,
                fusion: RankFusion = BookSearchEngine.tunedFusion, denseAccept: Double = 0.5, denseFloor: Double = 0.2) {
        self.lexical = lexical
        self.dense = dense
        self.embedder = embedder
        self.fusion = fusion
        self.denseAccept = denseAccept
        self.denseFloor = denseFloor
    }

    /// The best mode available: hybrid with an embedder and vectors, else lexical.
    public var defaultMode: Mode { embedder != nil && (dense?.count ?? 0) > 0 ? .hybrid : .lexical }

    /// Searches `query` (already split into `terms` by `TextTokenizer.terms`). `chunk` maps ids
    /// to chunks for the lexical part of the relevance decision.
    public func search(_ query: String, terms: [String], limit: Int, pageSlug: String?, mode: Mode? = nil,
                       chunk: (String) -> BookChunk?) async throws -> Result {
        let mode = mode ?? defaultMode
        let candidates = limit * Self.candidateFactor
        let lexicalHits = mode == .dense ? [] : lexical.rank(terms: terms, limit: mode == .lexical ? limit : candidates, pageSlug: pageSlug)
        var denseHits: [SearchHit] = []
        if mode != .lexical, let dense, let embedder {
            // Capped before it leaves for any embedder (local or remote): validation already limits
            // questions, and this holds for every caller.
            let vector = try await embedder.embed([TextLimit.question.truncating(query)], purpose: .query).first ?? []
            denseHits = try await dense.nearest(to: vector, limit: mode == .dense ? limit : candidates, pageSlug: pageSlug)
        }
        let hits: [SearchHit]
        switch mode {
        case .lexical: hits = lexicalHits
        case .dense: hits = denseHits
        case .hybrid:
            var weights = fusion
            if gatedFusion, lexicalCoverage(terms, of: lexicalHits.first, chunk: chunk) < strongLexicalCoverage {
                weights.lexicalWeight *= weakLexicalFactor
            }
            hits = weights.fuse(lexical: lexicalHits, dense: denseHits, limit: limit)
        }
        let denseTop = mode == .lexical ? nil : denseHits.first?.score
        let passages = (mode == .dense ? lexicalHitsForGate(terms, pageSlug: pageSlug) : lexicalHits)
            .prefix(3).compactMap { chunk($0.id).map { SourcePassage(chunk: $0, score: 0) } }
        let lexicalRelevant = RelevanceGate.isRelevant(questionTerms: terms, passages: passages,
                                                       inBook: { lexical.documentFrequency(of: $0) > 0 })
        return Result(hits: hits, relevant: Self.covered(lexical: lexicalRelevant, denseTop: denseTop, accept: denseAccept, floor: denseFloor),
                      denseTop: denseTop)
    }

    /// Share of the question's distinct terms found in `hit`'s chunk (0 without a hit).
    func lexicalCoverage(_ terms: [String], of hit: SearchHit?, chunk: (String) -> BookChunk?) -> Double {
        let distinct = Set(terms)
        guard let hit, !distinct.isEmpty, let found = chunk(hit.id) else { return 0 }
        let chunkTerms = ChunkTerms.of(found)
        return Double(distinct.count(where: chunkTerms.contains)) / Double(distinct.count)
    }

    private func lexicalHitsForGate(_ terms: [String], pageSlug: String?) -> [SearchHit] {
        lexical.rank(terms: terms, limit: 3, pageSlug: pageSlug)
    }

    /// The coverage decision: lexical evidence alone without dense retrieval; with it, a strong
    /// dense match suffices, a very weak one refuses, and in between the lexical gate decides.
    public static func covered(lexical: Bool, denseTop: Double?, accept: Double, floor: Double) -> Bool {
        guard let denseTop else { return lexical }
        if denseTop >= accept { return true }
        if denseTop < floor { return false }
        return lexical
    }
}

/// Chooses the tunable retrieval settings — the convex fusion's dense weight and
/// normalisation, the reciprocal-rank fusion's dense weight, and the coverage thresholds — by
/// grid search on one question set, from evidence gathered once per question. Report the
/// result on another book: a setting measured on the set it was tuned on is not a result.
public struct RetrievalTuning: Sendable {
    /// What the search found for each question (``BookSearchEngine/gather``), by question id.
    public let evidence: [String: BookSearchEngine.Evidence]
    public let questions: [EvaluationQuestion]
    /// The engine whose fusion and coverage settings are varied.
    public let engine: BookSearchEngine
    /// How many hits are ranked per question.
    public let limit: Int

    public init(questions: [EvaluationQuestion], evidence: [String: BookSearchEngine.Evidence], engine: BookSearchEngine, limit: Int = 10) {
        self.questions = questions
        self.evidence = evidence
        self.engine = engine
        self.limit = limit
    }

    /// The settings chosen.
    public struct Choice: Sendable, Equatable {
        public var convex: ConvexFusion
        public var reciprocalRank: RankFusion
        public var coverage: CoveragePolicy
    }

    /// The evaluation of `mode` with `fusion` and `coverage` (lexical mode decides coverage
    /// without the dense similarity, as a server without an embedder does).
    public func evaluate(mode: BookSearchEngine.Mode, fusion: BookSearchEngine.Fusion, coverage: CoveragePolicy,
                         chunk: (String) -> BookChunk?) -> RetrievalEvaluation {
        var tuned = engine
        tuned.fusion = fusion
        return RetrievalEvaluation.score(questions) { question in
            guard let found = evidence[question.id] else { return ([], false) }
            let hits = tuned.fuse(found, limit: limit, mode: mode)
            let decision = tuned.decide(mode == .lexical ? found.lexicalOnly : found, policy: coverage)
            let ranked = decision.answers && decision != .covered ? found.coveredPart.map { tuned.fuse(mode == .lexical ? $0.evidence.lexicalOnly : $0.evidence, limit: limit, mode: mode) } ?? hits : hits
            return (ranked.compactMap { chunk($0.id) }, decision.answers)
        }
    }

    /// Grid search: fusions by MRR + hit@5; coverage thresholds by the share of not-covered
    /// questions refused among those refusing at most `maxWronglyRefused` of the answerable
    /// ones. Ties go to the middle of the tied settings.
    public func tune(maxWronglyRefused: Double = 0.05, chunk: (String) -> BookChunk?) -> Choice {
        let policy = engine.coverage
        func quality(_ fusion: BookSearchEngine.Fusion) -> Double {
            let result = evaluate(mode: .hybrid, fusion: fusion, coverage: policy, chunk: chunk)
            return ((result.mrr + result.hitAt5) * 10_000).rounded()
        }
        var convexOptions: [ConvexFusion] = []
        for normalisation in ConvexFusion.Normalisation.allCases {
            for step in 0...20 { convexOptions.append(ConvexFusion(denseWeight: Double(step) / 20, normalisation: normalisation)) }
        }
        let convex = Self.best(convexOptions) { quality(.convex($0)) }
        let rrfOptions = [0.5, 1, 1.5, 2, 3, 4, 6].map { RankFusion(k: 60, lexicalWeight: 1, denseWeight: $0) }
        let rrf = Self.best(rrfOptions) { quality(.reciprocalRank($0)) }

        var coverageOptions: [CoveragePolicy] = []
        for floor in stride(from: 0.10, through: 0.50, by: 0.025) {
            for accept in stride(from: 0.30, through: 0.80, by: 0.025) where accept >= floor {
                for share in stride(from: 0.2, through: 0.7, by: 0.05) {
                    coverageOptions.append(CoveragePolicy(denseFloor: floor, denseAccept: accept, lexicalShare: share))
                }
            }
        }
        let fusion = BookSearchEngine.Fusion.convex(convex)
        func refusalScore(_ result: RetrievalEvaluation) -> Double {
            guard result.wronglyRefused <= maxWronglyRefused else { return -1 + (1 - result.wronglyRefused) / 10 }
            return (result.refusedUncovered * 1000).rounded() + (1 - result.wronglyRefused)
        }
        var coverage = Self.best(coverageOptions) { refusalScore(evaluate(mode: .hybrid, fusion: fusion, coverage: $0, chunk: chunk)) }
        // Without an embedding model only the lexical evidence (and the names) decide.
        // The book-vocabulary share stays at the old gate's 0.5: tuned here it overfits (0.8 on the
        // second book refuses 31% of the first book's answerable questions).
        coverage.lexicalOnlyShare = Self.best(Array(stride(from: 0.0, through: 0.5, by: 0.025))) { share in
            var option = coverage
            option.lexicalOnlyShare = share
            return refusalScore(evaluate(mode: .lexical, fusion: fusion, coverage: option, chunk: chunk))
        }
        return Choice(convex: convex, reciprocalRank: rrf, coverage: coverage)
    }

    /// The option with the highest score; among equals, the middle one.
    static func best<T>(_ options: [T], score: (T) -> Double) -> T {
        let scored = options.map { ($0, score($0)) }
        let top = scored.map(\.1).max() ?? 0
        let tied = scored.filter { $0.1 == top }.map(\.0)
        return tied[tied.count / 2]
    }
}

extension BookSearchEngine.Evidence {
    /// The same evidence as a lexical-only search would have had.
    var lexicalOnly: BookSearchEngine.Evidence {
        BookSearchEngine.Evidence(terms: terms, lexicalHits: lexicalHits, lexicalScores: [:], denseHits: [], denseScores: [:],
                                  lexicalEvidence: lexicalEvidence, vocabularyShare: vocabularyShare, denseTop: nil, question: question,
                                  coveredPart: coveredPart.map { BookSearchEngine.PartEvidence($0.evidence.lexicalOnly) })
    }
}

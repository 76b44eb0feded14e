/// Convex combination of normalised scores (Bruch, Gai & Ingber, "An Analysis of Fusion
/// Functions for Hybrid Retrieval", ACM TOIS 2023): every candidate gets
/// `denseWeight · dense′ + (1 − denseWeight) · lexical′`, where `′` is the retriever's score
/// normalised over the candidates. Unlike rank fusion it keeps how far apart the scores are,
/// and its one parameter transfers between collections.
public struct ConvexFusion: Sendable, Equatable {
    /// How raw scores are put on a common [0, 1] scale.
    public enum Normalisation: String, Sendable, CaseIterable {
        /// `(s − min) / (max − min)` over the candidates.
        case minMax
        /// Theoretical min–max: the lower bound is the retriever's least possible score (0 for
        /// BM25, −1 for cosine), the upper bound the best candidate's; robust to a candidate set
        /// whose scores are all alike.
        case theoretical
    }

    /// Weight of the dense score, in [0, 1]; the lexical one gets the rest.
    public var denseWeight: Double
    public var normalisation: Normalisation

    public init(denseWeight: Double, normalisation: Normalisation = .theoretical) {
        self.denseWeight = min(1, max(0, denseWeight))
        self.normalisation = normalisation
    }

    /// The best `limit` of `candidates`, scored from their lexical (BM25, ≥ 0; missing = 0) and
    /// dense (cosine in [−1, 1]; missing = the lowest candidate's) scores. Ties go to the smaller id.
    public func fuse(candidates: [String], lexical: [String: Double], dense: [String: Double], limit: Int) -> [SearchHit] {
        let ids = Array(Set(candidates))
        guard !ids.isEmpty, limit > 0 else { return [] }
        let lexicalScores = ids.map { lexical[$0] ?? 0 }
        let denseFloor = dense.isEmpty ? -1 : ids.compactMap { dense[$0] }.min() ?? -1
        let denseScores = ids.map { dense[$0] ?? denseFloor }
        let lexicalNorm = normalise(lexicalScores, theoreticalMin: 0)
        let denseNorm = dense.isEmpty ? ids.map { _ in 0.0 } : normalise(denseScores, theoreticalMin: -1)
        var top = TopHits(limit: limit)
        for index in ids.indices {
            top.offer(score: denseWeight * denseNorm[index] + (1 - denseWeight) * lexicalNorm[index], id: ids[index])
        }
        return top.hits
    }

    /// `scores` mapped onto [0, 1]. All-equal scores map to 1 when above the retriever's floor
    /// (every candidate matched equally) and 0 when at it (none matched).
    func normalise(_ scores: [Double], theoreticalMin: Double) -> [Double] {
        guard let high = scores.max(), let observedLow = scores.min() else { return [] }
        let low = normalisation == .minMax ? observedLow : min(theoreticalMin, observedLow)
        guard high > low else { return scores.map { $0 > theoreticalMin ? 1 : 0 } }
        return scores.map { ($0 - low) / (high - low) }
    }
}

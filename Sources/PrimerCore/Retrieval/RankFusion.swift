/// Reciprocal-rank fusion: each list contributes `weight / (k + rank)` to a chunk's score
/// (ranks from 1), so chunks ranked well by several retrievers rise; raw scores of different
/// retrievers are never compared. No cutoff on fused scores.
public struct RankFusion: Sendable, Equatable {
    /// The RRF constant (60 in the original paper and in most search engines).
    public var k: Double
    /// Weight of the lexical (BM25) list.
    public var lexicalWeight: Double
    /// Weight of the dense (embedding) list.
    public var denseWeight: Double

    public init(k: Double = 60, lexicalWeight: Double = 1, denseWeight: Double = 1) {
        self.k = k
        self.lexicalWeight = lexicalWeight
        self.denseWeight = denseWeight
    }

    /// The fused ranking of `lexical` and `dense` (each best first), best `limit` first; ties
    /// broken by id.
    public func fuse(lexical: [SearchHit], dense: [SearchHit], limit: Int) -> [SearchHit] {
        fuse([(lexical, lexicalWeight), (dense, denseWeight)], limit: limit)
    }

    /// Fuses any number of weighted rankings.
    public func fuse(_ lists: [(hits: [SearchHit], weight: Double)], limit: Int) -> [SearchHit] {
        var scores: [String: Double] = [:]
        for (hits, weight) in lists where weight > 0 {
            for (index, hit) in hits.enumerated() {
                scores[hit.id, default: 0] += weight / (k + Double(index + 1))
            }
        }
        var top = TopHits(limit: limit)
        for (id, score) in scores { top.offer(score: score, id: id) }
        return top.hits
    }
}

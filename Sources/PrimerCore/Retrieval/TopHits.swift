/// Bounded top-k selection in the retrievers' order: higher score first, then smaller id.
/// Keeps at most `limit` hits, so selecting from `n` candidates costs about `n · log(limit)`.
struct TopHits {
    let limit: Int
    /// The best hits so far, best first.
    private(set) var hits: [SearchHit] = []

    init(limit: Int) {
        self.limit = max(0, limit)
        hits.reserveCapacity(min(self.limit, 256))
    }

    /// Whether `a` ranks before `b`.
    static func ranksBefore(_ a: SearchHit, _ b: SearchHit) -> Bool {
        a.score != b.score ? a.score > b.score : a.id < b.id
    }

    /// Considers one candidate; `id` is only evaluated if the candidate can make the list.
    mutating func offer(score: Double, id: @autoclosure () -> String) {
        if hits.count == limit {
            guard let worst = hits.last, score >= worst.score else { return }
        }
        let hit = SearchHit(id: id(), score: score)
        if hits.count == limit, let worst = hits.last, !Self.ranksBefore(hit, worst) { return }
        var low = 0, high = hits.count
        while low < high {
            let mid = (low + high) / 2
            if Self.ranksBefore(hits[mid], hit) { low = mid + 1 } else { high = mid }
        }
        hits.insert(hit, at: low)
        if hits.count > limit { hits.removeLast() }
    }
}

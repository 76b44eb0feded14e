/// A set of terms held as their sorted, distinct hash values, so that counting the terms two
/// sets share is a merge of two integer arrays rather than a string hash per lookup. Hash
/// values are stable within a process, which is as long as any `TermKeys` lives; a collision
/// (2⁻⁶⁴ per pair) could at worst nudge a sentence's score.
struct TermKeys: Equatable, Sendable {
    private let keys: [Int]

    init<S: Sequence<String>>(_ terms: S) {
        keys = Array(Set(terms.map(\.hashValue))).sorted()
    }

    var count: Int { keys.count }
    var isEmpty: Bool { keys.isEmpty }

    /// How many terms the two sets have in common.
    func sharedCount(with other: TermKeys) -> Int {
        var i = 0, j = 0, shared = 0
        let a = keys, b = other.keys
        while i < a.count, j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return shared
    }
}

/// Where a chunk sits on its page: the enclosing section's own text (the chunk whose heading
/// path is the longest proper prefix of this one's) and the sibling sections under the same
/// enclosing heading, one chunk each, in page order. A selection that is most of a small
/// section ("Plan C: Recorded Demo") is explained by this place: what it is one of, and why.
public struct PagePlace: Sendable, Equatable {
    /// The enclosing section's first chunk, if it has text of its own.
    public let parent: [BookChunk]
    /// The first chunk of each sibling section (the chunk's own section included, in order).
    public let siblings: [BookChunk]

    /// The place of `home` among `page` (the other chunks of its page).
    public init(home: BookChunk, page: [BookChunk]) {
        let path = home.headings
        guard path.count >= 2 else {
            parent = []
            siblings = []
            return
        }
        let enclosing = Array(path.dropLast())
        parent = page.filter { $0.headings == enclosing }.sorted { $0.ordinal < $1.ordinal }.prefix(1).map { $0 }
        var seen = Set([path.last ?? ""])
        siblings = page.filter { $0.headings.count == path.count && Array($0.headings.dropLast()) == enclosing }
            .sorted { $0.ordinal < $1.ordinal }
            .filter { seen.insert($0.headings.last ?? "").inserted }
            .prefix(6).map { $0 }
    }
}

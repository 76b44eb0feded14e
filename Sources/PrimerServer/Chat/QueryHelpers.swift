import PrimerCore

/// Finds the part of the book a reader's selected text comes from: that chunk is the passage
/// the answer explains the selection from (and cites).
enum SelectionLocator {
    static func normalise(_ text: String) -> String {
        MarkdownText.plain(text).lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The chunk holding `selection`, then up to two other chunks of its section (nearest
    /// first), then its place on the page: the enclosing section's own text and the sibling
    /// sections under the same heading (one chunk each, in page order). That is all the answer
    /// may explain it from. Nil when the book has no such text.
    static func passages(for selection: String, chapter: String?, in snapshot: BookLibrary.Snapshot) -> [SourcePassage]? {
        guard let home = passage(for: selection, chapter: chapter, in: snapshot) else { return nil }
        let page = snapshot.chunks.filter { $0.pageSlug == home.chunk.pageSlug && $0.id != home.chunk.id }
        let section = page.filter { $0.anchor == home.chunk.anchor }
            .sorted { abs($0.ordinal - home.chunk.ordinal) < abs($1.ordinal - home.chunk.ordinal) }
        let place = PagePlace(home: home.chunk, page: page)
        return [home] + (section.prefix(2) + place.parent + place.siblings).map { SourcePassage(chunk: $0, score: 0.5) }
    }

    /// Adjacent word pairs of plain lowercase text.
    static func wordPairs(_ text: String) -> Set<String> {
        let words = AnswerChecks.words(text)
        return Set(zip(words, words.dropFirst()).map { $0 + " " + $1 })
    }

    /// The chunk holding `selection` (on `chapter` first), or nil when the book has no such text.
    static func passage(for selection: String, chapter: String?, in snapshot: BookLibrary.Snapshot) -> SourcePassage? {
        let needle = String(normalise(selection).prefix(80))
        let onPage = chapter.map { slug in snapshot.chunks.filter { $0.pageSlug == slug } } ?? []
        let home = needle.isEmpty ? nil
            : (onPage.first { normalise($0.text).contains(needle) } ?? snapshot.chunks.first { normalise($0.text).contains(needle) })
        if let home { return SourcePassage(chunk: home, score: 1) }
        // Selected across list items or formatting: the chunk holding most of its word pairs.
        let pairs = Self.wordPairs(selection)
        if pairs.count >= 3 {
            let best = (onPage.isEmpty ? snapshot.chunks : onPage + snapshot.chunks)
                .map { ($0, Self.wordPairs($0.text).intersection(pairs).count) }.max { $0.1 < $1.1 }
            if let (chunk, shared) = best, Double(shared) >= Double(pairs.count) * 0.6 { return SourcePassage(chunk: chunk, score: 1) }
        }
        return nil
    }
}

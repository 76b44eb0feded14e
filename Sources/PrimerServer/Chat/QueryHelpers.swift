import PrimerCore

/// Locates a reader's selected text in the book so the source can point there, and turns
/// the selection into the only passage the answer may use.
enum SelectionLocator {
    static func normalise(_ text: String) -> String {
        MarkdownText.plain(text).lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func passage(for selection: String, in snapshot: BookLibrary.Snapshot) -> SourcePassage {
        let needle = String(normalise(selection).prefix(300))
        let home = needle.isEmpty ? nil : snapshot.chunks.first { normalise($0.text).contains(needle) }
        let chunk = BookChunk(
            id: "selection", pageSlug: home?.pageSlug ?? "", pageTitle: home?.pageTitle ?? "Selected text",
            sourcePath: home?.sourcePath ?? "", headings: home?.headings ?? ["Selected text"], anchor: home?.anchor ?? "",
            text: selection, ordinal: 0)
        return SourcePassage(chunk: chunk, score: 1)
    }
}

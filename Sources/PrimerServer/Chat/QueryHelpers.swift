import PrimerCore

/// Decides whether retrieved passages are about the question at all: the best passage
/// must contain a good share of the question's terms.
enum RelevanceGate {
    static let minimumCoverage = 0.34

    static func isRelevant(question: String, passages: [SourcePassage]) -> Bool {
        let terms = Set(TextTokenizer.terms(question))
        guard !terms.isEmpty else { return false }
        return passages.prefix(3).contains { passage in
            let chunkTerms = Set(TextTokenizer.terms(passage.chunk.indexedText))
            return Double(terms.intersection(chunkTerms).count) / Double(terms.count) >= minimumCoverage
        }
    }
}

/// Rewrites a follow-up question for retrieval using the conversation so far: short or
/// pronoun-led questions ("how does it work?") borrow the previous question's words.
enum QueryRewriter {
    static let pronouns: Set<String> = ["it", "its", "this", "that", "they", "them", "these", "those", "he", "she", "one"]

    static func retrievalQuery(_ question: String, history: [ConversationTurn]) -> String {
        guard let previous = history.last?.question else { return question }
        let words = TextTokenizer.words(question)
        let usesPronoun = words.contains { pronouns.contains($0) }
        let isShort = TextTokenizer.terms(question).count < 3
        return usesPronoun || isShort ? question + " " + previous : question
    }
}

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

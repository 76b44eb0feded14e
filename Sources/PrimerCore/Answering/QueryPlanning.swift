/// Rewrites a follow-up question for retrieval using the conversation so far: short or
/// pronoun-led questions ("how does it work?") borrow the previous question's words.
public enum QueryRewriter {
    public static let pronouns: Set<String> = ["it", "its", "this", "that", "they", "them", "these", "those", "he", "she", "one"]

    public static func retrievalQuery(_ question: String, history: [ConversationTurn]) -> String {
        guard let previous = history.last?.question else { return question }
        let words = TextTokenizer.words(question)
        let usesPronoun = words.contains { pronouns.contains($0) }
        let isShort = TextTokenizer.terms(question).count < 3
        return usesPronoun || isShort ? question + " " + previous : question
    }
}

/// The distinct terms of a chunk's indexed text, memoised.
enum ChunkTerms {
    private static let memo = ChunkMemo<Set<String>>()

    static func of(_ chunk: BookChunk) -> Set<String> {
        memo.value(for: chunk) { Set(TextTokenizer.terms($0.indexedText)) }
    }
}

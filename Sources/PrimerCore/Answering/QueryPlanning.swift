/// Decides whether retrieved passages are about the question at all: most of the
/// question's terms must occur somewhere in the book, and one of the best passages must
/// contain a good share of them. Tuned on `Benchmarks/eval/questions.json`.
public enum RelevanceGate {
    public static let minimumCoverage = 0.2
    public static let minimumVocabularyShare = 0.5

    /// - Parameter inBook: whether a term occurs anywhere in the book (nil: skip that check).
    public static func isRelevant(question: String, passages: [SourcePassage], inBook: ((String) -> Bool)? = nil) -> Bool {
        isRelevant(questionTerms: TextTokenizer.terms(question), passages: passages, inBook: inBook)
    }

    /// ``isRelevant(question:passages:inBook:)`` for an already tokenised question.
    public static func isRelevant(questionTerms: [String], passages: [SourcePassage], inBook: ((String) -> Bool)? = nil) -> Bool {
        let terms = Set(questionTerms)
        guard !terms.isEmpty else { return false }
        if let inBook, Double(terms.filter(inBook).count) / Double(terms.count) < minimumVocabularyShare { return false }
        return passages.prefix(3).contains { passage in
            let chunkTerms = ChunkTerms.of(passage.chunk)
            return Double(terms.count(where: chunkTerms.contains)) / Double(terms.count) >= minimumCoverage
        }
    }
}

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

import Synchronization

/// Decides whether retrieved passages are about the question at all: most of the
/// question's terms must occur somewhere in the book, and one of the best passages must
/// contain a good share of them. Tuned on `Benchmarks/eval/questions.json`.
public enum RelevanceGate {
    public static let minimumCoverage = 0.2
    public static let minimumVocabularyShare = 0.5

    /// - Parameter inBook: whether a term occurs anywhere in the book (nil: skip that check).
    public static func isRelevant(question: String, passages: [SourcePassage], inBook: ((String) -> Bool)? = nil) -> Bool {
        let terms = Set(TextTokenizer.terms(question))
        guard !terms.isEmpty else { return false }
        if let inBook, Double(terms.filter(inBook).count) / Double(terms.count) < minimumVocabularyShare { return false }
        return passages.prefix(3).contains { passage in
            let chunkTerms = ChunkTerms.of(passage.chunk)
            return Double(terms.intersection(chunkTerms).count) / Double(terms.count) >= minimumCoverage
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


/// The distinct terms of a chunk's indexed text, memoised by chunk id and text.
enum ChunkTerms {
    private static let cache = Mutex<[String: Set<String>]>([:])

    static func of(_ chunk: BookChunk) -> Set<String> {
        let key = chunk.id + "\u{0}" + chunk.text
        if let terms = cache.withLock({ $0[key] }) { return terms }
        let terms = Set(TextTokenizer.terms(chunk.indexedText))
        cache.withLock { cache in
            if cache.count > 20_000 { cache.removeAll() }
            cache[key] = terms
        }
        return terms
    }
}

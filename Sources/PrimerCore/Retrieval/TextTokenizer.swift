/// Turns text into index terms for lexical retrieval.
///
/// Words are maximal runs of letters and digits (Unicode-aware, so `"naïve"`, `"über"`, `"ros2"`
/// and `"x86"` are single words, while hyphens, punctuation and symbols split words). Words are
/// lowercased and Latin diacritics are folded (`"é"` → `"e"`, `"ß"` → `"ss"`). An apostrophe
/// between letters is kept inside the word and then dropped, with a possessive `'s` removed
/// (`"robot's"` → `"robot"`, `"don't"` → `"dont"`). Runs of Chinese/Japanese characters, which
/// are written without spaces, become overlapping bigrams (`"日本語"` → `"日本"`, `"本語"`).
/// ``terms(_:)`` then drops stop words and applies ``EnglishStemmer``.
public enum TextTokenizer {
    /// The index terms of `text`: words minus stop words, stemmed. Used for documents and queries alike.
    public static func terms(_ text: String) -> [String] {
        var result: [String] = []
        forEachWord(in: text) { word in
            if let term = term(forWord: word) { result.append(term) }
        }
        return result
    }

    /// The normalised words of `text` (lowercased, diacritics folded), stop words kept, not stemmed.
    public static func words(_ text: String) -> [String] {
        var result: [String] = []
        forEachWord(in: text) { result.append($0) }
        return result
    }

    /// A small English stop-word list, matched against normalised words before stemming.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for",
        "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my",
        "of", "on", "or", "our", "s", "so", "such", "t", "than", "that", "the", "their", "them", "then",
        "there", "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "where",
        "which", "who", "why", "will", "with", "you", "your",
    ]

    /// The index term for one normalised word: `nil` for a stop word, otherwise its stem.
    public static func term(forWord word: String) -> String? {
        stopWords.contains(word) ? nil : EnglishStemmer.stem(word)
    }

    /// Calls `body` with each normalised word of `text`, in order.
    static func forEachWord(in text: String, _ body: (String) -> Void) {
        withoutActuallyEscaping(body) { emit in
            var sink = StringSink(emit: emit)
            WordScanner.scan(text, into: &sink)
        }
    }

    private struct StringSink: WordSink {
        let emit: (String) -> Void
        func word(_ utf8: UnsafeBufferPointer<UInt8>) { emit(String(decoding: utf8, as: UTF8.self)) }
    }
}

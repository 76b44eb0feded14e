import Foundation

/// The thresholds of the coverage decision (cosine similarities of the local model's space;
/// tuned with `primer eval --tune-on` on one book and measured on another).
public struct CoveragePolicy: Sendable, Equatable {
    /// Below this best dense similarity nothing in the book is close: refuse.
    public var denseFloor: Double
    /// From this best dense similarity the question is covered even when few of its words
    /// occur in the passages (paraphrases); between floor and accept the lexical evidence decides.
    public var denseAccept: Double
    /// The lexical evidence that makes a question in the middle band covered: the share of the
    /// question's IDF weight found in one of the best lexical passages. Rare words count most,
    /// so "how long should dough rise" matching "long" and "rise" is not evidence.
    public var lexicalShare: Double
    /// Without dense retrieval (no embedding model), the lexical evidence a question needs,
    /// and the share of its terms that must occur in the book at all ("bake sourdough bread at
    /// home": only "home" does).
    public var lexicalOnlyShare: Double
    public var lexicalOnlyVocabulary: Double

    public init(denseFloor: Double, denseAccept: Double, lexicalShare: Double = 0.4, lexicalOnlyShare: Double = 0.15,
                lexicalOnlyVocabulary: Double = 0.5) {
        self.denseFloor = denseFloor
        self.denseAccept = denseAccept
        self.lexicalShare = lexicalShare
        self.lexicalOnlyShare = lexicalOnlyShare
        self.lexicalOnlyVocabulary = lexicalOnlyVocabulary
    }

    /// The shipped thresholds: those `primer eval --tune-on` chose on the second shared book,
    /// measured on the first (README, "Retrieval quality").
    public static let standard = CoveragePolicy(denseFloor: 0.2, denseAccept: 0.3, lexicalShare: 0.65, lexicalOnlyShare: 0.075,
                                                lexicalOnlyVocabulary: 0.5)

    /// The decision from the evidence: the question's names absent from the book (a name the
    /// book never mentions is its subject or part of it, however close the neighbouring words
    /// are), the best dense similarity (nil without dense retrieval), the lexical evidence (see
    /// ``lexicalShare``) and the share of the question's terms the book uses.
    public func decide(question: String, vocabulary: BookVocabulary, denseTop: Double?, lexicalEvidence: Double,
                       vocabularyShare: Double = 1) -> Coverage {
        let close: Bool
        if let denseTop {
            close = denseTop >= denseAccept || (denseTop >= denseFloor && lexicalEvidence >= lexicalShare)
        } else {
            close = lexicalEvidence >= lexicalOnlyShare && vocabularyShare >= lexicalOnlyVocabulary
        }
        let (names, coveredPart) = Self.missingNames(in: question, vocabulary: vocabulary)
        guard !names.isEmpty else { return close ? .covered : .notCovered(missing: []) }
        if close, let coveredPart { return .partial(missing: names, coveredPart: coveredPart) }
        return .notCovered(missing: names)
    }

    /// The question's names that the book never uses, as written, and the clauses of the question
    /// that ask something without them (nil when none does). Independent of the thresholds.
    public static func missingNames(in question: String, vocabulary: BookVocabulary) -> (names: [String], coveredPart: String?) {
        let absent = SalientTerms.of(question).filter { term in
            !term.words.allSatisfy(vocabulary.contains)
        }
        guard !absent.isEmpty else { return ([], nil) }
        let parts = clauses(of: question)
        // A covered part is a question of its own: none of the missing names, no pronoun pointing
        // back at them ("how do I talk to them?"), a subject of its own, and not just the
        // situation the reader describes ("MoveIt keeps failing.").
        let coveredParts = parts.filter { part in
            !absent.contains { term in part.contains(term.text) } && TextTokenizer.terms(part).count >= 2
                && !TextTokenizer.words(part).contains(where: referring.contains) && asks(part)
        }
        return (absent.map(\.text), parts.count > 1 && !coveredParts.isEmpty ? coveredParts.joined(separator: " ") : nil)
    }

    /// Words that point at something named elsewhere in the question.
    static let referring: Set<String> = QueryRewriter.pronouns.union(["each", "their", "both", "either", "there"])

    /// Words that open a question or a request.
    static let askingWords: Set<String> = ["how", "what", "why", "when", "where", "which", "who", "can", "could", "does", "do", "is",
                                           "are", "should", "would", "will", "explain", "describe", "tell", "show", "give", "compare", "list"]

    /// Whether `part` asks something (a question mark, or a question or request word first).
    static func asks(_ part: String) -> Bool {
        part.hasSuffix("?") || TextTokenizer.words(part).first.map(askingWords.contains) == true
    }

    /// The clauses of a question: its sentences, and the parts of a sentence joined by
    /// ", and", "; " or "and" / "but" before a question word ("What is PID control, and how do
    /// I tune it with …?").
    public static func clauses(of question: String) -> [String] {
        var clauses: [String] = []
        var current: [Substring] = []
        let starters = askingWords.union(["also"])
        let words = question.split(whereSeparator: \.isWhitespace)
        func flush() {
            let clause = current.joined(separator: " ").trimmingCharacters(in: .whitespaces)
            if !clause.isEmpty { clauses.append(clause) }
            current = []
        }
        for (index, word) in words.enumerated() {
            let lower = word.lowercased()
            let next = index + 1 < words.count ? words[index + 1].lowercased().trimmingCharacters(in: .punctuationCharacters) : ""
            if (lower == "and" || lower == "but"), starters.contains(next) || current.last?.hasSuffix(",") == true {
                flush()
                continue
            }
            current.append(word)
            if let last = word.last, "?.!;".contains(last) { flush() }
        }
        flush()
        return clauses
    }
}

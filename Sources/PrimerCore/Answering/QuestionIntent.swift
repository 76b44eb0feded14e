/// What a reader's question asks for, read from its wording: the kind of answer it wants
/// (a definition, an explanation, a comparison, steps, a fix) and the instructions in it
/// ("explain simply", "give me an example", "show me the code", "what's the formula").
/// Instructions shape the answer; they are not search terms: ``searchText`` is the question
/// without them.
public struct QuestionIntent: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// "what is X", "what does X mean": the book's definition first.
        case definition
        /// "how does X work", "why …": the explaining passage.
        case explanation
        /// "X vs Y", "difference between": both sides.
        case comparison
        /// "how do I …", "how to …": the steps as the book lists them.
        case procedure
        /// "… doesn't work", "error …": the fix.
        case troubleshooting
        case general
    }

    public let kind: Kind
    /// "explain simply", "in plain words", "like I'm new": answer in the beginner style.
    public let simpler: Bool
    /// "example", "analogy": prefer the book's examples and analogies.
    public let wantsExample: Bool
    /// "code", "show me", "snippet": include the code block.
    public let wantsCode: Bool
    /// "formula", "math", "equation": include the formula.
    public let wantsFormula: Bool
    /// The question without its instructions: what to search for.
    public let searchText: String
    /// For a comparison, the two things compared (as written), when they can be read off.
    public let compared: [String]
    /// Asks about the course or the book itself ("what will I learn in module 2?"): a chapter's
    /// learning objectives may answer it.
    public let aboutCourse: Bool
    /// Asks how to do something or how to fix it: the book's commands and code are the answer.
    public var asksHowOrFix: Bool { kind == .procedure || kind == .troubleshooting }

    /// Instruction phrases (lowercase word sequences) and what they ask for.
    static let simplerPhrases: [[String]] = longestFirst([
        ["explain", "simply"], ["explain", "it", "simply"], ["explain", "this", "simply"], ["explain", "that", "simply"],
        ["in", "simple", "terms"], ["in", "simple", "words"], ["in", "simpler", "terms"], ["in", "simpler", "words"],
        ["in", "plain", "words"], ["in", "plain", "english"], ["in", "plain", "language"], ["in", "layman's", "terms"],
        ["like", "i'm", "new"], ["like", "im", "new"], ["like", "i", "am", "new"], ["like", "i'm", "five"], ["like", "i'm", "5"],
        ["like", "i'm", "a", "beginner"], ["for", "a", "beginner"], ["for", "beginners"], ["eli5"], ["simply"], ["simpler"],
        ["more", "simply"], ["in", "simple", "language"], ["dumb", "it", "down"],
    ])
    static let examplePhrases: [[String]] = longestFirst([
        ["give", "me", "an", "example"], ["give", "an", "example"], ["give", "me", "examples"], ["with", "an", "example"],
        ["an", "example"], ["some", "examples"], ["example", "of"], ["examples", "of"], ["analogy"], ["an", "analogy"],
        ["real", "world", "example"], ["concrete", "example"],
    ])
    static let codePhrases: [[String]] = longestFirst([
        ["show", "me", "the", "code"], ["show", "me", "code"], ["show", "the", "code"], ["with", "code"], ["in", "code"],
        ["code", "example"], ["code", "snippet"], ["the", "code"], ["some", "code"], ["snippet"], ["show", "me"],
    ])
    static let formulaPhrases: [[String]] = longestFirst([
        ["the", "formula"], ["formula"], ["formulas"], ["the", "math"], ["math"], ["maths"], ["the", "equation"], ["equation"],
        ["equations"], ["mathematically"],
    ])

    /// Longer phrases are matched first ("explain it simply" before "simply").
    static func longestFirst(_ phrases: [[String]]) -> [[String]] {
        phrases.sorted { $0.count > $1.count }
    }

    public init(question: String) {
        let lower = question.lowercased()
        var words = lower.split(whereSeparator: { $0.isWhitespace }).map { word in
            String(word.trimmingCharacters(in: .init(charactersIn: "?!.,;:\"()")).replacingOccurrences(of: "’", with: "'"))
        }.filter { !$0.isEmpty }
        var removed = Array(repeating: false, count: words.count)
        func take(_ phrases: [[String]]) -> Bool {
            var found = false
            for phrase in phrases where phrase.count <= words.count {
                for start in 0...(words.count - phrase.count) where words[start] == phrase[0] && !removed[start] {
                    var match = true
                    for offset in 1..<max(phrase.count, 1) where words[start + offset] != phrase[offset] || removed[start + offset] {
                        match = false
                        break
                    }
                    if match {
                        for offset in 0..<phrase.count { removed[start + offset] = true }
                        found = true
                    }
                }
            }
            return found
        }
        simpler = take(Self.simplerPhrases)
        wantsCode = take(Self.codePhrases)
        wantsExample = take(Self.examplePhrases)
        wantsFormula = take(Self.formulaPhrases)
        // Verbs that only ask for an explanation are not what to search for either.
        let kept = words.indices.filter { !removed[$0] && !Self.askingVerbs.contains(words[$0]) }.map { words[$0] }
        // A bare instruction ("explain simply", "show me the code") keeps its words so it still searches something.
        let search = kept.filter { !Self.fillers.contains($0) }.isEmpty ? lower : kept.joined(separator: " ")
        searchText = search
        words = lower.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let (kind, compared) = Self.kind(of: lower)
        self.kind = kind
        self.compared = compared
        aboutCourse = !Self.courseWords.isDisjoint(with: words.map { $0.trimmingCharacters(in: .punctuationCharacters) })
    }

    /// Words of a question about the course rather than its subject.
    static let courseWords: Set<String> = [
        "learn", "learning", "course", "chapter", "chapters", "cover", "covers", "covered", "objective",
        "objectives", "outcome", "outcomes", "syllabus", "curriculum", "week", "weeks", "lesson", "lessons", "book", "prerequisites",
    ]

    /// Words that ask for an explanation without naming a subject.
    static let askingVerbs: Set<String> = ["explain", "describe", "elaborate", "clarify", "summarise", "summarize"]

    /// Words that carry no subject.
    static let fillers: Set<String> = [
        "a", "an", "the", "it", "this", "that", "me", "can", "you", "please", "explain", "again", "more", "and", "to", "of", "how",
        "what", "why", "is", "are", "do", "does", "i", "tell", "about", "in", "on", "with", "give",
    ]

    static func kind(of lower: String) -> (Kind, [String]) {
        let padded = " " + lower.filter { $0 != "?" } + " "
        for marker in [" vs. ", " vs ", " versus ", " compared to ", " compared with ", " compare to ", " compare with ", " compares to ", " compares with "]
            where padded.containsPhrase(marker) {
            if let range = padded.range(of: marker) {
                let left = padded[..<range.lowerBound].split(separator: " ").suffix(3).joined(separator: " ")
                let right = padded[range.upperBound...].split(separator: " ").prefix(3).joined(separator: " ")
                return (.comparison, [left, right])
            }
        }
        if padded.containsPhrase(" difference"), let range = padded.range(of: " difference between ") ?? padded.range(of: " differences between ") {
            let rest = padded[range.upperBound...]
            let sides = rest.components(separatedBy: " and ").map { $0.trimmingWhitespace() }
            return (.comparison, sides.count >= 2 ? [sides[0], sides[1]] : [])
        }
        if padded.containsAnyPhrase(["differ ", "differs ", "different from", "compare "]) { return (.comparison, []) }
        let troubles = [
            "error", "doesn't work", "does not work", "not working", "isn't working", "won't", "fails", "failed", "failing",
            "crash", "can't find", "cannot find", "not found", "broken", "stuck", "frozen", "freez", "how do i fix", "how can i fix",
            "keeps ", "nothing happens", "doesn't know", "doesn't show", "not showing", "wrong", "problem with",
            "can't import", "cannot import", "won't start", "should i check", "should i change", "should i adjust", "did i forget",
            "did i miss", "what's missing", "isn't responding", "not responding", "no longer",
        ]
        if padded.containsAnyPhrase(troubles) { return (.troubleshooting, []) }
        let steps = [
            " how do i ", " how can i ", " how to ", " how should i ", " how would i ", " what steps ", " steps to ",
            " walk me through ", " how do you ", " how can we ", " how do we ",
        ]
        if padded.containsAnyPhrase(steps) { return (.procedure, []) }
        let definitions = [" what is ", " what's ", " what are ", " define ", " what does ", " meaning of ", " who is ", " what do "]
        let means = padded.containsPhrase(" mean ")
        if definitions.contains(where: { padded.hasPrefix($0) }) && !means || means
            && padded.hasPrefix(" what ") {
            let short = TextTokenizer.terms(lower).count <= 4
            if short || means || padded.hasPrefix(" define ") { return (.definition, []) }
        }
        // "explain simply what a VLA model is", "tell me what URDF is".
        if padded.hasSuffix(" is ") || padded.hasSuffix(" are "), let what = padded.range(of: " what ") {
            let subject = padded[what.upperBound...].dropLast(padded.hasSuffix(" is ") ? 4 : 5)
            let terms = TextTokenizer.terms(String(subject))
            if !terms.isEmpty, terms.count <= 4 { return (.definition, []) }
        }
        if padded.containsAnyPhrase([" how does ", " how do ", " why ", " explain ", " what happens ", " how is ", " how are "]) {
            return (.explanation, [])
        }
        return (.general, [])
    }
}

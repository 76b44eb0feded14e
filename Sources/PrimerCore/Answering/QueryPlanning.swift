/// Decides whether a question in a conversation refers back to an earlier one, and what to
/// search for. History is used only when the question refers back: it starts with "and …",
/// "what about …", "how about …", "what if …"; it has a pronoun ("it", "this", "they") with no
/// subject of its own before it; or it has no subject words at all ("why?", "explain more
/// simply", "show me the code"). A question with its own subject is searched on its own, even
/// inside a conversation, and so is one with four or more words of its own, whatever it opens
/// with ("What if the robot hardware dies right before my presentation?"), unless a pronoun
/// comes before any noun ("How does it compare to a Kalman filter in accuracy and speed?").
public enum QueryRewriter {
    public static let pronouns: Set<String> = ["it", "its", "this", "that", "they", "them", "these", "those", "their", "one", "he", "she"]

    /// Openings that continue the previous question.
    static let continuations: [[String]] = [
        ["and"], ["what", "about"], ["how", "about"], ["also"], ["then"], ["but", "what"], ["so"], ["what", "if"], ["and", "what"],
    ]

    /// Words that never make a subject: question words, auxiliaries, generic verbs and
    /// instructions ("explain", "more", "example").
    static let subjectless: Set<String> = [
        "a", "an", "the", "what", "why", "how", "when", "where", "which", "who", "is", "are", "was", "were", "do", "does", "did",
        "can", "could", "would", "should", "will", "you", "me", "i", "my", "we", "us", "please", "explain", "more", "again",
        "tell", "about", "give", "show", "example", "examples", "code", "simply", "simpler", "detail", "details", "elaborate",
        "mean", "means", "work", "works", "so", "and", "or", "but", "then", "also", "to", "of", "in", "on", "for", "with", "that",
        "this", "it", "its", "they", "them", "these", "those", "there", "here", "really", "ok", "okay", "thanks", "use", "used",
        "important", "matter", "matters", "happen", "happens", "like", "be", "get", "go", "need", "not", "no", "yes", "too",
        "some", "other", "another", "one", "way", "ways", "else", "further", "words", "plain", "terms", "simple", "new", "beginner",
        "formula", "math", "snippet", "analogy", "real", "robot", "robots", "just", "still", "if",
    ]

    /// The text to search for `question` in a conversation with `history`: the question with
    /// the subject it refers to, or only that subject when the question has no words of its own
    /// ("explain it more simply", "why?").
    public static func retrievalQuery(_ question: String, history: [ConversationTurn]) -> String {
        guard refersBack(question), let subject = lastSubject(in: history) else { return question }
        return hasOwnWords(question) ? question + " " + subject : subject
    }

    /// Whether the question has a word that is not a pronoun, question word or instruction.
    static func hasOwnWords(_ question: String) -> Bool {
        TextTokenizer.words(question.replacingOccurrences(of: "’", with: "'"))
            .contains { !subjectless.contains($0) && !pronouns.contains($0) && $0.count > 1 }
    }

    /// The most recent earlier question that has its own subject (a chain of follow-ups
    /// leads back to the question that started it).
    static func lastSubject(in history: [ConversationTurn]) -> String? {
        for turn in history.reversed() where !refersBack(turn.question) { return turn.question }
        return history.last?.question
    }

    /// Words of its own from which a question is read as complete in itself: then an opening
    /// such as "what if …", a determiner ("these vision-language models") or a pronoun after
    /// "the robot" ("when it's unsure") does not make it a follow-up.
    static let selfContained = 4
    /// Pronouns that are also determiners ("these models").
    static let determiners: Set<String> = ["this", "that", "these", "those"]
    /// Nouns a later pronoun can refer to inside the same question, though they make no subject.
    static let antecedents: Set<String> = ["robot", "robots"]

    /// Whether `question` depends on what came before.
    public static func refersBack(_ question: String) -> Bool {
        let words = TextTokenizer.words(question.replacingOccurrences(of: "’", with: "'"))
        guard !words.isEmpty else { return true }
        let isOwn = { (word: String) in !subjectless.contains(word) && !pronouns.contains(word) && word.count > 1 }
        let complete = words.filter(isOwn).count >= selfContained
        for opening in continuations where words.starts(with: opening) { return !complete }
        var sawSubject = false, sawAntecedent = false
        for (index, word) in words.enumerated() {
            if pronouns.contains(word) {
                let determines = determiners.contains(word) && index + 1 < words.count && isOwn(words[index + 1])
                if !sawSubject && !(complete && (sawAntecedent || determines)) { return true }
                continue
            }
            if antecedents.contains(word) { sawAntecedent = true }
            if isOwn(word) { sawSubject = true }
        }
        return !sawSubject
    }
}

/// The distinct terms of a chunk's indexed text, memoised.
enum ChunkTerms {
    private static let memo = ChunkMemo<Set<String>>()

    static func of(_ chunk: BookChunk) -> Set<String> {
        memo.value(for: chunk) { Set(TextTokenizer.terms($0.indexedText)) }
    }
}

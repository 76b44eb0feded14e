/// The names in a question — what a reader asks about that a book either mentions or not:
/// acronyms (`EKF`, `CAN`), identifiers (`robot_localization`, `BNO055`, `PX4`), capitalised
/// names inside a sentence (`Kalibr`, `Ziegler-Nichols`, `MoveIt`). Lower-case words are not
/// names: telling a rare word from a rare name needs more than spelling (a word list flags
/// "wobble" and "pricey" as often as "dynamixel"). Adjacent names form one term
/// (`ISO 10218`, `Denavit-Hartenberg`), kept as the reader wrote it.
public enum SalientTerms {
    /// One name from a question: its words as written, and the phrase to show.
    public struct Term: Sendable, Equatable {
        public let words: [String]
        public var text: String { words.joined(separator: " ") }
    }

    /// Capitalised words that name nothing in particular.
    static let ordinary: Set<String> = [
        "I", "I'm", "I've", "I'd", "I'll", "OK", "Ok", "TV", "PC", "US", "UK", "EU", "Hi", "Hello", "Thanks", "Please",
        // Units.
        "Hz", "kHz", "MHz", "GHz", "mm", "cm", "km", "kg", "ms", "fps", "FPS", "KB", "MB", "GB", "TB", "mAh", "kW", "mA", "Nm",
    ]

    /// The question's names, in order.
    public static func of(_ question: String) -> [Term] {
        var terms: [Term] = []
        var current: [String] = []
        var sentenceStart = true
        for token in tokens(question) {
            switch token {
            case .boundary(let endsSentence):
                if !current.isEmpty { terms.append(Term(words: current)); current = [] }
                if endsSentence { sentenceStart = true }
            case .word(let word):
                let salient = isSalient(word, sentenceStart: sentenceStart)
                let number = word.allSatisfy(\.isNumber) && word.count >= 3 && !current.isEmpty
                if salient || number {
                    current.append(word)
                } else if !current.isEmpty {
                    terms.append(Term(words: current))
                    current = []
                }
                sentenceStart = false
            }
        }
        if !current.isEmpty { terms.append(Term(words: current)) }
        return terms
    }

    /// Whether `word` is a name: see ``SalientTerms``.
    static func isSalient(_ word: String, sentenceStart: Bool) -> Bool {
        guard word.count >= 2, !ordinary.contains(word), word.contains(where: \.isLetter) else { return false }
        if word.contains("_") { return true }
        if word.contains(where: \.isNumber) { return word.count(where: \.isLetter) >= 2 }
        if isAcronym(word) { return true }
        let letters = Array(word)
        // CamelCase anywhere in a sentence: an upper-case letter after the first that is not
        // the start of a hyphenated part (`MoveIt`, `ODrive`, `SocketCAN`).
        for index in 1..<letters.count where letters[index].isUppercase && letters[index - 1] != "-" {
            if letters.contains(where: \.isLowercase) { return true }
        }
        return letters[0].isUppercase && !sentenceStart
    }

    /// Two or more characters, every letter upper case (`CAN`, `PX4`, `ISO`).
    public static func isAcronym(_ word: String) -> Bool {
        word.count >= 2 && word.contains(where: \.isLetter)
            && word.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "-" }
    }

    private enum Token {
        case word(String)
        /// Punctuation or a clause break between words; `true` when it ends a sentence.
        case boundary(Bool)
    }

    /// Words (letters, digits, inner `_ - . + # /` and apostrophes) and the punctuation between them.
    private static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        for piece in text.split(whereSeparator: \.isWhitespace) {
            var word = Substring(piece)
            var trailing: [Token] = []
            while let first = word.first, !(first.isLetter || first.isNumber) {
                tokens.append(.boundary(false))
                word = word.dropFirst()
            }
            while let last = word.last, !(last.isLetter || last.isNumber || last == "+" || last == "#") {
                trailing.insert(.boundary(".?!:;".contains(last)), at: 0)
                word = word.dropLast()
            }
            word = BookVocabulary.withoutPossessive(word)
            // Inner punctuation other than name characters splits the piece (`camera,IMU`).
            var part = ""
            for character in word {
                if BookVocabulary.isNameCharacter(character) {
                    part.append(character)
                } else {
                    if !part.isEmpty { tokens.append(.word(part)); part = "" }
                    tokens.append(.boundary(false))
                }
            }
            if !part.isEmpty { tokens.append(.word(part)) }
            tokens += trailing
        }
        return tokens
    }
}

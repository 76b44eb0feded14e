/// Every word the book uses, as written and lowercased, for asking whether a name from a
/// question (a tool, part, standard, acronym) occurs anywhere in the book. Words keep inner
/// `_`, `-`, `.`, `+` and `#` (`robot_localization`, `ros2_control`, `C++`); hyphenated words are
/// also recorded part by part.
public struct BookVocabulary: Sendable {
    private var asWritten: Set<String> = []
    private var lowercased: Set<String> = []

    /// The vocabulary of `texts` (a book's chunk texts and headings).
    public init(texts: [String]) {
        for text in texts {
            for word in Self.rawWords(text) { add(word) }
        }
    }

    private mutating func add(_ word: Substring) {
        asWritten.insert(String(word))
        lowercased.insert(word.lowercased())
        if word.contains(where: { $0 == "-" || $0 == "." || $0 == "/" }) {
            for part in word.split(whereSeparator: { $0 == "-" || $0 == "." || $0 == "/" }) where !part.isEmpty {
                asWritten.insert(String(part))
                lowercased.insert(part.lowercased())
            }
        }
    }

    /// Whether `word` occurs in the book: exactly as written for an acronym of up to three
    /// letters (`CAN` is not the verb "can"), otherwise ignoring case.
    public func contains(_ word: String) -> Bool {
        if SalientTerms.isAcronym(word), word.count <= 3 { return asWritten.contains(word) }
        if lowercased.contains(word.lowercased()) { return true }
        // A hyphenated name is in the book when each part is (`Ziegler–Nichols` written with an en dash).
        let parts = word.split(whereSeparator: { $0 == "-" || $0 == "/" })
        return parts.count > 1 && parts.allSatisfy { contains(String($0)) }
    }

    /// Whether `character` can be part of a name: letters, digits, `_ - . + # /` and apostrophes.
    static func isNameCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || "_-.+#/'\u{2019}".contains(character)
    }

    /// `word` without a possessive `'s` (`Kalibr's` → `Kalibr`).
    static func withoutPossessive(_ word: Substring) -> Substring {
        word.hasSuffix("'s") || word.hasSuffix("\u{2019}s") ? word.dropLast(2) : word
    }

    /// Words as the vocabulary sees them: runs of letters, digits and inner `_ - . + # /`.
    static func rawWords(_ text: String) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        var index = text.startIndex
        func close(at end: String.Index) {
            guard let begin = start else { return }
            var word = text[begin..<end]
            while let last = word.last, "-._/".contains(last) { word = word.dropLast() }
            while let first = word.first, "-._/+#".contains(first) { word = word.dropFirst() }
            if !word.isEmpty { words.append(word) }
            start = nil
        }
        while index < text.endIndex {
            let character = text[index]
            if isNameCharacter(character) {
                if start == nil { start = index }
            } else {
                close(at: index)
            }
            index = text.index(after: index)
        }
        close(at: text.endIndex)
        return words.map { word in
            // Possessives and quotes are not part of a name.
            var word = withoutPossessive(word)
            while let last = word.last, last == "'" || last == "\u{2019}" { word = word.dropLast() }
            while let first = word.first, first == "'" || first == "\u{2019}" { word = word.dropFirst() }
            return word
        }.filter { !$0.isEmpty }
    }
}

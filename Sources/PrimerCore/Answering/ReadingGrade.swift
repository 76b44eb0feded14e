/// Flesch–Kincaid grade level of English prose:
/// `0.39 × words/sentences + 11.8 × syllables/words − 15.59`. Code blocks, formulas, citation
/// markers and Markdown marks are left out; syllables are counted by vowel groups (a silent
/// final "e" does not count, every word has at least one).
public enum ReadingGrade {
    /// The grade of `markdown`'s prose, or nil when it has no words.
    public static func of(_ markdown: String) -> Double? {
        let prose = proseText(markdown)
        let words = prose.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" }).filter { $0.contains(where: \.isLetter) }
        guard !words.isEmpty else { return nil }
        let sentences = max(1, Sentences.split(prose).filter { $0.contains(where: \.isLetter) }.count)
        let syllables = words.reduce(0) { $0 + syllableCount(String($1)) }
        return 0.39 * Double(words.count) / Double(sentences) + 11.8 * Double(syllables) / Double(words.count) - 15.59
    }

    /// The prose of an answer: no fenced code, no display formulas, no citation markers; list
    /// items count as sentences.
    static func proseText(_ markdown: String) -> String {
        var lines: [String] = []
        var inFormula = false
        for classified in MarkdownLine.classify(markdown) where classified.kind == .text {
            let trimmed = classified.trimmed
            if inFormula { inFormula = !trimmed.hasSuffix("$$"); continue }
            if trimmed.hasPrefix("$$") { inFormula = !(trimmed.count > 2 && trimmed.dropFirst(2).contains("$$")); continue }
            var line = trimmed
            if PassageBlocks.listItem(classified.line) != nil {
                line = PassageBlocks.listItems(trimmed).first ?? trimmed
                if let last = line.last, !".!?:".contains(last) { line += "." }
            }
            lines.append(line)
        }
        var text = lines.joined(separator: "\n")
        text = text.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\$[^$]*\$"#, with: "x", options: .regularExpression)
        return MarkdownText.plain(text)
    }

    /// Vowel groups of a word, at least one.
    public static func syllableCount(_ word: String) -> Int {
        let lower = word.lowercased().filter(\.isLetter)
        guard !lower.isEmpty else { return 0 }
        if lower.count <= 3 { return 1 }
        let vowels: Set<Character> = ["a", "e", "i", "o", "u", "y"]
        var count = 0
        var previousVowel = false
        for character in lower {
            let vowel = vowels.contains(character)
            if vowel && !previousVowel { count += 1 }
            previousVowel = vowel
        }
        if lower.hasSuffix("e"), !lower.hasSuffix("le"), count > 1 { count -= 1 }
        if lower.hasSuffix("es") || lower.hasSuffix("ed"), count > 1, !lower.hasSuffix("ted"), !lower.hasSuffix("ded") { count -= 1 }
        return max(count, 1)
    }
}

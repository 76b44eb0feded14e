/// Automatic checks of an answer's text, used by `primer eval --answers` and the tests:
/// whether it holds a question's key facts, leaves a fragment dangling, cites exactly its
/// sources, or merely echoes a selection.
public enum AnswerChecks {
    /// Lowercase words (letters and digits) of plain text.
    public static func words(_ text: String) -> [String] {
        MarkdownText.plain(text).lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// Whether `haystack` holds `needle` as a run of words.
    public static func containsRun(_ haystack: [String], _ needle: [String]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    /// Share of `phrases` found in `answer` as runs of words (case, punctuation and Markdown ignored).
    public static func keyFactShare(_ answer: String, phrases: [String]) -> Double {
        guard !phrases.isEmpty else { return 0 }
        let text = words(answer.replacingOccurrences(of: "_", with: " "))
        let found = phrases.filter { phrase in
            let needle = words(phrase.replacingOccurrences(of: "_", with: " "))
            return containsRun(text, needle)
        }
        return Double(found.count) / Double(phrases.count)
    }

    /// The fragments of `answer` that dangle: a lead-in ending in a colon with no list, code
    /// or formula after it; a paragraph that opens by pointing at text the reader can't see
    /// ("This …", "The class above …") right after a different cited source or at the start; a
    /// paragraph that starts mid-sentence.
    public static func danglingFragments(_ answer: String) -> [String] {
        let blocks = PassageBlocks.split(answer)
        var found: [String] = []
        var previousCitation: String?
        for (index, block) in blocks.enumerated() {
            let text = block.lead ?? block.body
            let citation = firstCitation(in: block.markdown)
            if block.isOrphanLead || (block.kind == .paragraph && text.trimmingWhitespace().hasSuffix(":") && index == blocks.count - 1) {
                found.append(text)
            } else if block.kind != .code, block.kind != .formula, !text.hasPrefix("**Key terms:**"), !text.hasPrefix("- **"),
                      AnswerComposer.refersElsewhere(text), index == 0 || (citation != nil && previousCitation != nil && citation != previousCitation) {
                found.append(text)
            }
            if citation != nil { previousCitation = citation }
        }
        return found
    }

    static func firstCitation(in text: String) -> String? {
        guard let open = text.firstIndex(of: "["), let close = text[open...].firstIndex(of: "]") else { return nil }
        let inner = text[text.index(after: open)..<close]
        return !inner.isEmpty && inner.allSatisfy(\.isNumber) ? String(inner) : nil
    }

    /// The citation numbers in `answer`, in order of appearance.
    public static func citations(in answer: String) -> [Int] {
        var numbers: [Int] = []
        var rest = Substring(answer)
        while let open = rest.firstIndex(of: "[") {
            let after = rest[rest.index(after: open)...]
            let digits = after.prefix { $0.isNumber }
            if !digits.isEmpty, after.dropFirst(digits.count).first == "]", let number = Int(digits) { numbers.append(number) }
            rest = after
        }
        return numbers
    }

    /// Whether the answer's citations are exactly [1] … [sourceCount], first used in order.
    public static func citesExactly(_ answer: String, sourceCount: Int) -> Bool {
        var firstUses: [Int] = []
        for number in citations(in: answer) where !firstUses.contains(number) { firstUses.append(number) }
        return firstUses == Array(stride(from: 1, through: sourceCount, by: 1))
    }

    /// Whether an answer about a selection merely repeats it: fewer than 30% of its words
    /// (citations and the "Key terms" label aside) are not in the selection.
    public static func echoes(_ answer: String, selection: String) -> Bool {
        let selected = Set(words(selection))
        let answerWords = words(answer.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression))
        guard !answerWords.isEmpty else { return true }
        let new = answerWords.filter { !selected.contains($0) }.count
        return Double(new) / Double(answerWords.count) < 0.3
    }
}

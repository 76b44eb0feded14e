/// The info string of a code fence: "```python title=\"talker.py\" {1,3-5} showLineNumbers".
/// The language is the first bare word (normally first of all); `title=…` and `{…}` line
/// ranges may come in any order, and later words (`showLineNumbers`) are ignored.
public struct CodeFenceInfo: Sendable, Equatable {
    /// The language, lowercased, with aliases resolved (`py` → `python`, `c++` → `cpp`,
    /// `sh` → `bash`, `yml` → `yaml`, `urdf` → `xml`, `jsonc` → `json`); nil when the info
    /// string has none. Languages the highlighter does not know are kept (`mermaid`).
    public let language: String?
    /// From `title="…"`, `title='…'` or `title=word`; nil when absent or empty.
    public let title: String?
    /// The 1-based lines to emphasise, from `{1,3-5}`.
    public let highlightedLines: Set<Int>

    /// The longest line range `{a-b}` taken, so a typo cannot allocate millions of lines.
    private static let maximumRange = 10_000

    /// Parses an info string (the text after the opening fence).
    public init(_ info: String) {
        var language: String?
        var title: String?
        var lines = Set<Int>()
        let text = Array(info.unicodeScalars)
        var index = 0

        func skip(while predicate: (Unicode.Scalar) -> Bool) {
            while index < text.count, predicate(text[index]) { index += 1 }
        }
        func string(_ start: Int, _ end: Int) -> String {
            var result = ""
            result.unicodeScalars.append(contentsOf: text[start..<end])
            return result
        }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

        while true {
            skip(while: isSpace)
            guard index < text.count else { break }
            if text[index] == "{" {
                let start = index + 1
                skip { $0 != "}" }
                lines.formUnion(Self.lineNumbers(string(start, index)))
                index = min(index + 1, text.count)
                continue
            }
            let start = index
            skip { !isSpace($0) && $0 != "=" && $0 != "{" }
            let word = string(start, index)
            guard index < text.count, text[index] == "=" else {
                if language == nil, word.lowercased() != "showlinenumbers" {
                    language = Self.canonicalLanguage(word)
                }
                continue
            }
            index += 1
            let value: String
            if index < text.count, text[index] == "\"" || text[index] == "'" {
                let quote = text[index]
                index += 1
                var unquoted = ""
                while index < text.count, text[index] != quote {
                    if text[index] == "\\", index + 1 < text.count, text[index + 1] == quote { index += 1 }
                    unquoted.unicodeScalars.append(text[index])
                    index += 1
                }
                index = min(index + 1, text.count)
                value = unquoted
            } else {
                let valueStart = index
                skip { !isSpace($0) }
                value = string(valueStart, index)
            }
            if word.lowercased() == "title", !value.isEmpty { title = value }
        }
        self.language = language
        self.title = title
        self.highlightedLines = lines
    }

    /// `python` for `py`, `Py` or `python`; unknown names lowercased as they are.
    private static func canonicalLanguage(_ name: String) -> String? {
        guard !name.isEmpty else { return nil }
        return CodeLanguage(named: name)?.rawValue ?? name.lowercased()
    }

    /// The lines in `1,3-5` (spaces allowed; malformed parts and zero skipped).
    private static func lineNumbers(_ ranges: String) -> Set<Int> {
        var lines = Set<Int>()
        for part in ranges.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                .map { Int($0.filter { !$0.isWhitespace }) }
            switch bounds.count {
            case 1:
                if let line = bounds[0], line > 0 { lines.insert(line) }
            case 2:
                if let low = bounds[0], let high = bounds[1], low > 0, low <= high, high - low < maximumRange {
                    lines.formUnion(low...high)
                }
            default:
                continue
            }
        }
        return lines
    }
}

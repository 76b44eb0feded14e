/// One source line of Markdown, classified with fenced code blocks in mind: a `#` line inside
/// ```` ``` ```` or `~~~` fences is code, not a heading.
public struct MarkdownLine: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Ordinary text outside code (possibly blank).
        case text
        /// An ATX heading outside code: its level (1–6) and raw text (markup and `{#id}` kept).
        case heading(level: Int, text: String)
        /// The fence line that opens a code block.
        case fenceOpen
        /// A line inside a code block.
        case code
        /// The fence line that closes a code block.
        case fenceClose
    }

    /// The line as written (without its newline or trailing `\r`).
    public let line: String
    public let kind: Kind

    /// The line without surrounding white space.
    public var trimmed: String { line.trimmingWhitespace() }

    /// Classifies `lines` in order, tracking code fences (a fence is closed only by a line of
    /// the same fence character at least as long as the opening one).
    public static func classify<S: Sequence>(_ lines: S) -> [MarkdownLine] where S.Element: StringProtocol {
        var result: [MarkdownLine] = []
        var fence: Substring?
        for raw in lines {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.trimmingWhitespace()
            let kind: Kind
            if let open = fence {
                if trimmed.hasPrefix(open), trimmed.allSatisfy({ $0 == open.first }) {
                    fence = nil
                    kind = .fenceClose
                } else {
                    kind = .code
                }
            } else if let marker = codeFence(trimmed) {
                fence = marker
                kind = .fenceOpen
            } else if let (level, text) = heading(trimmed) {
                kind = .heading(level: level, text: text)
            } else {
                kind = .text
            }
            result.append(MarkdownLine(line: line, kind: kind))
        }
        return result
    }

    /// Splits `markdown` into lines and classifies them.
    public static func classify(_ markdown: String) -> [MarkdownLine] {
        classify(lines(of: markdown))
    }

    /// The lines of `text`, for `\n` and `\r\n` endings alike (Swift reads `\r\n` as one
    /// character, so splitting on `"\n"` alone would miss it).
    public static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The fence marker (```` ``` ```` or `~~~`, possibly longer) if `line` opens a code block.
    public static func codeFence(_ line: String) -> Substring? {
        for mark in ["```", "~~~"] where line.hasPrefix(mark) {
            return Substring(line.prefix(while: { $0 == mark.first }))
        }
        return nil
    }

    /// `(level, text)` when `line` is an ATX heading (`## Title ##` → 2, `Title`).
    public static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingWhitespace()
        while text.hasSuffix("#") { text = String(text.dropLast()).trimmingWhitespace() }
        return text.isEmpty ? nil : (hashes, text)
    }
}

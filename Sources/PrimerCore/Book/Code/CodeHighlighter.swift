/// Server-side syntax highlighting for fenced code blocks: Python, C++, Bash, YAML, XML
/// (URDF, SDF, launch files), JSON and Swift, rendered as HTML with `tok-…` classes.
public enum CodeHighlighter {
    /// The code as HTML: every character escaped (`&`, `<`, `>`, `"`), tokens wrapped in
    /// `<span class="tok-…">`, one output line per input line (joined by `\n`, `\r` dropped).
    /// A span never crosses a line break (it is closed and reopened), so the caller can split
    /// the result by line. An unknown or nil language gives the escaped text with no spans.
    public static func html(_ code: String, language: String?) -> String {
        var text: [Unicode.Scalar] = []
        text.reserveCapacity(code.unicodeScalars.count)
        for scalar in code.unicodeScalars where scalar != "\r" { text.append(scalar) }
        let tokens = language.flatMap(CodeLanguage.init(named:))?.tokens(in: text) ?? []

        var html = ""
        html.reserveCapacity(text.count + text.count / 2)
        var position = 0
        for token in tokens where token.start >= position && token.end <= text.count {
            appendEscaped(text[position..<token.start], to: &html)
            appendSpan(text[token.start..<token.end], kind: token.kind, to: &html)
            position = token.end
        }
        appendEscaped(text[position...], to: &html)
        return html
    }

    /// The display name of a language ("Python", "C++", "Bash", "YAML", "XML", "JSON",
    /// "Swift"; aliases such as `py` or `urdf` resolved), or nil if unknown.
    public static func displayName(of language: String) -> String? {
        CodeLanguage(named: language)?.displayName
    }

    /// `scalars` in a span of `kind`, closed before each line break and reopened after it
    /// (no empty spans).
    private static func appendSpan(_ scalars: ArraySlice<Unicode.Scalar>, kind: CodeToken.Kind, to html: inout String) {
        var first = true
        for line in scalars.split(separator: "\n", omittingEmptySubsequences: false) {
            if !first { html += "\n" }
            first = false
            guard !line.isEmpty else { continue }
            html += "<span class=\"\(kind.rawValue)\">"
            appendEscaped(line, to: &html)
            html += "</span>"
        }
    }

    private static func appendEscaped(_ scalars: ArraySlice<Unicode.Scalar>, to html: inout String) {
        for scalar in scalars {
            switch scalar {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"": html += "&quot;"
            default: html.unicodeScalars.append(scalar)
            }
        }
    }
}

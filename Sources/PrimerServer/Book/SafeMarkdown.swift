import PrimerCore

/// The Markdown rewriting that makes Ink's output safe and marks formulas for MathML.
enum SafeMarkdown {
    static let mathLanguage = "primer-math"
    /// Marks inline code that holds a formula (a private-use character no book contains).
    static let inlineMathMark = "\u{E000}"

    /// Escapes `<` and `>` outside code (Ink passes raw HTML through), turns `$$` blocks into
    /// math code blocks and `$…$` into marked inline code, both holding the formula's TeX;
    /// nested lists are reshaped for Ink (``InkLists``).
    static func prepare(_ lines: [String]) -> [String] {
        var output: [String] = []
        var formula: [String]?
        for classified in MarkdownLine.classify(InkLists.reshape(lines)) {
            let line = classified.line
            if var open = formula {
                open.append(line)
                if line.trimmingWhitespace().hasSuffix("$$") {
                    output += mathBlock(open)
                    formula = nil
                } else {
                    formula = open
                }
                continue
            }
            switch classified.kind {
            case .fenceOpen, .code, .fenceClose:
                output.append(line)
            case .text, .heading:
                let trimmed = classified.trimmed
                if trimmed.hasPrefix("$$") {
                    if trimmed.count > 2, trimmed.hasSuffix("$$") { output += mathBlock([line]) } else { formula = [line] }
                } else {
                    output.append(escapeOutsideCode(line))
                }
            }
        }
        if let open = formula { output += open.map(escapeOutsideCode) }  // an unclosed `$$`: show as text
        return output
    }

    private static func mathBlock(_ lines: [String]) -> [String] {
        ["```\(mathLanguage)", MathSpans.displayTeX(lines), "```"]
    }

    /// `<`/`>` as entities and `$…$` as marked inline code, except inside backtick code spans.
    static func escapeOutsideCode(_ line: String) -> String {
        var output = ""
        var rest = Substring(line)
        while !rest.isEmpty {
            if rest.first == "`" {
                let ticks = rest.prefix(while: { $0 == "`" })
                let afterOpen = rest.dropFirst(ticks.count)
                if let close = afterOpen.range(of: String(ticks)) {
                    output += rest[..<close.upperBound]
                    rest = afterOpen[close.upperBound...]
                    continue
                }
                output += ticks
                rest = afterOpen
                continue
            }
            let next = rest.firstIndex(of: "`") ?? rest.endIndex
            output += inlineMath(escapeAngles(rest[..<next]))
            rest = rest[next...]
        }
        return output
    }

    private static func escapeAngles(_ text: Substring) -> String {
        text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// `$x$` → `` `<mark>x` `` (the TeX, with `<`/`>` as written), when it is a formula.
    private static func inlineMath(_ text: String) -> String {
        MathSpans.replacingInline(text) { tex in
            let source = tex.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            return "`" + inlineMathMark + source.replacingOccurrences(of: "`", with: "'") + "`"
        }
    }

    /// The address in `[text](address "title")` / `![alt](address)`.
    static func destination(of markdown: Substring) -> String {
        guard let open = markdown.range(of: "](", options: .backwards) else { return "" }
        var inside = markdown[open.upperBound...]
        if inside.hasSuffix(")") { inside = inside.dropLast() }
        let address = inside.trimmingWhitespace()
        if address.hasPrefix("<"), let end = address.firstIndex(of: ">") { return String(address[address.index(after: address.startIndex)..<end]) }
        return String(address.prefix(while: { !$0.isWhitespace }))
    }

    /// `url` when it is relative, a fragment, http(s) or mailto; otherwise `#`.
    static func safeURL(_ url: String) -> String {
        let lower = url.lowercased().filter { !$0.isWhitespace && !$0.isNewline }
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") { return url }
        guard let colon = lower.firstIndex(of: ":") else { return url }  // no scheme: relative
        let slash = lower.firstIndex(of: "/") ?? lower.endIndex, query = lower.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? lower.endIndex
        return colon > slash || colon > query ? url : "#"
    }
}

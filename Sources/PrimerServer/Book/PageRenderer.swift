import Ink
import PrimerCore

/// Renders Markdown to safe HTML with Ink: MDX syntax removed, raw HTML shown as text (never
/// as markup), link and image addresses limited to safe schemes and escaped, formulas turned
/// into readable text (`<div class="math">`, `<code class="math">`), and headings given the
/// same `id` anchors the chunker links to.
enum PageRenderer {
    /// A heading of the page, for the in-page table of contents.
    struct Heading: Codable, Sendable, Equatable {
        let level: Int
        let text: String
        let anchor: String
    }

    /// A page's HTML and its headings below the title.
    static func render(_ page: BookPage) -> (html: String, headings: [Heading]) {
        let cleaned = MarkdownText.cleanLines(page.markdown)
        let headings = Self.headings(in: cleaned)
        return (html(cleaned, headings: headings), headings.filter { $0.level > 1 })
    }

    /// Any Markdown (a page part, an adapted section, a model's answer) as safe HTML.
    static func html(markdown: String) -> String {
        let cleaned = MarkdownText.cleanLines(markdown)
        return html(cleaned, headings: headings(in: cleaned))
    }

    /// Headings outside code fences, with Docusaurus anchors.
    static func headings(in lines: [String]) -> [Heading] {
        var anchors = AnchorMaker()
        return MarkdownLine.classify(lines).compactMap { line in
            guard case let .heading(level, raw) = line.kind else { return nil }
            let text = MarkdownText.plain(AnchorMaker.explicitID(in: raw).text)
            return Heading(level: level, text: text, anchor: anchors.anchor(for: raw))
        }
    }

    private static func html(_ lines: [String], headings: [Heading]) -> String {
        var remaining = headings[...]
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .headings) { html, _ in
            // Ink renders `<hN>…</hN>`; add the anchor id in document order.
            guard html.hasPrefix("<h"), html.count > 3, let heading = remaining.first else { return html }
            remaining = remaining.dropFirst()
            return "\(html.prefix(3)) id=\"\(HTML.escape(heading.anchor))\"" + html.dropFirst(3)
        })
        parser.addModifier(Modifier(target: .links) { html, markdown in
            let inner = html.firstIndex(of: ">").map { html[html.index(after: $0)...] }.map { $0.hasSuffix("</a>") ? $0.dropLast(4) : $0 } ?? ""
            let url = SafeMarkdown.safeURL(SafeMarkdown.destination(of: markdown))
            let external = url.hasPrefix("http://") || url.hasPrefix("https://")
            return "<a href=\"\(HTML.escape(url))\"\(external ? " rel=\"noopener noreferrer\"" : "")>\(inner)</a>"
        })
        parser.addModifier(Modifier(target: .images) { _, markdown in
            let alt = markdown.dropFirst(2).prefix(while: { $0 != "]" })
            let url = SafeMarkdown.safeURL(SafeMarkdown.destination(of: markdown))
            return "<img src=\"\(HTML.escape(url))\" alt=\"\(HTML.escape(String(alt)))\">"
        })
        parser.addModifier(Modifier(target: .codeBlocks) { html, markdown in
            guard markdown.hasPrefix("```\(SafeMarkdown.mathLanguage)") else { return html }
            let body = markdown.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().dropLast()
            return "<div class=\"math\">\(HTML.escape(body.joined(separator: "\n")))</div>"
        })
        parser.addModifier(Modifier(target: .inlineCode) { html, markdown in
            guard markdown.dropFirst().hasPrefix(SafeMarkdown.inlineMathMark) else { return html }
            let text = markdown.dropFirst(1 + SafeMarkdown.inlineMathMark.count).dropLast()
            return "<code class=\"math\">\(HTML.escape(String(text)))</code>"
        })
        return parser.html(from: SafeMarkdown.prepare(lines).joined(separator: "\n"))
    }
}

/// The Markdown rewriting that makes Ink's output safe and formulas readable.
enum SafeMarkdown {
    static let mathLanguage = "primer-math"
    /// Marks inline code that holds a formula (a private-use character no book contains).
    static let inlineMathMark = "\u{E000}"

    /// Escapes `<` and `>` outside code (Ink passes raw HTML through), turns `$$` blocks into
    /// math code blocks and `$…$` into marked inline code, both in readable form.
    static func prepare(_ lines: [String]) -> [String] {
        var output: [String] = []
        var formula: [String]?
        for classified in MarkdownLine.classify(lines) {
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
        var tex = lines.joined(separator: "\n").trimmingWhitespace()
        tex = String(tex.dropFirst(2).dropLast(2))
        return ["```\(mathLanguage)", ReadableMath.readable(tex), "```"]
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

    /// `$x$` → `` `<mark>x` `` (readable), when the dollars hug a formula (`$5 and $6` is money).
    private static func inlineMath(_ text: String) -> String {
        guard text.contains("$") else { return text }
        var output = "", rest = Substring(text)
        while let open = rest.firstIndex(of: "$") {
            let after = rest[rest.index(after: open)...]
            guard let first = after.first, !first.isWhitespace, first != "$",
                  let close = after.firstIndex(of: "$"), close > after.startIndex,
                  !after[after.index(before: close)].isWhitespace,
                  !(after[close...].dropFirst().first?.isNumber ?? false)
            else {
                output += rest[...open]
                rest = after
                continue
            }
            let tex = after[..<close].replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            output += rest[..<open] + "`" + inlineMathMark + ReadableMath.readable(tex).replacingOccurrences(of: "`", with: "'") + "`"
            rest = after[after.index(after: close)...]
        }
        return output + rest
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

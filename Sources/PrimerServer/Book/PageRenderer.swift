import Ink
import PrimerCore

/// Renders Markdown to safe HTML with Ink, the way Docusaurus shows a book: MDX syntax removed,
/// raw HTML shown as text (never as markup), link and image addresses limited to safe schemes
/// and escaped, formulas as MathML, code highlighted with a copy button, admonitions as
/// callouts, `<Tabs>` as tabs and `<details>` as disclosure blocks, and headings given the same
/// `id` anchors the chunker links to.
enum PageRenderer {
    /// A heading of the page, for the in-page table of contents.
    struct Heading: Codable, Sendable, Equatable {
        let level: Int
        let text: String
        let anchor: String
    }

    /// A page's HTML and its headings below the title.
    static func render(_ page: BookPage) -> (html: String, headings: [Heading]) {
        let headings = Self.headings(in: MarkdownText.cleanLines(page.markdown))
        return (html(page.markdown, headings: headings), headings.filter { $0.level > 1 })
    }

    /// Any Markdown (a page part, an adapted section, a model's answer) as safe HTML.
    static func html(markdown: String) -> String {
        html(markdown, headings: headings(in: MarkdownText.cleanLines(markdown)))
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

    private static func html(_ markdown: String, headings: [Heading]) -> String {
        let renderer = BlockRenderer(headings: headings)
        return renderer.html(DocBlock.parse(markdown))
    }

    /// Renders blocks in document order with one Ink parser, so heading anchors are handed out
    /// in order across blocks and component ids are unique on the page.
    private final class BlockRenderer {
        var remaining: ArraySlice<Heading>
        var components = 0
        var parser = MarkdownParser()

        init(headings: [Heading]) {
            remaining = headings[...]
            parser.addModifier(Modifier(target: .headings) { [unowned self] html, _ in
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
                return "<img src=\"\(HTML.escape(url))\" alt=\"\(HTML.escape(String(alt)))\" loading=\"lazy\">"
            })
            parser.addModifier(Modifier(target: .codeBlocks) { html, markdown in
                let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
                guard let opening = lines.first else { return html }
                let info = opening.trimmingWhitespace().drop(while: { $0 == "`" || $0 == "~" })
                var body = Array(lines.dropFirst())
                if let last = body.last, let mark = last.trimmingWhitespace().first, mark == "`" || mark == "~" { body.removeLast() }
                let code = body.joined(separator: "\n")
                let fence = CodeFenceInfo(String(info))
                // `$$…$$` blocks (marked by SafeMarkdown) and ```math fences are display formulas.
                if info == SafeMarkdown.mathLanguage || fence.language == "math" { return DocComponents.math(code, display: true) }
                return DocComponents.codeBlock(code, info: fence)
            })
            parser.addModifier(Modifier(target: .inlineCode) { html, markdown in
                guard markdown.dropFirst().hasPrefix(SafeMarkdown.inlineMathMark) else { return html }
                let tex = markdown.dropFirst(1 + SafeMarkdown.inlineMathMark.count).dropLast()
                return DocComponents.math(String(tex), display: false)
            })
        }

        func html(_ blocks: [DocBlock]) -> String {
            blocks.map(html).joined(separator: "\n")
        }

        func html(_ block: DocBlock) -> String {
            switch block {
            case let .markdown(lines):
                return markdownHTML(SafeMarkdown.prepare(MarkdownText.cleanLines(lines.joined(separator: "\n"))).joined(separator: "\n"))
            case let .admonition(kind, title, body):
                return DocComponents.admonition(kind: kind, title: title.map(inline), body: html(body))
            case let .tabs(tabs, selected):
                components += 1
                return DocComponents.tabs(id: "tabs-\(components)", labels: tabs.map { HTML.escape($0.label) },
                                          panels: tabs.map { html($0.body) }, selected: selected)
            case let .details(summary, body):
                return "<details class=\"details\"><summary>\(inline(summary))</summary>\n\(html(body))\n</details>"
            }
        }

        /// Ink's HTML for `markdown`. Ink reads text whose first fragment starts with `-` as front
        /// matter (and crashes when a `---` rule opens a block after a callout or tab without a
        /// closing one), so such text gets an empty hidden element first: the page's own front
        /// matter was removed when the book was loaded.
        func markdownHTML(_ markdown: String) -> String {
            guard markdown.first(where: { !$0.isWhitespace }) == "-" else { return parser.html(from: markdown) }
            return parser.html(from: "<span hidden></span>\n\n" + markdown)
        }

        /// A title's inline Markdown as HTML (no paragraph around it).
        func inline(_ text: String) -> String {
            let rendered = markdownHTML(SafeMarkdown.prepare([MarkdownText.stripJSX(text)]).joined())
            guard rendered.hasPrefix("<p>"), rendered.hasSuffix("</p>") else { return rendered }
            return String(rendered.dropFirst(3).dropLast(4))
        }
    }
}

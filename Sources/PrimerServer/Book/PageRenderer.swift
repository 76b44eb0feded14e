import Ink
import PrimerCore

/// Renders a page's Markdown to HTML with Ink, after MDX syntax is removed. Headings get
/// the same `id` anchors the chunker links to.
enum PageRenderer {
    /// A heading of the page, for the in-page table of contents.
    struct Heading: Codable, Sendable, Equatable {
        let level: Int
        let text: String
        let anchor: String
    }

    static func render(_ page: BookPage) -> (html: String, headings: [Heading]) {
        let cleaned = MarkdownText.cleanLines(page.markdown)
        let headings = Self.headings(in: cleaned)
        var remaining = headings[...]
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .headings) { html, _ in
            // Ink renders `<hN>…</hN>`; add the anchor id in document order.
            guard html.hasPrefix("<h"), html.count > 3, let heading = remaining.first else { return html }
            remaining = remaining.dropFirst()
            let tag = html.prefix(3)
            return "\(tag) id=\"\(heading.anchor)\"" + html.dropFirst(3)
        })
        let html = parser.html(from: cleaned.joined(separator: "\n"))
        return (html, headings.filter { $0.level > 1 })
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
}

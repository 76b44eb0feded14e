import PrimerCore

/// The HTML of the components a Docusaurus book uses beyond plain Markdown: callouts, tabs,
/// code blocks (highlighted, with language, title, highlighted lines and a copy button) and
/// formulas (MathML, or the TeX source when the converter can't handle it). Styled by site.css,
/// made interactive by site.js; all of it reads fine without JavaScript.
enum DocComponents {
    /// `:::kind Title` … `:::` as a callout with an icon and a title (the kind's name by default).
    static func admonition(kind: String, title: String?, body: String) -> String {
        let name = kind.prefix(1).uppercased() + kind.dropFirst()
        return """
        <div class="admonition admonition-\(HTML.escape(kind))" role="note">\
        <p class="admonition-title"><svg class="admonition-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">\(icon(kind))</svg>\
        <span>\(title ?? name)</span></p>
        <div class="admonition-body">\(body)</div></div>
        """
    }

    /// SVG paths: an "i" for note/info, a light bulb for tip, a triangle for warning/caution, a flame for danger.
    private static func icon(_ kind: String) -> String {
        switch kind {
        case "tip":
            return "<path d=\"M9 21h6v-1H9v1zm3-19a7 7 0 0 0-4 12.7V17a1 1 0 0 0 1 1h6a1 1 0 0 0 1-1v-2.3A7 7 0 0 0 12 2z\"/>"
        case "warning", "caution":
            return "<path d=\"M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z\"/>"
        case "danger":
            return "<path d=\"M13.5.7s.7 2.6.7 4.7c0 2-1.3 3.6-3.3 3.6S7.5 7.4 7.5 5.4l.1-.4A9.9 9.9 0 0 0 4 12.7a8 8 0 0 0 16 0C20 7.3 17.4 2.6 13.5.7z\"/>"
        default:
            return "<path d=\"M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z\"/>"
        }
    }

    /// Tabs: a tab list and one panel per tab; the selected panel shows without JavaScript.
    static func tabs(id: String, labels: [String], panels: [String], selected: Int) -> String {
        let buttons = labels.enumerated().map { index, label in
            let on = index == selected
            return "<button type=\"button\" role=\"tab\" id=\"\(id)-tab-\(index)\" aria-controls=\"\(id)-panel-\(index)\" "
                + "aria-selected=\"\(on)\" tabindex=\"\(on ? 0 : -1)\">\(label)</button>"
        }.joined()
        let bodies = panels.enumerated().map { index, panel in
            "<div role=\"tabpanel\" id=\"\(id)-panel-\(index)\" aria-labelledby=\"\(id)-tab-\(index)\" tabindex=\"0\"\(index == selected ? "" : " hidden")>\n\(panel)\n</div>"
        }.joined(separator: "\n")
        return "<div class=\"tabs\" id=\"\(id)\"><div class=\"tab-list\" role=\"tablist\">\(buttons)</div>\n\(bodies)\n</div>"
    }

    /// A fenced code block: header (title, language) and copy button, highlighted lines wrapped.
    static func codeBlock(_ code: String, info: CodeFenceInfo) -> String {
        var lines = CodeHighlighter.html(code, language: info.language).components(separatedBy: "\n")
        for (index, line) in lines.enumerated() where info.highlightedLines.contains(index + 1) {
            lines[index] = "<span class=\"code-line highlighted\">\(line)</span>"
        }
        let language = info.language.flatMap(CodeHighlighter.displayName(of:)) ?? info.language
        let title: String? = info.title.map { "<span class=\"code-title\">\(HTML.escape($0))</span>" }
        let label: String? = language.map { "<span class=\"code-language\">\(HTML.escape($0))</span>" }
        let languageClass = info.language.map { " class=\"language-\(HTML.escape($0))\"" } ?? ""
        return """
        <div class="code-block">\
        <div class="code-header">\(title ?? "")\(label ?? "")<button type="button" class="code-copy" aria-label="Copy code">Copy</button></div>\
        <pre><code\(languageClass)>\(lines.joined(separator: "\n"))</code></pre></div>
        """
    }

    /// A formula as MathML; the TeX source in a code span when the converter can't handle it.
    static func math(_ tex: String, display: Bool) -> String {
        if let mathML = MathML.render(tex, display: display) {
            return display ? "<div class=\"math-display\">\(mathML)</div>" : mathML
        }
        let source = "<code class=\"math-source\">\(HTML.escape(tex))</code>"
        return display ? "<div class=\"math-display\">\(source)</div>" : source
    }
}

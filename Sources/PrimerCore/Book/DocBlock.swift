/// A page's Markdown split at the Docusaurus block syntax the site renders as components:
/// admonitions (`:::tip Title` … `:::`), `<Tabs>`/`<TabItem>` and `<details>`/`<summary>`.
/// Everything else stays Markdown lines; lines inside code fences are never block syntax.
public indirect enum DocBlock: Sendable, Equatable {
    /// Plain Markdown lines (as written).
    case markdown([String])
    /// A callout: its kind (`note`, `tip`, `info`, `warning`, `danger`, `caution`), its title
    /// if the author gave one, and its content.
    case admonition(kind: String, title: String?, body: [DocBlock])
    /// Tabs in order; `selected` is the index of the tab shown first (the `default` one, else 0).
    case tabs([Tab], selected: Int)
    /// A collapsible block: its summary line and content.
    case details(summary: String, body: [DocBlock])

    /// One `<TabItem>`: its label (the `label` attribute, else its `value`) and content.
    public struct Tab: Sendable, Equatable {
        public let label: String
        public let body: [DocBlock]
        public init(label: String, body: [DocBlock]) {
            self.label = label
            self.body = body
        }
    }

    /// Admonition kinds Docusaurus knows; any other `:::word` is shown as a note titled by the word.
    public static let admonitionKinds: Set<String> = ["note", "tip", "info", "warning", "danger", "caution"]

    /// The blocks of `markdown`. Unclosed blocks end with the page; stray closing lines are dropped.
    public static func parse(_ markdown: String) -> [DocBlock] {
        var builder = Builder()
        for line in MarkdownLine.classify(markdown) {
            guard line.kind == .text else {
                builder.append(line.line)
                continue
            }
            let trimmed = line.trimmed
            if trimmed.hasPrefix(":::") {
                let label = trimmed.drop(while: { $0 == ":" }).trimmingWhitespace()
                if label.isEmpty { builder.close(.admonition) } else { builder.openAdmonition(label) }
                continue
            }
            if trimmed.hasPrefix("<") {
                if let rest = builder.tag(trimmed) {
                    if !rest.isEmpty { builder.append(rest) }
                    continue
                }
            }
            builder.append(line.line)
        }
        return builder.finish()
    }

    /// The open containers while parsing, innermost last.
    private struct Builder {
        enum Kind { case root, admonition, tabs, tab, details }
        struct Frame {
            var kind: Kind
            var blocks: [DocBlock] = []
            var lines: [String] = []
            var kindName = "", title: String? = nil, label = "", isDefault = false
            var tabs: [Tab] = [], selected = 0
        }
        var stack = [Frame(kind: .root)]

        mutating func append(_ line: String) {
            stack[stack.count - 1].lines.append(line)
        }

        mutating func openAdmonition(_ label: String) {
            // `:::tip Title`, `:::tip[Title]` (Docusaurus 3) or `:::tip`.
            let name = label.prefix(while: { $0.isLetter }).lowercased()
            var title = label.dropFirst(name.count).trimmingWhitespace()
            if title.hasPrefix("["), title.hasSuffix("]") { title = String(title.dropFirst().dropLast()) }
            var frame = Frame(kind: .admonition)
            if Self.isKnown(name) {
                frame.kindName = name
                frame.title = title.isEmpty ? nil : title
            } else {
                frame.kindName = "note"
                frame.title = label
            }
            push(frame)
        }

        static func isKnown(_ name: String) -> Bool { DocBlock.admonitionKinds.contains(name) }

        /// Handles a line starting with one of the component tags; nil when it is none of them.
        /// Returns the text after the tag on the same line.
        mutating func tag(_ trimmed: String) -> String? {
            let lower = trimmed.lowercased()
            func after() -> String {  // text after the tag on its line
                guard let end = trimmed.range(of: ">") else { return "" }
                return String(trimmed[end.upperBound...]).trimmingWhitespace()
            }
            if lower.hasPrefix("<tabs") && (lower.dropFirst(5).first.map { $0 == ">" || $0 == " " } ?? false) {
                push(Frame(kind: .tabs))
                return after()
            }
            if lower.hasPrefix("</tabs>") { close(.tabs); return after() }
            if lower.hasPrefix("<tabitem") {
                if !stack.contains(where: { $0.kind == .tabs }) { push(Frame(kind: .tabs)) }
                if stack.last?.kind == .tab { close(.tab) }
                var frame = Frame(kind: .tab)
                let head = trimmed.prefix(while: { $0 != ">" })
                let value = Self.attribute("value", in: head) ?? ""
                frame.label = Self.attribute("label", in: head) ?? value
                frame.isDefault = head.range(of: #"\bdefault\b"#, options: .regularExpression) != nil
                push(frame)
                return after()
            }
            if lower.hasPrefix("</tabitem>") { close(.tab); return after() }
            if lower.hasPrefix("<details") && (lower.dropFirst(8).first.map { $0 == ">" || $0 == " " } ?? false) {
                push(Frame(kind: .details))
                var rest = after()
                if rest.lowercased().hasPrefix("<summary") { rest = summary(rest) }
                return rest
            }
            if lower.hasPrefix("<summary"), stack.last?.kind == .details { return summary(trimmed) }
            if lower.hasPrefix("</details>") { close(.details); return after() }
            return nil
        }

        /// Takes `<summary>Text</summary>` as the open details' summary; returns what follows it.
        mutating func summary(_ text: String) -> String {
            guard let open = text.range(of: ">") else { return "" }
            let inside = text[open.upperBound...]
            let close = inside.range(of: "</summary>", options: .caseInsensitive)
            let summary = MarkdownText.stripJSX(String(inside[..<(close?.lowerBound ?? inside.endIndex)])).trimmingWhitespace()
            stack[stack.count - 1].title = summary
            return close.map { String(inside[$0.upperBound...]).trimmingWhitespace() } ?? ""
        }

        static func attribute(_ name: String, in tag: Substring) -> String? {
            for quote in ["\"", "'"] {
                if let start = tag.range(of: "\(name)=\(quote)") {
                    let rest = tag[start.upperBound...]
                    if let end = rest.firstIndex(of: Character(quote)) { return String(rest[..<end]) }
                }
            }
            if let start = tag.range(of: "\(name)={\"") {
                let rest = tag[start.upperBound...]
                if let end = rest.firstIndex(of: "\"") { return String(rest[..<end]) }
            }
            return nil
        }

        mutating func push(_ frame: Frame) {
            flushLines()
            stack.append(frame)
        }

        mutating func flushLines() {
            let lines = stack[stack.count - 1].lines
            stack[stack.count - 1].lines = []
            if lines.contains(where: { !$0.trimmingWhitespace().isEmpty }) {
                stack[stack.count - 1].blocks.append(.markdown(lines))
            }
        }

        /// Closes the innermost open container of `kind` (and anything open inside it).
        mutating func close(_ kind: Kind) {
            guard stack.contains(where: { $0.kind == kind }) else { return }  // a stray closing line
            while let last = stack.last, last.kind != .root {
                popOne()
                if last.kind == kind { return }
            }
        }

        /// Ends the innermost container, adding it to its parent.
        mutating func popOne() {
            flushLines()
            let frame = stack.removeLast()
            switch frame.kind {
            case .root: stack.append(frame)
            case .admonition:
                stack[stack.count - 1].blocks.append(.admonition(kind: frame.kindName, title: frame.title, body: frame.blocks))
            case .tab:
                if stack.last?.kind == .tabs {
                    if frame.isDefault { stack[stack.count - 1].selected = stack[stack.count - 1].tabs.count }
                    stack[stack.count - 1].tabs.append(Tab(label: frame.label, body: frame.blocks))
                } else {
                    stack[stack.count - 1].blocks += frame.blocks
                }
            case .tabs:
                if !frame.tabs.isEmpty {
                    stack[stack.count - 1].blocks.append(.tabs(frame.tabs, selected: min(frame.selected, frame.tabs.count - 1)))
                }
                stack[stack.count - 1].blocks += frame.blocks  // text outside any TabItem
            case .details:
                stack[stack.count - 1].blocks.append(.details(summary: frame.title ?? "Details", body: frame.blocks))
            }
        }

        mutating func finish() -> [DocBlock] {
            while stack.count > 1 { popOne() }
            flushLines()
            return stack[0].blocks
        }
    }
}

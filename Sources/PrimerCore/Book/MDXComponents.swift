/// MDX components that keep their content in props, as Docusaurus sites write them
/// (`<HardwareTable requirements={[{ specification: 'RTX 4070 Ti', notes: '…' }]} />`,
/// `<InstallationStep stepNumber={1} title="…" platforms={{ ubuntu: { commands: […] } }} />`,
/// `<CodeBlock language="python">{`…`}</CodeBlock>`), rewritten as the Markdown a reader can
/// read: the title in bold, descriptions as paragraphs, data as nested lists (each object led
/// by its title, name, problem or specification; commands as code), code children as a code
/// block. Without React the site would otherwise show the props' source, and answers and
/// search would quote it. A component that is not plain data (a variable, a function, JSX in
/// its props) is left as written.
public enum MDXComponents {
    /// `markdown` with every multi-line or data-carrying component tag outside code blocks
    /// rewritten; everything else is unchanged.
    public static func expand(_ markdown: String) -> String {
        guard markdown.contains("<") else { return markdown }
        let classified = MarkdownLine.classify(markdown)
        guard classified.contains(where: { $0.kind == .text && opensComponent($0.trimmed) }) else { return markdown }
        var output: [String] = []
        var index = 0
        while index < classified.count {
            let line = classified[index]
            if line.kind == .text, opensComponent(line.trimmed), let (lines, consumed) = component(in: classified, at: index) {
                output.append(contentsOf: [""] + lines + [""])
                index += consumed
            } else {
                output.append(line.line)
                index += 1
            }
        }
        return output.joined(separator: "\n")
    }

    /// Components handled elsewhere (tabs and disclosure blocks), or not data.
    static let leftAlone: Set<String> = ["Tabs", "TabItem", "Details", "details", "summary", "Admonition"]

    /// Props that style or identify, not content.
    static let skippedKeys: Set<String> = ["id", "key", "className", "style", "icon", "emoji", "emojiPrefix", "color", "variant",
                                            "language", "showLineNumbers", "stepNumber", "title", "width", "height"]

    /// Props that only say "the data" (`entries={[…]}`): their list needs no label.
    static let genericKeys: Set<String> = ["entries", "items", "data", "rows", "list", "values", "children", "content"]

    /// Keys whose value, in order of preference, names an object in a list.
    static let headlineKeys = ["title", "name", "problem", "label", "specification", "term", "question", "heading", "step", "description", "command"]

    static func opensComponent(_ trimmed: String) -> Bool {
        guard trimmed.hasPrefix("<"), let first = trimmed.dropFirst().first, first.isUppercase else { return false }
        let name = trimmed.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
        return !leftAlone.contains(String(name))
    }

    /// The Markdown lines for the component opening at line `start`, and how many lines it
    /// used; nil when it is a one-line tag without data (left to the usual tag removal) or is
    /// not plain data.
    static func component(in lines: [MarkdownLine], at start: Int) -> (lines: [String], consumed: Int)? {
        // The rest of the page as characters, and where each line starts in it.
        var characters: [Character] = []
        var lineStarts: [Int] = []
        for line in lines[start...] {
            lineStarts.append(characters.count)
            characters.append(contentsOf: line.line)
            characters.append("\n")
        }
        var position = characters.firstIndex(of: "<")! + 1
        var name = ""
        while position < characters.count, characters[position].isLetter || characters[position].isNumber || ".$_".contains(characters[position]) {
            name.append(characters[position])
            position += 1
        }
        var props: [(key: String, value: JSValue)] = []
        var selfClosing = false
        var parser = JSValue.Parser(characters: characters, index: position)
        tag: while true {
            parser.skipSpace()
            guard let character = parser.current else { return nil }
            switch character {
            case "/":
                guard parser.peek(1) == ">" else { return nil }
                parser.index += 2
                selfClosing = true
                break tag
            case ">":
                parser.index += 1
                break tag
            default:
                let key = attributeName(&parser)
                guard !key.isEmpty else { return nil }
                parser.skipSpace()
                guard parser.current == "=" else { props.append((key, .bool(true))); continue }
                parser.index += 1
                parser.skipSpace()
                switch parser.current {
                case "\"", "'":
                    guard let text = parser.string() else { return nil }
                    props.append((key, .string(text)))
                case "{":
                    parser.index += 1
                    guard let value = parser.value() else { return nil }
                    parser.skipSpace()
                    guard parser.current == "}" else { return nil }
                    parser.index += 1
                    props.append((key, value))
                default:
                    return nil
                }
            }
        }
        var end = parser.index
        // Code given as a template literal child: `<CodeBlock language="python">{`…`}</CodeBlock>`.
        var code: String?
        if !selfClosing {
            var child = JSValue.Parser(characters: characters, index: end)
            child.skipSpace()
            if child.current == "{", child.peek(1) == "`" {
                child.index += 1
                guard let text = child.string() else { return nil }
                child.skipSpace()
                guard child.current == "}" else { return nil }
                child.index += 1
                child.skipSpace()
                let closing = Array("</\(name)>")
                guard child.index + closing.count <= characters.count, Array(characters[child.index..<(child.index + closing.count)]) == closing else { return nil }
                code = text
                end = child.index + closing.count
            }
        }
        let tagLines = lineStarts.filter { $0 < end }.count
        let hasData = props.contains { if case .array = $0.value { return true }; if case .object = $0.value { return true }; return false }
        guard tagLines > 1 || hasData || code != nil else { return nil }
        // What follows the tag on its last line stays, as a line of its own.
        let lastLineEnd = characters[end...].firstIndex(of: "\n") ?? characters.count
        let after = String(characters[end..<lastLineEnd]).trimmingWhitespace()
        var rendered = render(props: props, code: code)
        if !after.isEmpty { rendered += ["", after] }
        return (rendered, tagLines)
    }

    static func attributeName(_ parser: inout JSValue.Parser) -> String {
        var name = ""
        while let character = parser.current, character.isLetter || character.isNumber || "_:-.".contains(character) {
            name.append(character)
            parser.index += 1
        }
        return name
    }

    /// The Markdown of a component's props (and code child).
    static func render(props: [(key: String, value: JSValue)], code: String?) -> [String] {
        var lines: [String] = []
        let value = { (key: String) in props.first { $0.key == key }?.value }
        if let title = value("title")?.text {
            let step = value("stepNumber")?.text.map { "Step \($0): " } ?? ""
            lines += code != nil ? ["`\(title)`:", ""] : ["**\(step)\(title)**", ""]
        }
        for (key, item) in props where !skippedKeys.contains(key) {
            switch item {
            case .string(let text):
                let text = text.trimmingWhitespace()
                guard !text.isEmpty else { continue }
                // Description-like props are the text itself; others get their name as a label
                // unless the text already opens with it ("Expected output: …").
                let label = humanised(key)
                let plain = ["description", "caption", "children", "content"].contains(key) || text.lowercased().hasPrefix(label.lowercased())
                lines += [plain ? text : "**\(label):** \(text)", ""]
            case .array, .object:
                let list = listLines(item)
                guard !list.isEmpty else { continue }
                lines += (genericKeys.contains(key) ? [] : ["**\(humanised(key)):**", ""]) + list + [""]
            case .number, .bool, .null:
                continue  // sizes, durations and switches of the component
            }
        }
        if let code {
            let body = code.hasPrefix("\n") ? String(code.dropFirst()) : code
            let fence = body.contains("```") ? "~~~~" : "```"
            lines += [fence + (value("language")?.text ?? ""), body.hasSuffix("\n") ? String(body.dropLast()) : body, fence, ""]
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// A prop's value as Markdown. Each object of a list is its headline ("**CUDA
    /// initialization failed:**") over a list of its fields, so that each reads (and is
    /// quoted) on its own; lists nest one level at most and deeper data is written on its
    /// item's line, which keeps them readable in a chat answer too.
    static func listLines(_ value: JSValue) -> [String] {
        switch value {
        case .array(let items):
            var lines: [String] = []
            for element in items {
                switch element {
                case .object(let entries):
                    if !lines.isEmpty { lines.append("") }
                    lines += objectLines(entries)
                default:
                    if let text = inline(element) { lines += item("", text) }
                }
            }
            return lines
        case .object(let entries):
            // An object of objects (`platforms={{ ubuntu: {…}, windows: {…} }}`): one list per key.
            if entries.allSatisfy({ if case .object = $0.value { return true }; return false }) {
                return entries.enumerated().flatMap { offset, entry -> [String] in
                    guard case let .object(inner) = entry.value else { return [] }
                    return (offset > 0 ? [""] : []) + ["**\(humanised(entry.key)):**", ""] + fieldLines(inner)
                }
            }
            return fieldLines(entries)
        default:
            return inline(value).map { item("", $0) } ?? []
        }
    }

    /// One object of a list: its headline, then its other fields as a list.
    static func objectLines(_ entries: [(key: String, value: JSValue)]) -> [String] {
        guard let (headline, rest) = headline(of: entries) else { return fieldLines(entries) }
        let fields = fieldLines(rest)
        guard !fields.isEmpty else { return item("", headline) }
        let lead = headline.hasSuffix("**") ? String(headline.dropLast(2)) + ":**" : headline + ":"
        return [lead, ""] + fields
    }

    /// An object's title, name, problem or the like ("1. **Update the drivers**", "`make`"),
    /// and its other fields.
    static func headline(of entries: [(key: String, value: JSValue)]) -> (String, [(key: String, value: JSValue)])? {
        guard let headKey = headlineKeys.first(where: { key in entries.contains { $0.key == key && $0.value.text?.isEmpty == false } }),
              let text = entries.first(where: { $0.key == headKey })?.value.text else { return nil }
        let step = entries.first { $0.key == "stepNumber" }?.value.text.map { "\($0). " } ?? ""
        let shown = headKey == "command" ? code(text) : text.split(separator: " ").count <= 12 && !text.contains("\n") ? "**\(text)**" : text
        return (step + shown, entries.filter { $0.key != headKey })
    }

    /// An object's fields as "- Key: value" items; a list or record in a field as items under
    /// it, each on one line (``inline(_:)``).
    static func fieldLines(_ entries: [(key: String, value: JSValue)]) -> [String] {
        var lines: [String] = []
        for (key, value) in entries where !skippedKeys.contains(key) {
            let label = humanised(key)
            switch value {
            case .string, .number:
                guard let text = value.text?.trimmingWhitespace(), !text.isEmpty else { continue }
                lines += item("", "\(label): " + (isCommand(key) ? code(text) : text))
            case .array(let items):
                let texts = items.compactMap { isCommand(key) ? $0.text.map(code) : inline($0) }
                guard !texts.isEmpty else { continue }
                lines += ["- \(label):"] + texts.flatMap { item("  ", $0) }
            case .object(let inner):
                let fields = inner.filter { !skippedKeys.contains($0.key) }
                guard let text = inline(.object(fields)) else { continue }
                if fields.allSatisfy({ $0.value.text != nil }) {
                    lines += item("", "\(label): " + text)
                } else {
                    lines += ["- \(label):"] + fields.compactMap { field in
                        inline(field.value).map { "  - \(humanised(field.key)): " + $0.replacingOccurrences(of: "\n", with: " ") }
                    }
                }
            case .bool, .null:
                continue
            }
        }
        return lines
    }

    /// A value on one line: a string or number as written; a list as "a, b"; an object as its
    /// headline then "key: value; key: value". Nil when nothing in it is shown.
    static func inline(_ value: JSValue) -> String? {
        switch value {
        case .string(let text), .number(let text):
            let text = text.trimmingWhitespace()
            return text.isEmpty ? nil : text
        case .array(let items):
            let texts = items.compactMap(inline)
            return texts.isEmpty ? nil : texts.joined(separator: ", ")
        case .object(let entries):
            let head = headline(of: entries)
            let fields = (head?.1 ?? entries).filter { !skippedKeys.contains($0.key) }.compactMap { field -> String? in
                let text = isCommand(field.key) ? field.value.text.map(code) : inline(field.value)
                return text.map { "\(humanised(field.key).lowercased()) \($0)" }
            }
            let parts = fields.joined(separator: "; ").replacingOccurrences(of: "\n", with: " ")
            if let head { return parts.isEmpty ? head.0 : head.0 + " — " + parts }
            return parts.isEmpty ? nil : parts
        case .bool, .null:
            return nil
        }
    }

    /// "- text" at `indent`, a text of several lines continuing under the item.
    static func item(_ indent: String, _ text: String) -> [String] {
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return ["\(indent)- \(parts[0])"] + parts.dropFirst().map { $0.isEmpty ? "" : "\(indent)  \($0)" }
    }

    static func isCommand(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower == "command" || lower == "cmd" || lower.hasSuffix("command")
    }

    /// A command as inline code (a command of several lines as one, its lines joined by "; ").
    static func code(_ text: String) -> String {
        let line = text.split(separator: "\n").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: "; ")
        return line.contains("`") ? line : "`\(line)`"
    }

    /// "expectedResult" → "Expected result", "related_errors" → "Related errors".
    static func humanised(_ key: String) -> String {
        var words: [String] = []
        var word = ""
        var previous: Character?
        for character in key {
            if character == "_" || character == "-" {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                words.append(word)
                word = String(character)
            } else {
                word.append(character)
            }
            previous = character
        }
        if !word.isEmpty { words.append(word) }
        let sentence = words.enumerated().map { $0.offset == 0 ? $0.element : ($0.element.count > 1 && $0.element == $0.element.uppercased() ? $0.element : $0.element.lowercased()) }
            .joined(separator: " ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst()
    }
}

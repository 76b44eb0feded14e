/// A whole unit of a book passage that an answer can quote without losing its sense: a
/// paragraph, a list together with the sentence that introduces it, a code block or a display
/// formula with the sentence that introduces it, or a table. Text is Markdown as the chat
/// renders it (lists as `- ` / `1. ` lines, fenced code, `$$…$$`, `**bold**`, `` `code` ``),
/// with links reduced to their text, images and HTML entities resolved.
public struct PassageBlock: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case paragraph, list, code, formula, table
    }

    public let kind: Kind
    /// The sentence that introduces a list, code block or formula (it ends with a colon), if any.
    public let lead: String?
    /// The block's own Markdown: the paragraph, the list lines, the fenced code or the formula.
    public let body: String
    /// Position within the passage (0 = first block).
    public let position: Int

    public init(kind: Kind, lead: String?, body: String, position: Int) {
        self.kind = kind
        self.lead = lead
        self.body = body
        self.position = position
    }

    /// Lead and body as they are shown.
    public var markdown: String {
        guard let lead else { return body }
        return kind == .list || kind == .code || kind == .formula ? lead + "\n\n" + body : lead + " " + body
    }

    /// The prose a reader reads (lead, paragraph or list items; no code, no formula source).
    public var prose: String {
        switch kind {
        case .paragraph: return body
        case .list: return ([lead].compactMap { $0 } + PassageBlocks.listItems(body)).joined(separator: " ")
        case .code, .formula, .table: return lead ?? ""
        }
    }

    /// Prose that is really data or markup left in the text (a JSX component's props, a JSON
    /// object): many braces, brackets, quotes and equals signs.
    public var isDataLike: Bool {
        let text = prose
        let marks = text.filter { "{}[]=;'\"<>".contains($0) }.count
        return marks >= 8 && Double(marks) / Double(max(text.count, 1)) > 0.05
    }

    /// A paragraph that only announces what follows (ends with a colon) but lost what it announced.
    public var isOrphanLead: Bool {
        kind == .paragraph && PassageBlocks.isLead(body)
    }
}

/// Splits a passage's Markdown into ``PassageBlock``s.
public enum PassageBlocks {
    /// The blocks of `markdown`, in order. A paragraph ending in a colon directly before a list,
    /// code block or formula becomes that block's lead.
    public static func split(_ markdown: String) -> [PassageBlock] {
        var raw: [(kind: PassageBlock.Kind, text: String)] = []
        var paragraph: [String] = []
        var list: [String] = []
        var table: [String] = []
        var code: [String] = []
        var formula: [String]? = nil
        // A code block indented under a list item belongs to that item (its command or file).
        var itemCode: (indent: Int, lines: [String])? = nil
        // A blank line inside a list: the list goes on if an item or an indented line follows.
        var blankInList = false

        func flushParagraph() {
            let text = paragraph.joined(separator: " ").trimmingWhitespace()
            paragraph = []
            if !text.isEmpty { raw.append((.paragraph, text)) }
        }
        func flushList() {
            if !list.isEmpty { raw.append((.list, list.joined(separator: "\n"))) }
            list = []
        }
        func flushTable() {
            if let rows = tableAsList(table) { raw.append((.table, rows)) }
            table = []
        }
        func flushAll() {
            flushParagraph()
            flushList()
            flushTable()
        }

        for classified in MarkdownLine.classify(markdown) {
            let line = classified.line, trimmed = classified.trimmed
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if blankInList, !trimmed.isEmpty, listItem(line) == nil, indent < 2 {
                flushList()
            }
            if !trimmed.isEmpty { blankInList = false }
            switch classified.kind {
            case .fenceOpen:
                if !list.isEmpty, paragraph.isEmpty, indent >= 2 {
                    itemCode = (indent, [trimmed])
                    continue
                }
                flushAll()
                code = [trimmed]
                continue
            case .code:
                if var open = itemCode {
                    open.lines.append(String(line.dropFirst(min(open.indent, line.prefix { $0 == " " }.count))))
                    itemCode = open
                    continue
                }
                code.append(line)
                continue
            case .fenceClose:
                if let open = itemCode {
                    list = Self.withItemCode(list, open.lines + [trimmed])
                    itemCode = nil
                    continue
                }
                code.append(trimmed)
                raw.append((.code, code.joined(separator: "\n")))
                code = []
                continue
            case .heading(_, let text):
                flushAll()
                paragraph = ["**\(clean(text))**"]
                flushParagraph()
                continue
            case .text:
                break
            }
            if var open = formula {
                open.append(trimmed)
                formula = open
                if trimmed.hasSuffix("$$") {
                    raw.append((.formula, open.joined(separator: "\n")))
                    formula = nil
                }
                continue
            }
            if trimmed.hasPrefix("$$") {
                flushAll()
                if trimmed.count > 2 && trimmed.dropFirst(2).contains("$$") {
                    raw.append((.formula, trimmed))
                } else {
                    formula = [trimmed]
                }
                continue
            }
            if trimmed.isEmpty {
                if list.isEmpty {
                    flushAll()
                } else {
                    flushParagraph()
                    flushTable()
                    blankInList = true
                }
                continue
            }
            if trimmed.hasPrefix("!["), trimmed.hasSuffix(")") { continue }  // an image on its own line
            if trimmed.count >= 3, Set(trimmed).count == 1, "-*_=".contains(trimmed.first!) {  // a rule
                flushAll()
                continue
            }
            if trimmed.hasPrefix("|") {
                flushParagraph()
                flushList()
                table.append(trimmed)
                continue
            }
            let body = trimmed.hasPrefix(">") ? String(trimmed.drop(while: { $0 == ">" || $0 == " " })) : trimmed
            if let item = listItem(line) {
                flushParagraph()
                flushTable()
                list.append(item)
            } else if !list.isEmpty, line.first?.isWhitespace == true {
                list[list.count - 1] += " " + clean(body)  // an item's continuation line
            } else {
                flushList()
                flushTable()
                paragraph.append(clean(body))
            }
        }
        if let open = itemCode { list = Self.withItemCode(list, open.lines + ["```"]) }
        flushAll()
        if let open = formula { raw.append((.formula, open.joined(separator: "\n") + "\n$$")) }

        // Leads join the block they introduce ("… as follows:" then "**Label:**" then the list: both lead it).
        var blocks: [PassageBlock] = []
        var index = 0
        while index < raw.count {
            var lead: [String] = []
            var next = index
            while next < raw.count, raw[next].kind == .paragraph, isLead(raw[next].text) { next += 1 }
            if next > index, next < raw.count, raw[next].kind != .paragraph {
                lead = raw[index..<next].map(\.text)
                blocks.append(PassageBlock(kind: raw[next].kind, lead: lead.joined(separator: " "), body: raw[next].text, position: blocks.count))
                index = next + 1
                continue
            }
            let (kind, text) = raw[index]
            blocks.append(PassageBlock(kind: kind, lead: nil, body: text, position: blocks.count))
            index += 1
        }
        return blocks
    }

    /// `list` with a code block its last item introduced (`fence`: the fence lines and the code,
    /// indentation under the item removed): a line or two of code joins the item as inline code
    /// (`` `camera → head → hand` ``); a longer block follows it as nested lines (indented, so it
    /// stays with its item).
    static func withItemCode(_ list: [String], _ fence: [String]) -> [String] {
        var list = list
        let code = fence.dropFirst().dropLast().map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        if code.isEmpty { return list }
        if code.count <= 2, code.allSatisfy({ $0.count <= 80 && !$0.contains("`") }), !list.isEmpty {
            list[list.count - 1] += " " + code.map { "`\($0)`" }.joined(separator: " ")
            return list
        }
        let nested = String(repeating: " ", count: 3 + (list.last?.prefix { $0 == " " }.count ?? 0))
        return list + fence.map { nested + $0 }
    }

    /// For each line of a list body, whether it lies inside (or is a fence of) a code block
    /// nested under an item.
    public static func fencedLines(_ lines: [String]) -> [Bool] {
        MarkdownLine.classify(lines).map { line in
            switch line.kind {
            case .fenceOpen, .code, .fenceClose: true
            case .text, .heading: false
            }
        }
    }

    /// A paragraph that announces what follows: it ends with a colon (also inside bold, `**Label:**`).
    static func isLead(_ text: String) -> Bool {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasSuffix(":") || trimmed.hasSuffix(":**") || trimmed.hasSuffix(":*") { return true }
        // A bold label on its own line ("**Step 2: Electrical Connections**") titles what follows.
        return trimmed.hasPrefix("**") && trimmed.hasSuffix("**") && trimmed.dropFirst(2).dropLast(2).allSatisfy { $0 != "*" }
            && trimmed.split(separator: " ").count <= 10
    }

    /// A Markdown table as list lines the chat can show: one item per row, "**first cell** —
    /// Column: value; Column: value" (nil without data rows).
    static func tableAsList(_ rows: [String]) -> String? {
        func cells(_ row: String) -> [String] {
            var inner = Substring(row.trimmingWhitespace())
            if inner.hasPrefix("|") { inner = inner.dropFirst() }
            if inner.hasSuffix("|") { inner = inner.dropLast() }
            return inner.split(separator: "|", omittingEmptySubsequences: false).map { clean(String($0)).trimmingWhitespace() }
        }
        let isRule = { (row: String) in row.allSatisfy { "|-: ".contains($0) } }
        let data = rows.filter { !isRule($0) }
        guard data.count >= 2 else { return nil }
        let header = cells(data[0])
        let lines = data.dropFirst().map { row -> String in
            let values = cells(row)
            let first = values.first ?? ""
            let names = header.map { $0.replacingOccurrences(of: "**", with: "") }
            let rest = zip(names.dropFirst(), values.dropFirst()).filter { !$0.1.isEmpty }.map { $0.0.isEmpty ? $0.1 : "\($0.0): \($0.1)" }
            let name = first.hasPrefix("**") ? first : "**\(first)**"
            return "- " + (rest.isEmpty ? first : "\(name) — " + rest.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }

    /// `- item` / `1. item` for a list line (nested items keep two spaces per level), or nil.
    public static func listItem(_ line: String) -> String? {
        let indent = line.prefix { $0 == " " || $0 == "\t" }.count
        let trimmed = line.trimmingWhitespace()
        let nested = String(repeating: "  ", count: min(indent / 2, 3))
        for marker in ["- ", "* ", "+ "] where trimmed.hasPrefix(marker) {
            let text = clean(String(trimmed.dropFirst(2)))
            return text.isEmpty ? nil : nested + "- " + text
        }
        let digits = trimmed.prefix { $0.isNumber }
        guard !digits.isEmpty, digits.count <= 3 else { return nil }
        let rest = trimmed.dropFirst(digits.count)
        guard rest.hasPrefix(". ") || rest.hasPrefix(") ") else { return nil }
        let text = clean(String(rest.dropFirst(2)))
        return text.isEmpty ? nil : nested + "\(digits). " + text
    }

    /// The items of a list body, without their markers.
    public static func listItems(_ body: String) -> [String] {
        let lines = body.split(separator: "\n").map(String.init)
        let fenced = fencedLines(lines)
        return lines.indices.filter { !fenced[$0] }.map { lines[$0] }.map { line in
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("- ") { return String(trimmed.dropFirst(2)) }
            let digits = trimmed.prefix { $0.isNumber }
            return digits.isEmpty ? trimmed : String(trimmed.dropFirst(digits.count + 2))
        }
    }

    /// Inline Markdown made ready for the chat: links keep their text, inline images go,
    /// HTML entities and backslash escapes are resolved. Emphasis, inline code and `$…$` stay.
    public static func clean(_ text: String) -> String {
        var result = ""
        var index = text.startIndex
        var inMath = false
        while index < text.endIndex {
            let character = text[index]
            if character == "$" { inMath.toggle() }
            if !inMath, character == "!" || character == "[" {
                let start = character == "!" ? text.index(after: index) : index
                if start < text.endIndex, text[start] == "[", let close = text[start...].firstIndex(of: "]") {
                    let after = text.index(after: close)
                    if after < text.endIndex, text[after] == "(", let end = text[after...].firstIndex(of: ")") {
                        if character == "[" { result += text[text.index(after: start)..<close] }
                        index = text.index(after: end)
                        continue
                    }
                }
            }
            if !inMath, character == "\\" {
                let next = text.index(after: index)
                if next < text.endIndex, "<>&_*[]#{}()!|`".contains(text[next]) {
                    result.append(text[next])
                    index = text.index(after: next)
                    continue
                }
            }
            result.append(character)
            index = text.index(after: index)
        }
        return entitiesResolved(result)
    }

    static let entities: [(String, String)] = [
        ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&nbsp;", " "), ("&amp;", "&"),
    ]

    static func entitiesResolved(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in entities { result = result.replacingOccurrences(of: entity, with: character) }
        return result
    }
}

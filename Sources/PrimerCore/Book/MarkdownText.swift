/// Turns Markdown/MDX source into the text that is indexed and quoted: MDX imports,
/// exports and JSX tags are removed (their inner text stays), admonition fences become a
/// plain label line, and inline markup can be flattened to plain text.
public enum MarkdownText {
    /// Source lines with MDX and admonition syntax removed; fenced code is left untouched.
    public static func cleanLines(_ markdown: String) -> [String] {
        var output: [String] = []
        var inComment = false
        for classified in MarkdownLine.classify(markdown) {
            var line = classified.line
            guard classified.kind == .text || isHeading(classified.kind) else {
                output.append(line)  // code and its fences are left untouched
                continue
            }
            // MDX comments ({/* TODO: add a screenshot */}), also over several lines, are the author's notes.
            if inComment || line.contains("{/*") {
                (line, inComment) = withoutMDXComments(line, inside: inComment)
                if line.trimmingWhitespace().isEmpty { output.append(""); continue }
            }
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("import ") && (trimmed.contains(" from ") || trimmed.hasSuffix(";") || trimmed.contains("'") || trimmed.contains("\"")) { continue }
            if trimmed.hasPrefix("export ") { continue }
            if trimmed.hasPrefix(":::") {
                let label = trimmed.drop(while: { $0 == ":" }).trimmingWhitespace()
                if !label.isEmpty {
                    let words = label.split(separator: " ", maxSplits: 1)
                    let kind = words[0].capitalized
                    output.append(words.count > 1 ? "**\(kind): \(words[1])**" : "**\(kind):**")
                }
                continue
            }
            output.append(stripJSX(line))
        }
        return output
    }

    /// `line` without its MDX comments (`{/* … */}`); `inside` says a comment opened on an
    /// earlier line is still open, and the result whether one is open at the line's end.
    static func withoutMDXComments(_ line: String, inside: Bool) -> (line: String, inside: Bool) {
        var rest = Substring(line), result = "", inside = inside
        while !rest.isEmpty {
            if inside {
                guard let close = rest.range(of: "*/}") else { return (result, true) }
                rest = rest[close.upperBound...]
                inside = false
            } else {
                guard let open = rest.range(of: "{/*") else { result += rest; break }
                result += rest[..<open.lowerBound]
                rest = rest[open.upperBound...]
                inside = true
            }
        }
        return (result, inside)
    }

    private static func isHeading(_ kind: MarkdownLine.Kind) -> Bool {
        if case .heading = kind { return true }
        return false
    }

    /// Removes JSX/HTML tags (`<Tabs>`, `<TabItem value="py">`, `</Tabs>`, `<br/>`) from a line,
    /// keeping text between them. Comparisons such as `a < b` are left alone.
    public static func stripJSX(_ line: String) -> String {
        guard line.contains("<") else { return line }
        var result = ""
        var index = line.startIndex
        var inCode = false
        while index < line.endIndex {
            let character = line[index]
            if character == "`" { inCode.toggle() }  // `<inertia>` in inline code is text, not a tag
            if character == "<", !inCode {
                let next = line.index(after: index)
                if next < line.endIndex, line[next].isLetter || line[next] == "/" || line[next] == "!",
                   let close = line[next...].firstIndex(of: ">") {
                    index = line.index(after: close)
                    continue
                }
            }
            result.append(character)
            index = line.index(after: index)
        }
        return result.trimmingWhitespace().isEmpty ? "" : result
    }

    /// Markdown as the plain text of a search snippet: no headings, code blocks, list or quote
    /// markers, table pipes, HTML/MDX or emphasis; formulas in their readable form.
    public static func readableText(_ markdown: String) -> String {
        var words: [String] = []
        var display: [String]?
        for line in MarkdownLine.classify(cleanLines(markdown).joined(separator: "\n")) where line.kind == .text {
            var text = line.trimmed
            if var open = display {
                open.append(text)
                if text.hasSuffix("$$") {
                    words.append(ReadableMath.readable(MathSpans.displayTeX(open)))
                    display = nil
                } else {
                    display = open
                }
                continue
            }
            if text.hasPrefix("$$") {
                if text.count > 2, text.hasSuffix("$$") { words.append(ReadableMath.readable(MathSpans.displayTeX([text]))) } else { display = [text] }
                continue
            }
            while text.hasPrefix(">") { text = text.dropFirst().trimmingWhitespace() }
            text = listItemText(text)
            if text.hasPrefix("|") {
                if text.allSatisfy({ "|-: ".contains($0) }) { continue }  // a table's rule line
                text = text.split(separator: "|").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: ", ")
            }
            if text.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" || $0 == " " }) { continue }  // a rule
            text = MathSpans.replacingInline(text) { ReadableMath.readable($0) }
            words.append(plain(text))
        }
        return words.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The text of a list item line without its marker (`- `, `* `, `+ `, `1. `, `2) `, `- [ ] `).
    static func listItemText(_ line: String) -> String {
        var text = Substring(line)
        if let first = text.first, "-*+".contains(first), text.dropFirst().first == " " {
            text = text.dropFirst(2)
        } else {
            let digits = text.prefix(while: { $0.isNumber })
            let after = text.dropFirst(digits.count)
            if !digits.isEmpty, digits.count <= 3, let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " {
                text = after.dropFirst(2)
            }
        }
        if text.hasPrefix("[ ] ") || text.hasPrefix("[x] ") { text = text.dropFirst(4) }
        return String(text)
    }

    /// Inline Markdown flattened to plain text: links keep their text, emphasis and code
    /// markers go, images keep their alt text.
    public static func plain(_ text: String) -> String {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "!" || character == "[" {
                let start = character == "!" ? text.index(after: index) : index
                if start < text.endIndex, text[start] == "[",
                   let closeBracket = text[start...].firstIndex(of: "]") {
                    let afterBracket = text.index(after: closeBracket)
                    if afterBracket < text.endIndex, text[afterBracket] == "(",
                       let closeParen = text[afterBracket...].firstIndex(of: ")") {
                        result += text[text.index(after: start)..<closeBracket]
                        index = text.index(after: closeParen)
                        continue
                    }
                }
            }
            if character == "*" || character == "`" || (character == "_" && isEmphasisUnderscore(text, at: index)) {
                index = text.index(after: index)
                continue
            }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }

    /// `_` that starts or ends emphasis (next to a space or the text's edge), not `snake_case`.
    private static func isEmphasisUnderscore(_ text: String, at index: String.Index) -> Bool {
        let before = index > text.startIndex ? text[text.index(before: index)] : " "
        let afterIndex = text.index(after: index)
        let after = afterIndex < text.endIndex ? text[afterIndex] : " "
        return !(before.isLetter || before.isNumber) || !(after.isLetter || after.isNumber)
    }
}

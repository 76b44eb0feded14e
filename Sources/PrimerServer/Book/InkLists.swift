import PrimerCore

/// Reshapes nested lists so that Ink draws them as written. Ink puts an item that steps back
/// to the left margin ("- c" after "  - b") inside the nested list, and shows a code block
/// indented under an item as inline text with its fences. So a top-level item after nested
/// ones starts a new list (a blank line before it; an ordered list keeps its numbering), and
/// a code block under an item is moved to the margin, between blank lines, as its own block.
enum InkLists {
    static func reshape(_ lines: [String]) -> [String] {
        var output: [String] = []
        var lastItemIndent: Int?  // of the latest list item, while a list goes on
        var fenceIndent: Int?  // of the code block being moved to the margin
        for classified in MarkdownLine.classify(lines) {
            let line = classified.line
            switch classified.kind {
            case .fenceOpen:
                let indent = indentation(of: line)
                if lastItemIndent != nil, indent > 0 {
                    fenceIndent = indent
                    if output.last?.isEmpty == false { output.append("") }
                    output.append(outdented(line, by: indent))
                } else {
                    output.append(line)
                }
            case .code:
                output.append(fenceIndent.map { outdented(line, by: $0) } ?? line)
            case .fenceClose:
                if let indent = fenceIndent {
                    output += [outdented(line, by: indent), ""]
                    fenceIndent = nil
                } else {
                    output.append(line)
                }
            case .heading:
                lastItemIndent = nil
                output.append(line)
            case .text:
                let trimmed = classified.trimmed
                if trimmed.isEmpty {
                    if output.last?.isEmpty != true { output.append(line) }
                    continue
                }
                let indent = indentation(of: line)
                if PassageBlocks.listItem(line) != nil {
                    if indent == 0, let last = lastItemIndent, last > 0, output.last?.isEmpty == false { output.append("") }
                    lastItemIndent = indent
                } else if indent == 0 {
                    lastItemIndent = nil  // a paragraph at the margin ends the list
                }
                output.append(line)
            }
        }
        return output
    }

    static func indentation(of line: String) -> Int {
        line.prefix { $0 == " " || $0 == "\t" }.reduce(0) { $0 + ($1 == "\t" ? 4 : 1) }
    }

    static func outdented(_ line: String, by indent: Int) -> String {
        var dropped = 0
        var rest = Substring(line)
        while dropped < indent, let first = rest.first, first == " " || first == "\t" {
            dropped += first == "\t" ? 4 : 1
            rest = rest.dropFirst()
        }
        return String(rest)
    }
}

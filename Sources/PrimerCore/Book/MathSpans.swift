/// Where the formulas of a Markdown text are: `$$…$$` display blocks (one line or several) and
/// `$…$` inline formulas, outside code. Dollars that are money (`$5 and $6`, `$50-$100`) are not
/// formulas: an inline formula's dollars hug it (no space inside) and no digit follows the closing one.
public enum MathSpans {
    /// A formula: its TeX (without delimiters) and whether it is a display formula.
    public struct Formula: Sendable, Equatable {
        public let tex: String
        public let display: Bool
    }

    /// `text` (one line, outside code) with each inline formula replaced by `transform(tex)`.
    public static func replacingInline(_ text: some StringProtocol, _ transform: (String) -> String) -> String {
        guard text.contains("$") else { return String(text) }
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
            output += rest[..<open] + transform(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return output + rest
    }

    /// Every formula of `markdown` in order (code blocks and code spans skipped).
    public static func formulas(in markdown: String) -> [Formula] {
        var found: [Formula] = []
        var display: [String]?
        var mathFence: [String]?  // the lines of an open ```math fence
        for line in MarkdownLine.classify(markdown) {
            switch line.kind {
            case .fenceOpen:
                let info = line.trimmed.drop(while: { $0 == "`" || $0 == "~" }).lowercased()
                mathFence = info == "math" || info.hasPrefix("math ") ? [] : nil
                continue
            case .code:
                mathFence?.append(line.line)
                continue
            case .fenceClose:
                if let lines = mathFence { found.append(Formula(tex: lines.joined(separator: "\n").trimmingWhitespace(), display: true)) }
                mathFence = nil
                continue
            case .text, .heading:
                break
            }
            let trimmed = line.trimmed
            if var open = display {
                open.append(line.line)
                if trimmed.hasSuffix("$$") {
                    found.append(Formula(tex: displayTeX(open), display: true))
                    display = nil
                } else {
                    display = open
                }
                continue
            }
            if trimmed.hasPrefix("$$") {
                if trimmed.count > 2, trimmed.hasSuffix("$$") {
                    found.append(Formula(tex: displayTeX([line.line]), display: true))
                } else {
                    display = [line.line]
                }
                continue
            }
            _ = replacingInline(withoutCodeSpans(line.line)) { tex in
                found.append(Formula(tex: tex, display: false))
                return ""
            }
        }
        return found
    }

    /// The TeX inside the lines of a `$$ … $$` block.
    public static func displayTeX(_ lines: [String]) -> String {
        let tex = lines.joined(separator: "\n").trimmingWhitespace()
        return String(tex.dropFirst(2).dropLast(2)).trimmingWhitespace()
    }

    /// `text` with every formula (display and inline) in its readable form, delimiters kept, so
    /// an answer quoting the book never shows TeX commands.
    public static func readable(_ text: String) -> String {
        var output: [String] = []
        var inDisplay = false
        for line in MarkdownLine.classify(text) {
            guard line.kind == .text || isHeading(line.kind) else {
                output.append(line.line)
                continue
            }
            let trimmed = line.trimmed
            if inDisplay {
                if trimmed.hasSuffix("$$") {
                    inDisplay = false
                    output.append(readableTeX(trimmed.dropLast(2)) + "$$")
                } else {
                    output.append(readableTeX(line.line))
                }
            } else if trimmed.hasPrefix("$$"), !trimmed.dropFirst(2).contains("$$") {
                inDisplay = true
                output.append("$$ " + readableTeX(trimmed.dropFirst(2)))
            } else if line.line.contains("$$") {
                // One-line display formulas: the parts between `$$` pairs.
                let parts = line.line.components(separatedBy: "$$")
                output.append(parts.enumerated().map { index, part in
                    index % 2 == 1 ? " " + readableTeX(part) + " " : replacingInline(part) { "$" + readableTeX($0) + "$" }
                }.joined(separator: "$$"))
            } else {
                output.append(replacingInline(line.line) { "$" + readableTeX($0) + "$" })
            }
        }
        return output.joined(separator: "\n")
    }

    private static func readableTeX(_ tex: some StringProtocol) -> String {
        ReadableMath.readable(String(tex))
    }

    /// `line` with backtick code spans blanked, so `$` inside code is not a formula.
    static func withoutCodeSpans(_ line: String) -> String {
        guard line.contains("`") else { return line }
        var output = "", inCode = false
        for character in line {
            if character == "`" { inCode.toggle(); output.append(" "); continue }
            output.append(inCode ? " " : character)
        }
        return output
    }

    private static func isHeading(_ kind: MarkdownLine.Kind) -> Bool {
        if case .heading = kind { return true }
        return false
    }
}

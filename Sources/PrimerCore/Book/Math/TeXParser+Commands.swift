/// The commands and environments `TeXParser` handles.
extension TeXParser {
    /// The command at `index` with its arguments; an unknown one is recorded in `unknown` and stands for nothing.
    /// (Each construct has its own function: the recursion through here stays shallow in debug builds too.)
    mutating func parseCommand() throws -> MathNode {
        try enter()
        defer { depth -= 1 }
        guard let (found, end) = command(at: index) else { throw Malformed() }
        index = end
        var name = found
        if name == "operatorname", index < characters.count, characters[index] == "*" {
            index += 1
            name = "operatorname*"
        }
        guard !Self.structural.contains(name) else { throw Malformed() }
        if let symbol = TeXSymbols.symbols[name] { return symbolNode(symbol.text, symbol.role) }
        if let function = TeXSymbols.functions[name] {
            var node = MathNode.token("mi", function.text, kind: .function)
            node.limits = function.limits ? .display : .beside
            return node
        }
        if let width = TeXSymbols.spaces[name] { return .space(width) }
        if TeXSymbols.accents[name] != nil { return try accent(name) }
        if let alphabet = MathAlphabet(command: name) { return try styled(alphabet) }
        if let size = TeXSymbols.bigSizes.first(where: { name.hasPrefix($0.key) && ["", "l", "r", "m"].contains(name.dropFirst($0.key.count)) }) {
            return try bigDelimiter(size: size.value, side: name.dropFirst(size.key.count))
        }
        switch name {
        case "frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom": return try fraction(name)
        case "sqrt": return try root()
        case "text", "textrm", "textup", "textnormal", "mbox", "textbf", "textit", "textsf", "texttt": return try text(name)
        case "mathnormal": return try styled(nil)
        case "operatorname", "operatorname*": return try operatorName(limits: name.hasSuffix("*"))
        case "left": return try fenced()
        case "begin": return try environment(environmentName())
        case "not": return try negation()
        case "overset", "underset", "stackrel": return try stacked(name)
        case "overbrace", "underbrace": return try brace(over: name == "overbrace")
        default:
            unknown.append("\\" + name)
            return .element("mrow", [], kind: .space)
        }
    }

    /// `\hat{x}` and the other accents: the mark over (or under) the argument.
    mutating func accent(_ name: String) throws -> MathNode {
        guard let accent = TeXSymbols.accents[name] else { throw Malformed() }
        let base = try parseArgument(textStyle: false)
        let mark = MathNode.token("mo", accent.mark, [("stretchy", accent.stretchy ? "true" : "false")])
        return accent.under
            ? .element("munder", [base, mark], [("accentunder", "true")])
            : .element("mover", [base, mark], [("accent", "true")])
    }

    /// `\frac{a}{b}`, its display (`d`) and text (`t`) forms, and `\binom`.
    mutating func fraction(_ name: String) throws -> MathNode {
        let numerator = try parseArgument(textStyle: true), denominator = try parseArgument(textStyle: true)
        let binomial = name.hasSuffix("binom")
        var node = MathNode.element("mfrac", [numerator, denominator], binomial ? [("linethickness", "0")] : [])
        if binomial { node = Self.fenced("(", node, ")") }
        switch name.prefix(1) {
        case "d", "c": return .element("mstyle", [node], [("displaystyle", "true")], kind: .inner)
        case "t": return .element("mstyle", [node], [("displaystyle", "false")], kind: .inner)
        default:
            node.kind = .inner
            return node
        }
    }

    /// `\text{…}` and its font variants as an `<mtext>`.
    mutating func text(_ name: String) throws -> MathNode {
        let style = switch name {
        case "textbf": "font-weight:bold"
        case "textit": "font-style:italic"
        case "textsf": "font-family:sans-serif"
        case "texttt": "font-family:monospace"
        default: ""
        }
        return .token("mtext", try textArgument(), style.isEmpty ? [] : [("style", style)])
    }

    /// `\not=`, `\not\in`: the negated relation.
    mutating func negation() throws -> MathNode {
        let target = try parseArgument(textStyle: false)
        guard let text = target.text, target.tag == "mo" || target.tag == "mi" else { throw Malformed() }
        return .token("mo", TeXSymbols.negations[text] ?? text + "\u{338}", kind: .rel)
    }

    /// `\overset{a}{b}`, `\underset{a}{b}`, `\stackrel{a}{b}`.
    mutating func stacked(_ name: String) throws -> MathNode {
        let script = try parseArgument(textStyle: true), base = try parseArgument(textStyle: false)
        let kind: MathNode.Kind = name == "stackrel" || base.kind == .rel ? .rel : .ord
        return .element(name == "underset" ? "munder" : "mover", [base, script], kind: kind)
    }

    /// `\overbrace{…}` / `\underbrace{…}`, whose `^` / `_` then goes over / under the brace.
    mutating func brace(over: Bool) throws -> MathNode {
        let base = try parseArgument(textStyle: false)
        var node = MathNode.element(over ? "mover" : "munder", [base, .token("mo", over ? "⏞" : "⏟", [("stretchy", "true")])])
        node.limits = .always
        return node
    }

    /// The argument of `\mathbf` and the other font commands, its letters and digits in `alphabet`.
    mutating func styled(_ alphabet: MathAlphabet?) throws -> MathNode {
        let outer = self.alphabet
        self.alphabet = alphabet
        defer { self.alphabet = outer }
        var node = try parseArgument(textStyle: false)
        node.kind = .ord
        node.limits = .beside
        return node
    }

    /// `\operatorname{atan2}` as one upright `<mi>` (an `<mrow>` when it holds more than letters and digits).
    mutating func operatorName(limits: Bool) throws -> MathNode {
        let outer = alphabet
        alphabet = .upright
        defer { alphabet = outer }
        let parts = try parseArgument(textStyle: false).rowChildren
        var node: MathNode
        if !parts.isEmpty, parts.allSatisfy({ ($0.tag == "mi" || $0.tag == "mn") && $0.text != nil }) {
            let text = parts.compactMap(\.text).joined()
            node = .token("mi", text, text.count == 1 ? [("mathvariant", "normal")] : [])
        } else {
            node = .element("mrow", parts)
        }
        node.kind = .function
        node.limits = limits ? .display : .beside
        return node
    }

    /// `\sqrt{x}` or `\sqrt[n]{x}`.
    mutating func root() throws -> MathNode {
        skipSpaces()
        var degree: MathNode?
        if index < characters.count, characters[index] == "[" {
            index += 1
            let outerDisplay = display
            display = false
            let (atoms, boundary) = try parseList(bracket: true)
            display = outerDisplay
            guard boundary == .closeBracket else { throw Malformed() }
            degree = .row(atoms)
        }
        let radicand = try parseArgument(textStyle: false)
        guard let degree else { return .element("msqrt", radicand.rowChildren) }
        return .element("mroot", [radicand, degree])
    }

    /// `\left(` … `\middle|` … `\right)`: an `<mrow>` whose fences stretch to its content.
    mutating func fenced() throws -> MathNode {
        var parts: [MathNode] = []
        if let open = try delimiter() { parts.append(.token("mo", open, [("stretchy", "true")], kind: .open)) }
        while true {
            let (atoms, boundary) = try parseList()
            if !atoms.isEmpty { parts.append(.row(atoms)) }
            switch boundary {
            case .middle:
                if let middle = try delimiter() {
                    parts.append(.token("mo", middle, [("stretchy", "true"), ("lspace", "0.05em"), ("rspace", "0.05em")], kind: .rel))
                }
            case .right:
                if let close = try delimiter() { parts.append(.token("mo", close, [("stretchy", "true")], kind: .close)) }
                return .element("mrow", parts, kind: .inner)
            default:
                throw Malformed()
            }
        }
    }

    /// `\big(`, `\Bigl[`, `\biggr)`, `\Bigm|`: a delimiter of a fixed size.
    mutating func bigDelimiter(size: String, side: Substring) throws -> MathNode {
        guard let text = try delimiter() else { return .element("mrow", [], kind: .space) }
        var attributes = [("minsize", size), ("maxsize", size), ("stretchy", "true"), ("symmetric", "true")]
        let kind: MathNode.Kind
        switch side {
        case "l": kind = .open
        case "r": kind = .close
        case "m": kind = .rel
        default:
            let character = text.first ?? "."
            kind = "([{⟨⌊⌈⟮".contains(character) ? .open : ")]}⟩⌋⌉⟯".contains(character) ? .close : .ord
        }
        switch kind {
        case .open: attributes.append(("form", "prefix"))
        case .close: attributes.append(("form", "postfix"))
        case .rel: attributes.append(("form", "infix"))
        default: attributes += [("lspace", "0"), ("rspace", "0")]
        }
        return .token("mo", text, attributes, kind: kind)
    }

    /// The delimiter after `\left`, `\right`, `\middle` or `\big`; nil for `.` (no delimiter).
    mutating func delimiter() throws -> String? {
        skipSpaces()
        guard index < characters.count else { throw Malformed() }
        let character = characters[index]
        if character == "\\" {
            guard let (name, end) = command(at: index), let text = TeXSymbols.delimiters[name] else { throw Malformed() }
            index = end
            return text
        }
        index += 1
        switch character {
        case ".": return nil
        case "(", ")", "[", "]", "|", "/": return String(character)
        case "<": return "⟨"
        case ">": return "⟩"
        default: throw Malformed()
        }
    }

    /// `open` and `close` (either may be nil) around `content`, stretching to it.
    static func fenced(_ open: String?, _ content: MathNode, _ close: String?) -> MathNode {
        let fences = [open, close].map { $0.map { MathNode.token("mo", $0, [("stretchy", "true")]) } }
        return .element("mrow", [fences[0], content, fences[1]].compactMap { $0 }, kind: .inner)
    }

    // MARK: Text

    /// The argument of `\text`: its characters, with TeX's escapes and spaces.
    mutating func textArgument() throws -> String {
        skipSpaces()
        guard index < characters.count else { throw Malformed() }
        guard characters[index] == "{" else {
            let character = characters[index]
            guard !"\\}&$#^_".contains(character), !character.unicodeScalars.contains(where: Self.isForbidden) else { throw Malformed() }
            index += 1
            return String(character)
        }
        index += 1
        var out = "", level = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            switch character {
            case "{":
                level += 1
            case "}":
                if level == 0 { return Self.textSpacing(out) }
                level -= 1
            case "\\":
                out += try textCommand()
            case "~":
                out += "\u{A0}"
            case "$", "&", "#", "^", "_":
                throw Malformed()
            default:
                guard !character.unicodeScalars.contains(where: Self.isForbidden) else { throw Malformed() }
                out.append(character.isWhitespace && character != "\u{A0}" ? " " : character)
            }
        }
        throw Malformed()
    }

    /// The text of the command inside `\text{…}` whose backslash was just read.
    mutating func textCommand() throws -> String {
        guard let (name, end) = command(at: index - 1) else { throw Malformed() }
        index = end
        if Self.isASCIILetter(name.first ?? " ") { skipSpaces() }
        switch name {
        case "{", "}", "%", "&", "_", "#", "$": return name
        case " ": return " "
        case ",": return "\u{2009}"
        case "quad": return "\u{2003}"
        case "qquad": return "\u{2003}\u{2003}"
        case "textbackslash": return "\\"
        case "ldots", "dots", "textellipsis": return "…"
        case "textendash": return "–"
        case "textemdash": return "—"
        case "textdegree", "degree": return "°"
        default:
            unknown.append("\\" + name)
            return ""
        }
    }

    /// Runs of spaces as one; a leading or trailing space as a no-break space, which `<mtext>` keeps.
    static func textSpacing(_ text: String) -> String {
        var out = ""
        for character in text where !(character == " " && out.last == " ") { out.append(character) }
        if out.first == " " { out = "\u{A0}" + out.dropFirst() }
        if out.last == " " { out = String(out.dropLast()) + "\u{A0}" }
        return out
    }

    // MARK: Environments

    /// `\begin{name}` … `\end{name}` (the `\begin{name}` already read).
    mutating func environment(_ name: String) throws -> MathNode {
        switch name {
        case "matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix":
            var table = Self.table(try cells(of: name, display: false), columns: [], display: false)
            if name == "smallmatrix" { table.attributes.append(("scriptlevel", "1")) }
            let fences: [String: (String, String)] = ["pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"), "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖")]
            guard let (open, close) = fences[name] else { return table }
            return Self.fenced(open, table, close)
        case "aligned", "align", "align*", "split":
            let rows = try cells(of: name, display: true, aligned: true)
            let count = rows.map(\.count).max() ?? 0
            let columns = (0..<count).map {
                $0 % 2 == 0 ? Column(align: "right", style: "text-align:right;padding-right:0") : Column(align: "left", style: "text-align:left;padding-left:0")
            }
            let spacing = (1..<max(count, 1)).map { $0 % 2 == 1 ? "0em" : "2em" }.joined(separator: " ")
            return Self.table(rows, columns: columns, display: true, attributes: spacing.isEmpty ? [] : [("columnspacing", spacing)])
        case "gathered", "gather", "gather*":
            return Self.table(try cells(of: name, display: true), columns: [], display: true)
        case "cases", "dcases", "rcases":
            let display = name == "dcases"
            let left = Column(align: "left", style: "text-align:left")
            let table = Self.table(try cells(of: name, display: display), columns: [left, left], display: display)
            return name == "rcases" ? Self.fenced(nil, table, "}") : Self.fenced("{", table, nil)
        case "array":
            let columns = try columnSpecification()
            return Self.table(try cells(of: name, display: false), columns: columns, display: false)
        case "equation", "equation*":
            let (atoms, boundary) = try parseList()
            guard boundary == .endEnvironment(name) else { throw Malformed() }
            return .row(atoms)
        default:
            unknown.append("\\begin{\(name)}")
            return Self.table(try cells(of: name, display: display), columns: [], display: display)
        }
    }

    /// The rows of cells up to `\end{name}`; a last row left empty by a final `\\` is dropped.
    mutating func cells(of name: String, display: Bool, aligned: Bool = false) throws -> [[[MathNode]]] {
        let outerDisplay = self.display
        self.display = display
        defer { self.display = outerDisplay }
        var rows: [[[MathNode]]] = [[]]
        while true {
            let column = rows[rows.count - 1].count
            let (atoms, boundary) = try parseList(afterOrd: aligned && column % 2 == 1)
            rows[rows.count - 1].append(atoms)
            switch boundary {
            case .ampersand:
                continue
            case .newline:
                rows.append([])
            case .endEnvironment(let end) where end == name:
                if rows.count > 1, rows[rows.count - 1].count == 1, rows[rows.count - 1][0].isEmpty { rows.removeLast() }
                return rows
            default:
                throw Malformed()
            }
        }
    }

    /// The `{c|lr}` after `\begin{array}`: alignments, and rules as cell borders.
    mutating func columnSpecification() throws -> [Column] {
        skipSpaces()
        guard index < characters.count, characters[index] == "{" else { throw Malformed() }
        index += 1
        var aligns: [String] = [], rules: Set<Int> = []
        while index < characters.count {
            let character = characters[index]
            index += 1
            switch character {
            case "l": aligns.append("left")
            case "c": aligns.append("center")
            case "r": aligns.append("right")
            case "|": rules.insert(aligns.count)
            case "}":
                return aligns.enumerated().map { column, align in
                    var style: [String] = align == "center" ? [] : ["text-align:\(align)"]
                    if column == 0, rules.contains(0) { style.append("border-left:0.06em solid") }
                    if rules.contains(column + 1) { style.append("border-right:0.06em solid") }
                    return Column(align: align, style: style.isEmpty ? nil : style.joined(separator: ";"))
                }
            case _ where character.isWhitespace:
                continue
            default:
                throw Malformed()
            }
        }
        throw Malformed()
    }
}

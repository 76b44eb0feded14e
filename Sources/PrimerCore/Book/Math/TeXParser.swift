/// Parses the TeX of one formula into `MathNode`s, collecting the commands it does not know.
/// Lists, atoms, scripts and TeX's spacing live here; commands and environments in `TeXParser+Commands.swift`.
struct TeXParser {
    /// The formula is malformed: unbalanced braces, `\left` or environments, a double script, a misplaced `&`, too deep.
    struct Malformed: Error {}

    /// What ended a list of atoms.
    enum Boundary: Equatable { case end, closeBrace, closeBracket, ampersand, newline, right, middle, endEnvironment(String) }

    /// How a table column is aligned (`columnalign`) and styled (`style` on its cells, for Chromium).
    struct Column {
        var align = "center"
        var style: String?
    }

    /// Nesting deeper than this is refused, so that no input can exhaust the stack: 80 levels (lists,
    /// atoms and commands each count; `\frac{\frac{…}}` is four a level) stay under 400 KB even in a
    /// debug build, within the 512 KB of a Swift concurrency thread.
    static let maximumDepth = 80
    /// Commands that end or restyle a list and so cannot stand where an atom or argument is expected.
    static let structural: Set<String> = [
        "\\", "cr", "right", "middle", "end", "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle",
        "limits", "nolimits", "nonumber", "notag",
    ]
    /// The classes after which `+` or `-` is a sign rather than a binary operator.
    static let beforeUnary: Set<MathNode.Kind> = [.bin, .rel, .open, .punct, .op, .function]
    /// Binary operators that are also signs (MathML's operator dictionary has a prefix form for them).
    static let signs: Set<String> = ["+", "−", "±", "∓"]

    let characters: [Character]
    var index = 0
    var depth = 0
    /// Whether the atoms being parsed are in display style (large operators put limits under/over).
    var display: Bool
    /// The alphabet of the enclosing `\mathbf`-like command; nil for TeX's default math italic.
    var alphabet: MathAlphabet?
    /// The commands and environments met that the converter does not handle, in order.
    var unknown: [String] = []

    init(_ tex: String, display: Bool) {
        characters = Self.strippingComments(tex)
        self.display = display
    }

    /// The formula as the children of its top-level `<mrow>`; rows split by `\\` become a centred table.
    mutating func parse() throws -> [MathNode] {
        var rows: [[MathNode]] = []
        while true {
            let (atoms, boundary) = try parseList()
            rows.append(atoms)
            if boundary == .end { break }
            guard boundary == .newline else { throw Malformed() }
        }
        if rows.count > 1, rows[rows.count - 1].isEmpty { rows.removeLast() }
        guard rows.count > 1 else { return rows[0] }
        return [Self.table(rows.map { [$0] }, columns: [], display: display)]
    }

    // MARK: Lists and atoms

    /// Atoms up to a boundary (`}`, `&`, `\\`, `\right`, `\end{…}`, the end; `]` when `bracket`).
    /// `afterOrd`: the list continues an ordinary atom (an `aligned` column after `&`), so a leading `+` is binary.
    mutating func parseList(bracket: Bool = false, afterOrd: Bool = false) throws -> ([MathNode], Boundary) {
        try enter()
        defer { depth -= 1 }
        let outerDisplay = display
        defer { display = outerDisplay }
        var atoms: [MathNode] = []
        var switches: [(start: Int, attributes: [(String, String)])] = []
        func finish(_ boundary: Boundary) -> ([MathNode], Boundary) {
            var atoms = Self.spaced(atoms, afterOrd: afterOrd)
            for (start, attributes) in switches.reversed() {
                let tail = Array(atoms[start...])
                atoms.removeSubrange(start...)
                atoms.append(.element("mstyle", tail, attributes))
            }
            return (atoms, boundary)
        }
        while true {
            skipSpaces()
            guard index < characters.count else { return finish(.end) }
            switch characters[index] {
            case "}":
                index += 1
                return finish(.closeBrace)
            case "]" where bracket:
                index += 1
                return finish(.closeBracket)
            case "&":
                index += 1
                return finish(.ampersand)
            case "\\":
                guard let (name, end) = command(at: index) else { throw Malformed() }
                switch name {
                case "\\", "cr":
                    index = end
                    try skipRowSpacing()
                    return finish(.newline)
                case "right", "middle":
                    index = end
                    return finish(name == "right" ? .right : .middle)
                case "end":
                    index = end
                    return finish(.endEnvironment(try environmentName()))
                case "displaystyle", "textstyle", "scriptstyle", "scriptscriptstyle":
                    index = end
                    display = name == "displaystyle"
                    var attributes = [("displaystyle", display ? "true" : "false")]
                    if name.hasPrefix("script") { attributes.append(("scriptlevel", name == "scriptstyle" ? "1" : "2")) }
                    switches.append((atoms.count, attributes))
                    continue
                case "limits", "nolimits", "nonumber", "notag":
                    index = end
                    continue
                default:
                    break
                }
            default:
                break
            }
            atoms.append(try parseScripts(on: parseAtom()))
        }
    }

    /// One atom: a group, a command with its arguments, a number, a letter or a symbol.
    /// `single`: an argument without braces, which TeX limits to one character (`x^23` is `x²3`).
    mutating func parseAtom(single: Bool = false) throws -> MathNode {
        try enter()
        defer { depth -= 1 }
        skipSpaces()
        guard index < characters.count else { throw Malformed() }
        let character = characters[index]
        switch character {
        case "{":
            index += 1
            let (atoms, boundary) = try parseList()
            guard boundary == .closeBrace else { throw Malformed() }
            var group = MathNode.row(atoms)
            group.kind = .ord
            group.limits = .beside
            return group
        case "\\":
            return try parseCommand()
        case "^", "_":
            guard !single else { throw Malformed() }
            return .element("mrow", [])
        case "'":
            return .token("mo", primes())
        case "~":
            index += 1
            return .space("0.3333em")
        case "}", "&", "#", "$", "\"":
            throw Malformed()
        default:
            break
        }
        if Self.isDigit(character) || (character == "." && !single && index + 1 < characters.count && Self.isDigit(characters[index + 1])) {
            return number(single: single)
        }
        let start = index
        index += 1
        if character.isLetter {
            if alphabet != nil, !single {
                while index < characters.count, characters[index].isLetter { index += 1 }
            }
            return identifier(String(characters[start..<index]), upright: false)
        }
        return try symbol(character)
    }

    /// Digits with at most one decimal point, as one `<mn>` (one digit when `single`).
    mutating func number(single: Bool) -> MathNode {
        let start = index
        var point = false
        while index < characters.count {
            let character = characters[index]
            if Self.isDigit(character) {
                index += 1
            } else if character == ".", !point, index + 1 < characters.count, Self.isDigit(characters[index + 1]) {
                point = true
                index += 1
            } else {
                break
            }
            if single { break }
        }
        let text = String(characters[start..<index])
        return .token("mn", alphabet.map { $0.map(text) } ?? text)
    }

    /// An `<mi>` in the current alphabet; `upright` letters (capital Greek) keep TeX's upright shape.
    func identifier(_ text: String, upright: Bool) -> MathNode {
        let styled = alphabet.map { $0.map(text) } ?? text
        let normal = styled == text && text.count == 1 && (upright || alphabet == .upright)
        return .token("mi", styled, normal ? [("mathvariant", "normal")] : [])
    }

    /// A character that is neither a letter nor a digit: an operator, a fence, or an ordinary symbol.
    func symbol(_ character: Character) throws -> MathNode {
        switch character {
        case "+": return symbolNode("+", .bin)
        case "-": return symbolNode("−", .bin)
        case "*": return symbolNode("∗", .bin)
        case "=", "<", ">", ":": return symbolNode(String(character), .rel)
        case "(", "[": return symbolNode(String(character), .open)
        case ")", "]": return symbolNode(String(character), .close)
        case ",", ";": return symbolNode(String(character), .punct)
        case "|", "/": return symbolNode(String(character), .fence)
        case ".", "!", "?": return symbolNode(String(character), .tight)
        default: break
        }
        guard !character.unicodeScalars.contains(where: Self.isForbidden) else { throw Malformed() }
        if let role = TeXSymbols.characterRoles[character] { return symbolNode(String(character), role) }
        return .token(character.isNumber ? "mn" : "mi", String(character))
    }

    /// The MathML of a symbol of the given role.
    func symbolNode(_ text: String, _ role: TeXSymbols.Role) -> MathNode {
        switch role {
        case .letter: return identifier(text, upright: false)
        case .upright: return identifier(text, upright: true)
        case .ordinary: return .token("mi", text)
        case .plain: return .token("mo", text)
        case .bin: return .token("mo", text, kind: .bin)
        case .rel: return .token("mo", text, kind: .rel)
        case .open: return .token("mo", text, [("stretchy", "false")], kind: .open)
        case .close: return .token("mo", text, [("stretchy", "false")], kind: .close)
        case .punct: return .token("mo", text, kind: .punct)
        case .fence: return .token("mo", text, [("stretchy", "false"), ("lspace", "0"), ("rspace", "0")])
        case .tight: return .token("mo", text, [("lspace", "0"), ("rspace", "0")])
        case .largeOp, .integral:
            var node = MathNode.token("mo", text, kind: .op)
            node.limits = role == .largeOp ? .display : .beside
            return node
        }
    }

    // MARK: Scripts

    /// `base` with the `_`, `^`, primes and `\limits`/`\nolimits` that follow it.
    mutating func parseScripts(on base: MathNode) throws -> MathNode {
        var base = base
        var sub: MathNode?, sup: MathNode?
        var prime: MathNode?
        while index < characters.count {
            skipSpaces()
            guard index < characters.count else { break }
            let character = characters[index]
            if character == "'" {
                guard prime == nil, sup == nil else { throw Malformed() }
                prime = .token("mo", primes())
            } else if character == "_" || character == "^" {
                index += 1
                let script = try parseArgument(textStyle: true)
                if character == "_" {
                    guard sub == nil else { throw Malformed() }
                    sub = script
                } else {
                    guard sup == nil else { throw Malformed() }
                    sup = script
                }
            } else if let (name, end) = command(at: index), name == "limits" || name == "nolimits" {
                index = end
                if base.kind == .op || base.kind == .function { base.limits = name == "limits" ? .always : .beside }
            } else {
                break
            }
        }
        if let prime { sup = sup.map { .element("mrow", [prime] + $0.rowChildren) } ?? prime }
        guard sub != nil || sup != nil else { return base }
        let under = base.limits == .always || (base.limits == .display && display)
        if under, base.limits == .always, !display, base.tag == "mo" { base.attributes.append(("movablelimits", "false")) }
        let tag = switch (sub, sup) {
        case (.some, .some): under ? "munderover" : "msubsup"
        case (.some, nil): under ? "munder" : "msub"
        default: under ? "mover" : "msup"
        }
        return .element(tag, [base] + [sub, sup].compactMap { $0 }, kind: base.kind)
    }

    /// `'`, `''`… at `index` as one prime character.
    mutating func primes() -> String {
        var count = 0
        while index < characters.count, characters[index] == "'" {
            count += 1
            index += 1
        }
        return count <= 4 ? ["′", "″", "‴", "⁗"][count - 1] : String(repeating: "′", count: count)
    }

    /// A command's argument or a script: a `{…}` group or a single token; `textStyle` leaves display style.
    mutating func parseArgument(textStyle: Bool) throws -> MathNode {
        let outerDisplay = display
        if textStyle { display = false }
        defer { display = outerDisplay }
        return try parseAtom(single: true)
    }

    // MARK: Spacing

    /// TeX's spacing that MathML does not infer: a sign after an operator is prefix, not binary (another
    /// binary operator there loses its space, as in `(\cdot)`), and
    /// function names get a thin space from ordinary neighbours (`2\sin x`, `\sin\theta`).
    static func spaced(_ atoms: [MathNode], afterOrd: Bool) -> [MathNode] {
        var atoms = atoms
        var previous: MathNode.Kind? = afterOrd ? .ord : nil
        for i in atoms.indices where atoms[i].kind != .space {
            if atoms[i].kind == .bin, atoms[i].tag == "mo" {
                if let previous, !beforeUnary.contains(previous) {
                    if i == 0 { atoms[i].attributes.append(("form", "infix")) }
                } else {
                    atoms[i].kind = .ord
                    if !signs.contains(atoms[i].text ?? "") {
                        atoms[i].attributes += [("lspace", "0"), ("rspace", "0")]
                    } else if i > 0 {
                        atoms[i].attributes.append(("form", "prefix"))
                    }
                }
            }
            let kind = atoms[i].kind
            if let previous, (previous == .function && [.ord, .function, .inner].contains(kind))
                || (kind == .function && [.ord, .close, .function, .inner].contains(previous)) {
                atoms[i].thinSpaceBefore = true
            }
            previous = kind
        }
        return atoms
    }

    // MARK: Tables

    /// An `<mtable>` of rows of cells (each cell a list of atoms).
    static func table(_ rows: [[[MathNode]]], columns: [Column], display: Bool, attributes extra: [(String, String)] = []) -> MathNode {
        let count = rows.map(\.count).max() ?? 0
        let formats = (0..<count).map { $0 < columns.count ? columns[$0] : Column() }
        var attributes = [("displaystyle", display ? "true" : "false")]
        if formats.contains(where: { $0.align != "center" }) {
            attributes.append(("columnalign", formats.map(\.align).joined(separator: " ")))
        }
        let rows = rows.map { row in
            MathNode.element("mtr", row.enumerated().map { column, atoms in
                MathNode.element("mtd", atoms, formats[column].style.map { [("style", $0)] } ?? [])
            })
        }
        return .element("mtable", rows, attributes + extra)
    }

    // MARK: Characters

    /// The name of the command whose backslash is at `position`, and the index after it;
    /// nil when there is none (a backslash at the end).
    func command(at position: Int) -> (name: String, end: Int)? {
        guard position + 1 < characters.count, characters[position] == "\\" else { return nil }
        var end = position + 1
        guard Self.isASCIILetter(characters[end]) else {
            return (characters[end].isWhitespace ? " " : String(characters[end]), end + 1)
        }
        while end < characters.count, Self.isASCIILetter(characters[end]) { end += 1 }
        return (String(characters[(position + 1)..<end]), end)
    }

    /// `{name}` after `\begin` or `\end`.
    mutating func environmentName() throws -> String {
        skipSpaces()
        guard index < characters.count, characters[index] == "{" else { throw Malformed() }
        var name = ""
        index += 1
        while index < characters.count, Self.isASCIILetter(characters[index]) || characters[index] == "*" {
            name.append(characters[index])
            index += 1
        }
        guard index < characters.count, characters[index] == "}", !name.isEmpty else { throw Malformed() }
        index += 1
        return name
    }

    /// The `*` and `[2pt]` that may follow `\\`.
    mutating func skipRowSpacing() throws {
        if index < characters.count, characters[index] == "*" { index += 1 }
        guard index < characters.count, characters[index] == "[" else { return }
        guard let close = characters[index...].firstIndex(of: "]") else { throw Malformed() }
        index = close + 1
    }

    mutating func skipSpaces() {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
    }

    mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw Malformed() }
    }

    static func isDigit(_ character: Character) -> Bool { character.isASCII && character.isNumber }

    static func isASCIILetter(_ character: Character) -> Bool { character.isASCII && character.isLetter }

    /// Control characters and non-characters, which have no place in markup.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0..<0x20, 0x7F...0x9F, 0xFDD0...0xFDEF, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// The characters of `tex` without its `%` comments.
    static func strippingComments(_ tex: String) -> [Character] {
        let characters = Array(tex)
        var out: [Character] = []
        out.reserveCapacity(characters.count)
        var i = 0
        while i < characters.count {
            switch characters[i] {
            case "\\":
                out.append(contentsOf: characters[i..<min(i + 2, characters.count)])
                i += 2
            case "%":
                while i < characters.count, !characters[i].isNewline { i += 1 }
            default:
                out.append(characters[i])
                i += 1
            }
        }
        return out
    }
}

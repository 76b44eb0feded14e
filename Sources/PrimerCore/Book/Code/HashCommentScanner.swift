/// The tokenizer for languages with `#` line comments (Python, Bash, YAML): one loop sharing
/// line, comment and word handling, with a hook per dialect for what differs.
struct HashCommentScanner: Sendable {
    /// Which language's rules apply where the three differ.
    enum Dialect: Sendable {
        case python, bash, yaml
    }

    let dialect: Dialect
    let keywords: Set<String>
    let builtins: Set<String>
    let types: Set<String>

    static let python = HashCommentScanner(
        dialect: .python,
        keywords: [
            "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
            "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
            "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
            "with", "yield",
        ],
        builtins: [
            "True", "False", "None", "self", "cls", "print", "len", "range", "super", "isinstance",
            "enumerate", "zip", "open", "min", "max", "abs", "sum", "sorted", "reversed", "map",
            "filter", "any", "all", "round", "input", "hasattr", "getattr", "setattr", "type",
        ],
        types: ["int", "float", "bool", "str", "bytes", "list", "dict", "tuple", "set", "object", "complex"]
    )

    static let bash = HashCommentScanner(
        dialect: .bash,
        keywords: [
            "if", "then", "else", "elif", "fi", "for", "do", "done", "while", "until", "case",
            "esac", "function", "in", "select",
        ],
        builtins: [
            "echo", "cd", "export", "source", "sudo", "alias", "unset", "read", "exit", "return",
            "set", "pwd", "eval", "exec", "printf", "test", "local", "declare", "readonly", "trap",
            "shift", "pushd", "popd", "wait", "kill",
        ],
        types: []
    )

    static let yaml = HashCommentScanner(
        dialect: .yaml,
        keywords: [],
        builtins: [
            "true", "false", "null", "True", "False", "Null", "TRUE", "FALSE", "NULL", "~",
            "yes", "no", "Yes", "No", "on", "off",
        ],
        types: []
    )

    /// What the scan carries from one token to the next.
    private struct State {
        var atLineStart = true
        /// Python: the last identifier, for the name after `def`/`class`.
        var previousWord = ""
        /// Bash: one entry per open parenthesis, true when it opened a `$(` substitution.
        var substitutions: [Bool] = []
        /// YAML: the indentation of the line that opened a `|`/`>` block scalar.
        var blockIndent: Int?
        /// YAML: how deep inside `[…]`/`{…}` the scan is.
        var flowDepth = 0
    }

    func tokens(in text: [Unicode.Scalar]) -> [CodeToken] {
        var cursor = CodeCursor(text)
        var state = State()
        while let scalar = cursor.peek() {
            if scalar == "\n" {
                cursor.advance()
                state.atLineStart = true
                continue
            }
            if CodeCursor.isBlank(scalar) {
                cursor.advance()
                continue
            }
            if state.atLineStart {
                // The hook may consume nothing; the loop then reads the same scalar again.
                state.atLineStart = false
                scanLineStart(&cursor, &state)
                continue
            }
            if scalar == "#", dialect == .python || isAtWordStart(cursor) {
                let start = cursor.position
                cursor.skipToLineEnd()
                cursor.mark(.comment, from: start)
                continue
            }
            switch dialect {
            case .python: scanPython(&cursor, &state)
            case .bash: scanBash(&cursor, &state)
            case .yaml: scanYAML(&cursor, &state)
            }
        }
        return cursor.tokens
    }

    /// Whether a `#` here starts a comment in Bash or YAML (`a#b`, `$#` and `url#frag` do not).
    private func isAtWordStart(_ cursor: CodeCursor) -> Bool {
        guard let previous = cursor.previous else { return true }
        if CodeCursor.isBlank(previous) || previous == "\n" { return true }
        return dialect == .bash && ";&|()".unicodeScalars.contains(previous)
    }

    /// Line-start forms, at the first non-blank scalar of a line: Python decorators, a Bash
    /// shebang or `$ ` prompt, YAML block-scalar lines, document markers and `- ` items.
    private func scanLineStart(_ cursor: inout CodeCursor, _ state: inout State) {
        let start = cursor.position
        switch dialect {
        case .python:
            if cursor.peek() == "@", cursor.peek(1).map(CodeCursor.isIdentifierStart) == true {
                cursor.advance()
                cursor.skip { CodeCursor.isIdentifierPart($0) || $0 == "." }
                cursor.mark(.meta, from: start)
            }
        case .bash:
            if start == 0, cursor.starts(with: "#!") {
                cursor.skipToLineEnd()
                cursor.mark(.meta, from: start)
            } else if cursor.starts(with: "$ ") {
                cursor.mark(.prompt, length: 2)
            }
        case .yaml:
            let indent = start - cursor.lineStart
            if let blockIndent = state.blockIndent {
                if indent > blockIndent {
                    cursor.skipToLineEnd()
                    cursor.mark(.string, from: start)
                    return
                }
                state.blockIndent = nil
            }
            if indent == 0, cursor.starts(with: "---") || cursor.starts(with: "..."), isYAMLBreak(cursor.peek(3)) {
                cursor.mark(.meta, length: 3)
                return
            }
            while cursor.peek() == "-", isYAMLBreak(cursor.peek(1)) {
                cursor.mark(.punctuation, length: 1)
                cursor.skip(while: CodeCursor.isBlank)
            }
        }
    }

    /// Whether `scalar` ends a YAML indicator (`- `, `: `, `---`): a blank, a line end, the end.
    private func isYAMLBreak(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return true }
        return scalar == "\n" || CodeCursor.isBlank(scalar)
    }

    /// The class of a word by the word sets, or `function` when `(` follows.
    private func kind(of word: String, _ cursor: CodeCursor) -> CodeToken.Kind? {
        if keywords.contains(word) { return .keyword }
        if builtins.contains(word) { return .builtin }
        if types.contains(word) { return .type }
        if cursor.peek() == "(" { return .function }
        return nil
    }

    // MARK: Python

    private func scanPython(_ cursor: inout CodeCursor, _ state: inout State) {
        let start = cursor.position
        guard let scalar = cursor.peek() else { return }
        if scalar == "\"" || scalar == "'" {
            scanPythonString(&cursor, from: start)
            state.previousWord = ""
        } else if CodeCursor.isDigit(scalar) || (scalar == "." && cursor.peek(1).map(CodeCursor.isDigit) == true
                    && !(cursor.previous.map(CodeCursor.isIdentifierPart) ?? false)) {
            cursor.scanNumber()
            cursor.mark(.number, from: start)
        } else if CodeCursor.isIdentifierStart(scalar) {
            let word = cursor.scanIdentifier()
            let prefixes: Set<String> = ["r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"]
            if let quote = cursor.peek(), quote == "\"" || quote == "'", prefixes.contains(word.lowercased()) {
                scanPythonString(&cursor, from: start)
                state.previousWord = ""
                return
            }
            let kind: CodeToken.Kind?
            switch state.previousWord {
            case "def": kind = .function
            case "class": kind = .type
            default: kind = self.kind(of: word, cursor)
            }
            if let kind { cursor.mark(kind, from: start) }
            state.previousWord = word
        } else {
            cursor.advance()
            state.previousWord = ""
        }
    }

    /// A string whose quote is at the cursor and whose prefix (if any) starts at `start`:
    /// `'…'`/`"…"` end with the line, `'''…'''`/`"""…"""` span lines.
    private func scanPythonString(_ cursor: inout CodeCursor, from start: Int) {
        guard let quote = cursor.peek() else { return }
        let triple = String(repeating: String(quote), count: 3)
        if cursor.starts(with: triple) {
            cursor.advance(3)
            cursor.scanString(closing: triple, multiline: true)
        } else {
            cursor.advance()
            cursor.scanString(closing: String(quote))
        }
        cursor.mark(.string, from: start)
    }

    // MARK: Bash

    private func scanBash(_ cursor: inout CodeCursor, _ state: inout State) {
        let start = cursor.position
        guard let scalar = cursor.peek() else { return }
        switch scalar {
        case "$":
            scanBashVariable(&cursor, &state)
        case "(":
            state.substitutions.append(false)
            cursor.advance()
        case ")":
            let closesSubstitution = state.substitutions.popLast() ?? false
            cursor.advance()
            if closesSubstitution { cursor.mark(.variable, from: start) }
        case "'":
            cursor.advance()
            cursor.scanString(closing: "'", escapes: false, multiline: true)
            cursor.mark(.string, from: start)
        case "\"":
            scanBashDoubleQuoted(&cursor, &state)
        case "\\":
            cursor.advance(2)
        case _ where Self.isBashSpecial(scalar):
            cursor.advance()
        default:
            scanBashWord(&cursor)
        }
    }

    /// Scalars that end a Bash word.
    private static func isBashSpecial(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || CodeCursor.isBlank(scalar) || ";&|()<>\"'`$\\".unicodeScalars.contains(scalar)
    }

    /// A word: a keyword, builtin, `-option`, number, `name(` function, or `NAME=` assignment.
    private func scanBashWord(_ cursor: inout CodeCursor) {
        let start = cursor.position
        cursor.skip { !Self.isBashSpecial($0) }
        let word = cursor.string(start, cursor.position)
        let scalars = word.unicodeScalars
        let equals = scalars.firstIndex(of: "=").map { scalars.distance(from: scalars.startIndex, to: $0) }
        if word.hasPrefix("-"), scalars.count > 1 {
            cursor.mark(.attribute, from: start, to: start + (equals ?? scalars.count))
        } else if scalars.allSatisfy(CodeCursor.isDigit) {
            cursor.mark(.number, from: start)
        } else if let kind = kind(of: word, cursor) {
            cursor.mark(kind, from: start)
        } else if let equals, equals > 0, let first = scalars.first, CodeCursor.isIdentifierStart(first),
                  scalars.prefix(equals).allSatisfy(CodeCursor.isIdentifierPart) {
            cursor.mark(.variable, from: start, to: start + equals)
        }
    }

    /// `$NAME`, `${…}`, `$1`, `$?`, `$(` (its `)` is marked when reached) and `$'…'`.
    private func scanBashVariable(_ cursor: inout CodeCursor, _ state: inout State) {
        let start = cursor.position
        guard let next = cursor.peek(1) else {
            cursor.advance()
            return
        }
        if next == "{" {
            cursor.advance(2)
            var depth = 1
            while let scalar = cursor.peek(), scalar != "\n" {
                cursor.advance()
                if scalar == "{" { depth += 1 }
                if scalar == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
            }
            cursor.mark(.variable, from: start)
        } else if next == "(" {
            cursor.mark(.variable, length: 2)
            state.substitutions.append(true)
        } else if next == "'" {
            cursor.advance(2)
            cursor.scanString(closing: "'", multiline: true)
            cursor.mark(.string, from: start)
        } else if CodeCursor.isIdentifierStart(next) {
            cursor.advance()
            _ = cursor.scanIdentifier()
            cursor.mark(.variable, from: start)
        } else if CodeCursor.isDigit(next) || "#?@*$!-".unicodeScalars.contains(next) {
            cursor.mark(.variable, length: 2)
        } else {
            cursor.advance()
        }
    }

    /// `"…"` (spanning lines, `\` escapes) with `$NAME`/`${…}` inside marked as variables.
    private func scanBashDoubleQuoted(_ cursor: inout CodeCursor, _ state: inout State) {
        var start = cursor.position
        cursor.advance()
        while let scalar = cursor.peek() {
            if scalar == "\\" {
                cursor.advance(2)
            } else if scalar == "\"" {
                cursor.advance()
                break
            } else if scalar == "$", let next = cursor.peek(1),
                      next == "{" || CodeCursor.isIdentifierPart(next) || "#?@*$!".unicodeScalars.contains(next) {
                cursor.mark(.string, from: start)
                scanBashVariable(&cursor, &state)
                start = cursor.position
            } else {
                cursor.advance()
            }
        }
        cursor.mark(.string, from: start)
    }

    // MARK: YAML

    private func scanYAML(_ cursor: inout CodeCursor, _ state: inout State) {
        let start = cursor.position
        guard let scalar = cursor.peek() else { return }
        let atScalarStart = cursor.previousNonBlankOnLine.map { ":-[{,?".unicodeScalars.contains($0) } ?? true
        switch scalar {
        case "[", "{":
            state.flowDepth += 1
            cursor.advance()
        case "]", "}":
            state.flowDepth = max(0, state.flowDepth - 1)
            cursor.advance()
        case ",":
            cursor.advance()
        case "\"" where atScalarStart, "'" where atScalarStart:
            cursor.advance()
            cursor.scanString(closing: String(scalar), escapes: scalar == "\"")
            // In single quotes `''` is an escaped quote.
            while scalar == "'", cursor.previous == "'", cursor.peek() == "'" {
                cursor.advance()
                cursor.scanString(closing: "'", escapes: false)
            }
            let isKey = cursor.peek() == ":" && isYAMLBreak(cursor.peek(1))
            cursor.mark(isKey ? .attribute : .string, from: start)
        case "&" where atScalarStart, "*" where atScalarStart, "!" where atScalarStart:
            cursor.skip { !isYAMLBreak($0) && !",[]{}".unicodeScalars.contains($0) }
            cursor.mark(scalar == "!" ? .meta : .variable, from: start)
        case "|" where atScalarStart, ">" where atScalarStart:
            cursor.advance()
            cursor.skip { $0 == "-" || $0 == "+" || CodeCursor.isDigit($0) }
            if isYAMLBreak(cursor.peek()) {
                cursor.mark(.punctuation, from: start)
                let lineStart = cursor.lineStart
                var indent = 0
                while CodeCursor.isBlank(cursor.text[lineStart + indent]) { indent += 1 }
                state.blockIndent = indent
            }
        default:
            scanYAMLPlainScalar(&cursor, state)
        }
    }

    /// A plain scalar up to the line end, a ` #` comment, a `: ` (then it is a key) or, inside
    /// `[…]`/`{…}`, a flow indicator; a number or `true`/`null`-style literal is marked.
    private func scanYAMLPlainScalar(_ cursor: inout CodeCursor, _ state: State) {
        let start = cursor.position
        while let scalar = cursor.peek(), scalar != "\n" {
            if scalar == ":", isYAMLBreak(cursor.peek(1))
                || (state.flowDepth > 0 && cursor.peek(1).map { ",]}".unicodeScalars.contains($0) } == true) {
                break
            }
            if CodeCursor.isBlank(scalar), cursor.peek(1) == "#" { break }
            if state.flowDepth > 0, ",[]{}".unicodeScalars.contains(scalar) { break }
            cursor.advance()
        }
        if cursor.position == start {
            cursor.advance()
            return
        }
        var end = cursor.position
        while end > start, CodeCursor.isBlank(cursor.text[end - 1]) { end -= 1 }
        let word = cursor.string(start, end)
        if cursor.peek() == ":" {
            cursor.mark(.attribute, from: start, to: end)
        } else if builtins.contains(word) {
            cursor.mark(.builtin, from: start, to: end)
        } else if Self.isYAMLNumber(word) {
            cursor.mark(.number, from: start, to: end)
        }
    }

    /// `12`, `-3.5`, `1e-3`, `1_000`, `0x1F`, `0o17`, `.inf`, `.NaN`.
    static func isYAMLNumber(_ word: String) -> Bool {
        var scalars = Array(word.unicodeScalars)
        if let sign = scalars.first, sign == "+" || sign == "-" { scalars.removeFirst() }
        if [".inf", ".nan"].contains(String(String.UnicodeScalarView(scalars)).lowercased()) { return true }
        if scalars.count > 2, scalars[0] == "0", "xXoObB".unicodeScalars.contains(scalars[1]) {
            return scalars.dropFirst(2).allSatisfy { CodeCursor.isHexDigit($0) || $0 == "_" }
        }
        var index = 0
        var digits = 0
        func skipDigits() {
            while index < scalars.count, CodeCursor.isDigit(scalars[index]) || scalars[index] == "_" {
                if scalars[index] != "_" { digits += 1 }
                index += 1
            }
        }
        skipDigits()
        if index < scalars.count, scalars[index] == "." {
            index += 1
            skipDigits()
        }
        guard digits > 0 else { return false }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            index += 1
            if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            let before = digits
            skipDigits()
            if digits == before { return false }
        }
        return index == scalars.count
    }
}

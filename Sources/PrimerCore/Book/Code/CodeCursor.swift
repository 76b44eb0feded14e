/// A read position in a code block's Unicode scalars and the tokens found so far: the
/// primitives the language scanners share. Every `scan…` method stops at the end of the text,
/// so unterminated strings and comments simply run to the end (of the line, or of the text).
struct CodeCursor {
    let text: [Unicode.Scalar]
    var position = 0
    private(set) var tokens: [CodeToken] = []

    init(_ text: [Unicode.Scalar]) {
        self.text = text
    }

    var isAtEnd: Bool { position >= text.count }

    /// The scalar `offset` places from the current one, or nil outside the text.
    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let index = position + offset
        return index >= 0 && index < text.count ? text[index] : nil
    }

    /// The scalar just before the current one.
    var previous: Unicode.Scalar? { peek(-1) }

    mutating func advance(_ count: Int = 1) {
        position = min(position + count, text.count)
    }

    /// Whether the text continues with `literal` at the current position.
    func starts(with literal: String) -> Bool {
        var index = position
        for scalar in literal.unicodeScalars {
            guard index < text.count, text[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    /// The text of `start..<end`.
    func string(_ start: Int, _ end: Int) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: text[start..<end])
        return result
    }

    /// Records `kind` for `start..<end` (`end` defaults to the current position; nothing if
    /// empty), merging with the previous token when it has the same kind and ends at `start`.
    /// Tokens must be marked in order.
    mutating func mark(_ kind: CodeToken.Kind, from start: Int, to end: Int? = nil) {
        let end = end ?? position
        let start = max(start, tokens.last?.end ?? 0)
        guard start < end else { return }
        if let last = tokens.last, last.kind == kind, last.end == start {
            tokens[tokens.count - 1].end = end
        } else {
            tokens.append(CodeToken(kind: kind, start: start, end: end))
        }
    }

    /// Advances over `count` scalars and marks them as `kind`.
    mutating func mark(_ kind: CodeToken.Kind, length count: Int) {
        let start = position
        advance(count)
        mark(kind, from: start)
    }

    // MARK: Lines

    /// The index where the current line starts.
    var lineStart: Int {
        var index = min(position, text.count)
        while index > 0, text[index - 1] != "\n" { index -= 1 }
        return index
    }

    /// Whether only spaces and tabs precede the current position on its line.
    var isAtLineStart: Bool {
        var index = position - 1
        while index >= 0, text[index] != "\n" {
            if !Self.isBlank(text[index]) { return false }
            index -= 1
        }
        return true
    }

    /// The last scalar before the current position on the same line that is not a space or tab.
    var previousNonBlankOnLine: Unicode.Scalar? {
        var index = position - 1
        while index >= 0, text[index] != "\n" {
            if !Self.isBlank(text[index]) { return text[index] }
            index -= 1
        }
        return nil
    }

    /// The first scalar from the current one on that is not white space (newlines included).
    func nextNonSpace() -> Unicode.Scalar? {
        var index = position
        while index < text.count, Self.isBlank(text[index]) || text[index] == "\n" { index += 1 }
        return index < text.count ? text[index] : nil
    }

    /// Moves to the end of the line (before its newline).
    mutating func skipToLineEnd() {
        while let scalar = peek(), scalar != "\n" { advance() }
    }

    mutating func skip(while predicate: (Unicode.Scalar) -> Bool) {
        while let scalar = peek(), predicate(scalar) { advance() }
    }

    // MARK: Common tokens

    /// Skips an identifier (letters, digits, `_`) and returns it.
    mutating func scanIdentifier() -> String {
        let start = position
        skip(while: Self.isIdentifierPart)
        return string(start, position)
    }

    /// Skips a number starting here (a digit, or `.` and a digit): `0x1F`, `0b1010`, `1_000`,
    /// `3.14`, `1e-3`, plus any suffix made of identifier characters (`1.0f`, `10u`, `2j`).
    /// `separator` is an extra digit separator allowed between digits (`'` in C++).
    mutating func scanNumber(separator: Unicode.Scalar? = nil) {
        func skipDigits(_ isDigit: (Unicode.Scalar) -> Bool) {
            while let scalar = peek() {
                if isDigit(scalar) || scalar == "_" {
                    advance()
                } else if scalar == separator, let previous, Self.isHexDigit(previous),
                          let next = peek(1), Self.isHexDigit(next) {
                    advance()
                } else {
                    return
                }
            }
        }
        if peek() == "0", let radix = peek(1), "xXbBoO".unicodeScalars.contains(radix) {
            advance(2)
            skipDigits(Self.isHexDigit)
        } else {
            skipDigits(Self.isDigit)
            if peek() == ".", let next = peek(1), Self.isDigit(next) {
                advance()
                skipDigits(Self.isDigit)
            }
            if let e = peek(), e == "e" || e == "E" {
                if let next = peek(1), Self.isDigit(next) {
                    advance()
                    skipDigits(Self.isDigit)
                } else if let sign = peek(1), sign == "+" || sign == "-", let next = peek(2), Self.isDigit(next) {
                    advance(2)
                    skipDigits(Self.isDigit)
                }
            }
        }
        skip(while: Self.isIdentifierPart)
    }

    /// Skips the body of a quoted string whose opening delimiter is already consumed, up to and
    /// including `closing`. A backslash (when `escapes`) skips the next scalar, so `\"` does not
    /// close and a backslash-newline continues the line. Without `multiline` the string ends
    /// (unterminated) before the line break. With `interpolation`, `\( … )` is skipped as a
    /// unit, quotes inside it included (Swift).
    mutating func scanString(closing: String, escapes: Bool = true, multiline: Bool = false, interpolation: Bool = false) {
        while let scalar = peek() {
            if scalar == "\n", !multiline { return }
            if escapes, scalar == "\\" {
                if interpolation, peek(1) == "(" {
                    advance(2)
                    skipInterpolation()
                } else {
                    advance(2)
                }
                continue
            }
            if starts(with: closing) {
                advance(closing.unicodeScalars.count)
                return
            }
            advance()
        }
    }

    /// Skips the inside of `\( … )` up to its closing parenthesis, stepping over nested
    /// parentheses and one-line strings; stops at the end of the line.
    private mutating func skipInterpolation() {
        var depth = 1
        while let scalar = peek(), scalar != "\n" {
            advance()
            switch scalar {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return }
            case "\"": scanString(closing: "\"")
            default: break
            }
        }
    }

    /// Skips a block comment starting here with `open`, up to and including `close`, counting
    /// nested pairs when `nested` (Swift).
    mutating func scanBlockComment(open: String, close: String, nested: Bool = false) {
        advance(open.unicodeScalars.count)
        var depth = 1
        while !isAtEnd {
            if starts(with: close) {
                advance(close.unicodeScalars.count)
                depth -= 1
                if depth == 0 { return }
            } else if nested, starts(with: open) {
                advance(open.unicodeScalars.count)
                depth += 1
            } else {
                advance()
            }
        }
    }

    // MARK: Character classes

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }

    static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || (scalar >= "a" && scalar <= "f") || (scalar >= "A" && scalar <= "F")
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
        }
        return scalar.properties.isAlphabetic
    }

    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || isDigit(scalar)
    }

    /// Whether `word` reads as a type name: an upper-case first letter and some lower-case
    /// letter (`Node`, `String`; not `MAX_SPEED` or `X`).
    static func isCapitalised(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, first.properties.isUppercase else { return false }
        return word.unicodeScalars.contains { $0.properties.isLowercase }
    }
}

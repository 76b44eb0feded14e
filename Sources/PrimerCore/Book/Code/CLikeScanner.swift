/// The tokenizer for languages with C-style comments and double-quoted strings (C++, Swift,
/// JSON): one loop, configured with word sets and the few rules where they differ.
struct CLikeScanner: Sendable {
    let keywords: Set<String>
    let builtins: Set<String>
    let types: Set<String>
    /// `#include …` and other `#` lines are preprocessor lines (C++).
    var preprocessor = false
    /// `'x'` is a character literal (C++).
    var characterLiterals = false
    /// `"""` strings span lines, `#"…"#` raw strings, `\(…)` interpolation, `#if` directives (Swift).
    var swiftStrings = false
    /// `R"(…)"` raw strings and `L"…"`/`u8"…"` prefixes (C++).
    var cppStringPrefixes = false
    /// `@name` is an attribute (Swift).
    var attributes = false
    /// Capitalised identifiers are types.
    var capitalisedTypes = false
    /// A string followed by `:` is an object key; a leading `-` belongs to a number (JSON).
    var objectKeys = false
    /// Block comments nest (Swift).
    var nestedComments = false
    /// The digit separator besides `_` (C++ `1'000`).
    var digitSeparator: Unicode.Scalar?

    static let cpp = CLikeScanner(
        keywords: [
            "alignas", "alignof", "auto", "break", "case", "catch", "class", "co_await", "co_return",
            "co_yield", "concept", "const", "const_cast", "consteval", "constexpr", "constinit",
            "continue", "decltype", "default", "delete", "do", "dynamic_cast", "else", "enum",
            "explicit", "export", "extern", "final", "for", "friend", "goto", "if", "inline",
            "mutable", "namespace", "new", "noexcept", "operator", "override", "private",
            "protected", "public", "register", "reinterpret_cast", "requires", "return", "sizeof",
            "static", "static_assert", "static_cast", "struct", "switch", "template",
            "thread_local", "throw", "try", "typedef", "typeid", "typename", "union", "using",
            "virtual", "volatile", "while",
        ],
        builtins: ["true", "false", "nullptr", "this", "NULL"],
        types: [
            "bool", "char", "char8_t", "char16_t", "char32_t", "double", "float", "int", "long",
            "short", "signed", "unsigned", "void", "wchar_t", "size_t", "ssize_t", "ptrdiff_t",
            "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t",
            "uint64_t", "string", "vector", "shared_ptr", "unique_ptr",
        ],
        preprocessor: true, characterLiterals: true, cppStringPrefixes: true,
        capitalisedTypes: true, digitSeparator: "'"
    )

    static let swift = CLikeScanner(
        keywords: [
            "actor", "any", "as", "associatedtype", "async", "await", "borrowing", "break", "case",
            "catch", "class", "consuming", "continue", "convenience", "default", "defer", "deinit",
            "do", "dynamic", "else", "enum", "extension", "fallthrough", "false", "fileprivate",
            "final", "for", "func", "guard", "if", "import", "in", "indirect", "init", "inout",
            "internal", "is", "lazy", "let", "mutating", "nil", "nonisolated", "nonmutating",
            "open", "operator", "override", "package", "precedencegroup", "private", "protocol",
            "public", "repeat", "required", "rethrows", "return", "self", "Self", "some", "static",
            "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
            "typealias", "unowned", "var", "weak", "where", "while",
        ],
        builtins: [],
        types: [],
        swiftStrings: true, attributes: true, capitalisedTypes: true, nestedComments: true
    )

    static let json = CLikeScanner(
        keywords: [],
        builtins: ["true", "false", "null"],
        types: [],
        objectKeys: true
    )

    func tokens(in text: [Unicode.Scalar]) -> [CodeToken] {
        var cursor = CodeCursor(text)
        while let scalar = cursor.peek() {
            let start = cursor.position
            switch scalar {
            case "/" where cursor.peek(1) == "/":
                cursor.skipToLineEnd()
                cursor.mark(.comment, from: start)
            case "/" where cursor.peek(1) == "*":
                cursor.scanBlockComment(open: "/*", close: "*/", nested: nestedComments)
                cursor.mark(.comment, from: start)
            case "#" where preprocessor && cursor.isAtLineStart:
                scanPreprocessorLine(&cursor)
            case "#" where swiftStrings:
                scanSwiftHash(&cursor)
            case "@" where attributes && cursor.peek(1).map(CodeCursor.isIdentifierStart) == true:
                cursor.advance()
                _ = cursor.scanIdentifier()
                cursor.mark(.meta, from: start)
            case "\"":
                scanString(&cursor)
            case "'" where characterLiterals:
                cursor.advance()
                cursor.scanString(closing: "'")
                cursor.mark(.string, from: start)
            case "-" where objectKeys && cursor.peek(1).map(CodeCursor.isDigit) == true:
                cursor.advance()
                cursor.scanNumber()
                cursor.mark(.number, from: start)
            case _ where CodeCursor.isDigit(scalar) || startsFraction(cursor):
                cursor.scanNumber(separator: digitSeparator)
                cursor.mark(.number, from: start)
            case _ where CodeCursor.isIdentifierStart(scalar):
                scanWord(&cursor)
            default:
                cursor.advance()
            }
        }
        return cursor.tokens
    }

    /// `.5` (but not the `.0` of `tuple.0`, which is scanned as a number on its own).
    private func startsFraction(_ cursor: CodeCursor) -> Bool {
        guard cursor.peek() == ".", let next = cursor.peek(1), CodeCursor.isDigit(next) else { return false }
        guard let previous = cursor.previous else { return true }
        return !CodeCursor.isIdentifierPart(previous) && previous != ")" && previous != "]" && previous != "."
    }

    private func scanString(_ cursor: inout CodeCursor) {
        let start = cursor.position
        if swiftStrings, cursor.starts(with: "\"\"\"") {
            cursor.advance(3)
            cursor.scanString(closing: "\"\"\"", multiline: true, interpolation: true)
        } else {
            cursor.advance()
            cursor.scanString(closing: "\"", interpolation: swiftStrings)
        }
        let isKey = objectKeys && cursor.nextNonSpace() == ":"
        cursor.mark(isKey ? .attribute : .string, from: start)
    }

    /// A `#` line: all meta (the `<header>` of an `#include` too) up to a comment, continuing
    /// onto the next line after a trailing backslash.
    private func scanPreprocessorLine(_ cursor: inout CodeCursor) {
        var start = cursor.position
        while let scalar = cursor.peek() {
            if scalar == "\n" {
                guard cursor.previous == "\\" else { break }
                cursor.mark(.meta, from: start)
                cursor.advance()
                start = cursor.position
            } else if cursor.starts(with: "//") || cursor.starts(with: "/*") {
                break
            } else {
                cursor.advance()
            }
        }
        cursor.mark(.meta, from: start)
    }

    /// Swift's `#"raw"#` strings and `#if`/`#available` directives.
    private func scanSwiftHash(_ cursor: inout CodeCursor) {
        let start = cursor.position
        var hashes = 0
        while cursor.peek(hashes) == "#" { hashes += 1 }
        if cursor.peek(hashes) == "\"" {
            let terminator = String(repeating: "#", count: hashes)
            let multiline = cursor.peek(hashes + 1) == "\"" && cursor.peek(hashes + 2) == "\""
            cursor.advance(hashes + (multiline ? 3 : 1))
            cursor.scanString(closing: (multiline ? "\"\"\"" : "\"") + terminator, escapes: false, multiline: multiline)
            cursor.mark(.string, from: start)
        } else if hashes == 1, cursor.peek(1).map(CodeCursor.isIdentifierStart) == true {
            cursor.advance()
            _ = cursor.scanIdentifier()
            cursor.mark(.meta, from: start)
        } else {
            cursor.advance(hashes)
        }
    }

    private func scanWord(_ cursor: inout CodeCursor) {
        let start = cursor.position
        let word = cursor.scanIdentifier()
        if cppStringPrefixes, cursor.peek() == "\"", ["L", "u", "U", "u8", "R", "LR", "uR", "UR", "u8R"].contains(word) {
            cursor.advance()
            if word.hasSuffix("R") {
                // R"delim( … )delim" spans lines and has no escapes.
                let delimiterStart = cursor.position
                cursor.skip { $0 != "(" && $0 != "\n" && $0 != "\"" }
                if cursor.peek() == "(" {
                    let delimiter = cursor.string(delimiterStart, cursor.position)
                    cursor.scanString(closing: ")" + delimiter + "\"", escapes: false, multiline: true)
                } else {
                    cursor.position = delimiterStart
                    cursor.scanString(closing: "\"")
                }
            } else {
                cursor.scanString(closing: "\"")
            }
            cursor.mark(.string, from: start)
            return
        }
        let kind: CodeToken.Kind?
        if keywords.contains(word) {
            kind = .keyword
        } else if builtins.contains(word) {
            kind = .builtin
        } else if types.contains(word) || (capitalisedTypes && CodeCursor.isCapitalised(word)) {
            kind = .type
        } else if cursor.peek() == "(" {
            kind = .function
        } else {
            kind = nil
        }
        if let kind { cursor.mark(kind, from: start) }
    }
}

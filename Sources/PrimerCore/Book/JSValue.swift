/// A JavaScript literal as MDX props write them (`{[{ id: 'gpu', vram: 8, notes: 'Basic' }]}`):
/// strings (single, double or back quotes), numbers, booleans, null, arrays and objects, with
/// comments and trailing commas allowed. Anything else (a function call, a variable, JSX) is
/// not a literal, and ``parse(_:from:)`` gives nil.
public indirect enum JSValue: Sendable, Equatable {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([JSValue])
    /// Keys in source order.
    case object([(key: String, value: JSValue)])

    public static func == (lhs: JSValue, rhs: JSValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)), let (.number(a), .number(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The text of a string, or of a number.
    public var text: String? {
        switch self {
        case let .string(value), let .number(value): value
        default: nil
        }
    }

    /// The literal starting at `index` of `characters` (leading spaces and comments skipped),
    /// and the index just after it; nil when none starts there.
    public static func parse(_ characters: [Character], from index: Int) -> (value: JSValue, end: Int)? {
        var parser = Parser(characters: characters, index: index)
        guard let value = parser.value() else { return nil }
        return (value, parser.index)
    }

    /// The literal that is the whole of `text` (spaces around it allowed), or nil.
    public static func parse(_ text: String) -> JSValue? {
        let characters = Array(text)
        guard let (value, end) = parse(characters, from: 0) else { return nil }
        var parser = Parser(characters: characters, index: end)
        parser.skipSpace()
        return parser.index == characters.count ? value : nil
    }

    struct Parser {
        let characters: [Character]
        var index: Int

        var current: Character? { index < characters.count ? characters[index] : nil }

        func peek(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }

        mutating func skipSpace() {
            while let character = current {
                if character.isWhitespace {
                    index += 1
                } else if character == "/", peek(1) == "/" {
                    while let next = current, next != "\n" { index += 1 }
                } else if character == "/", peek(1) == "*" {
                    index += 2
                    while index < characters.count, !(current == "*" && peek(1) == "/") { index += 1 }
                    index = min(index + 2, characters.count)
                } else {
                    return
                }
            }
        }

        mutating func value() -> JSValue? {
            skipSpace()
            guard let character = current else { return nil }
            switch character {
            case "{": return object()
            case "[": return array()
            case "'", "\"", "`": return string().map(JSValue.string)
            case "-", "+", ".", "0"..."9": return number()
            default:
                let word = identifier()
                switch word {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null", "undefined": return .null
                default: return nil
                }
            }
        }

        mutating func identifier() -> String {
            var word = ""
            while let character = current, character.isLetter || character.isNumber || character == "_" || character == "$" {
                word.append(character)
                index += 1
            }
            return word
        }

        mutating func number() -> JSValue? {
            var text = ""
            while let character = current, character.isNumber || "+-.eExXabcdefABCDEF_".contains(character) {
                text.append(character)
                index += 1
            }
            return text.contains(where: \.isNumber) ? .number(text) : nil
        }

        /// A quoted string; a template's `${…}` is kept as written.
        mutating func string() -> String? {
            guard let quote = current else { return nil }
            index += 1
            var text = ""
            while let character = current {
                index += 1
                if character == quote { return text }
                if character == "\\" {
                    guard let escaped = current else { return nil }
                    index += 1
                    switch escaped {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    case "r": break
                    case "\n": break  // a line continuation
                    default: text.append(escaped)
                    }
                } else if character == "\n", quote != "`" {
                    return nil  // quotes other than back quotes end on their line
                } else {
                    text.append(character)
                }
            }
            return nil
        }

        mutating func array() -> JSValue? {
            index += 1
            var items: [JSValue] = []
            while true {
                skipSpace()
                if current == "]" { index += 1; return .array(items) }
                guard let item = value() else { return nil }
                items.append(item)
                skipSpace()
                if current == "," { index += 1 } else if current != "]" { return nil }
            }
        }

        mutating func object() -> JSValue? {
            index += 1
            var entries: [(key: String, value: JSValue)] = []
            while true {
                skipSpace()
                if current == "}" { index += 1; return .object(entries) }
                let key: String
                if current == "'" || current == "\"" {
                    guard let quoted = string() else { return nil }
                    key = quoted
                } else {
                    key = identifier()
                }
                guard !key.isEmpty else { return nil }
                skipSpace()
                guard current == ":" else { return nil }  // shorthand and spread name variables, not data
                index += 1
                guard let item = value() else { return nil }
                entries.append((key, item))
                skipSpace()
                if current == "," { index += 1 } else if current != "}" { return nil }
            }
        }
    }
}

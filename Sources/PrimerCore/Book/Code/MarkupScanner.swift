/// The tokenizer for XML (URDF, SDF, launch files, HTML): tags with their attributes,
/// `<!-- -->` comments, `<?xml ?>`, `<!DOCTYPE>`, CDATA and entities; text content stays plain.
struct MarkupScanner: Sendable {
    static let xml = MarkupScanner()

    func tokens(in text: [Unicode.Scalar]) -> [CodeToken] {
        var cursor = CodeCursor(text)
        var inTag = false
        while let scalar = cursor.peek() {
            let start = cursor.position
            if inTag {
                switch scalar {
                case ">":
                    cursor.mark(.tag, length: 1)
                    inTag = false
                case "/" where cursor.peek(1) == ">", "?" where cursor.peek(1) == ">":
                    cursor.mark(.tag, length: 2)
                    inTag = false
                case "\"", "'":
                    cursor.advance()
                    cursor.scanString(closing: String(scalar), escapes: false, multiline: true)
                    cursor.mark(.string, from: start)
                case "<":
                    // A tag left open: read this `<` again as text.
                    inTag = false
                case _ where Self.isNameStart(scalar):
                    cursor.skip(while: Self.isNamePart)
                    cursor.mark(.attribute, from: start)
                default:
                    cursor.advance()
                }
                continue
            }
            switch scalar {
            case "<" where cursor.starts(with: "<!--"):
                cursor.scanBlockComment(open: "<!--", close: "-->")
                cursor.mark(.comment, from: start)
            case "<" where cursor.starts(with: "<![CDATA["):
                cursor.scanBlockComment(open: "<![CDATA[", close: "]]>")
                cursor.mark(.string, from: start)
            case "<" where cursor.peek(1) == "!":
                cursor.advance()
                cursor.scanString(closing: ">", escapes: false, multiline: true)
                cursor.mark(.meta, from: start)
            case "<" where cursor.peek(1) == "?" || cursor.peek(1) == "/":
                cursor.advance(2)
                cursor.skip(while: Self.isNamePart)
                cursor.mark(.tag, from: start)
                inTag = true
            case "<" where cursor.peek(1).map(Self.isNameStart) == true:
                cursor.advance()
                cursor.skip(while: Self.isNamePart)
                cursor.mark(.tag, from: start)
                inTag = true
            case "&":
                scanEntity(&cursor)
            default:
                cursor.advance()
            }
        }
        return cursor.tokens
    }

    /// `&amp;`, `&#60;`, `&#x3C;`; a lone `&` stays plain.
    private func scanEntity(_ cursor: inout CodeCursor) {
        let start = cursor.position
        cursor.advance()
        if cursor.peek() == "#" { cursor.advance() }
        let name = cursor.position
        cursor.skip(while: CodeCursor.isIdentifierPart)
        if cursor.peek() == ";", cursor.position > name {
            cursor.advance()
            cursor.mark(.meta, from: start)
        } else {
            cursor.position = start + 1
        }
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        CodeCursor.isIdentifierStart(scalar) || scalar == ":"
    }

    private static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
        CodeCursor.isIdentifierPart(scalar) || scalar == ":" || scalar == "-" || scalar == "."
    }
}

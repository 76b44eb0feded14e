import PrimerCore
/// A fragment of HTML. Interpolating a `String` escapes it; only other `HTML` values (built
/// the same way, or explicitly trusted with ``HTML/trusted(_:)``) go in unescaped. Pages are
/// written as interpolated literals, so forgetting to escape a reader's or the book's text is
/// not possible by accident.
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var raw: String

    init(stringLiteral value: String) {
        raw = value
    }

    init(stringInterpolation: Interpolation) {
        raw = stringInterpolation.raw
    }

    /// Markup that is already safe: rendered by Primer from sanitised Markdown.
    static func trusted(_ markup: String) -> HTML {
        var html = HTML(stringLiteral: "")
        html.raw = markup
        return html
    }

    var description: String { raw }

    /// `text` with `& < > " '` replaced by entities (safe in element content and quoted attributes).
    static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }

    /// Builds the literal: strings are escaped, `HTML` is inserted as is.
    struct Interpolation: StringInterpolationProtocol {
        fileprivate var raw = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            raw.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) { raw += literal }
        mutating func appendInterpolation(_ text: String) { raw += HTML.escape(text) }
        mutating func appendInterpolation(_ text: Substring) { raw += HTML.escape(String(text)) }
        mutating func appendInterpolation(_ number: Int) { raw += String(number) }
        mutating func appendInterpolation(_ html: HTML) { raw += html.raw }
        mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { raw += part.raw } }
        mutating func appendInterpolation(_ html: HTML?) { if let html { raw += html.raw } }
    }
}

extension Array where Element == HTML {
    /// The fragments one after another.
    var joined: HTML { HTML("\(self)") }
}

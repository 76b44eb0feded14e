/// A length limit on reader-supplied text, counted in Unicode scalars (code points), never in
/// grapheme clusters: one "character" with thousands of combining marks counts as thousands.
/// A limit of N scalars therefore never admits more than 4·N bytes of UTF-8.
public struct TextLimit: Sendable, Equatable {
    /// At most this many Unicode scalars.
    public let maxScalars: Int

    public init(_ maxScalars: Int) {
        self.maxScalars = maxScalars
    }

    /// Question text (`query`) and feedback comments.
    public static let question = TextLimit(2000)
    /// A selection sent with a question (`selected_text`).
    public static let selection = TextLimit(8000)
    /// Search words (`q`).
    public static let search = TextLimit(200)
    /// A chapter slug (`chapter`).
    public static let slug = TextLimit(200)

    /// The largest UTF-8 size text within the limit can have.
    public var maxBytes: Int { maxScalars * 4 }

    /// True when `text` is within the limit (checked without walking more than the limit).
    public func admits(_ text: some StringProtocol) -> Bool {
        if text.utf8.count <= maxScalars { return true }  // fewer bytes than the limit: fewer scalars too
        if text.utf8.count > maxBytes { return false }
        return text.unicodeScalars.count <= maxScalars
    }

    /// Throws "must be at most N characters" when `text` is over the limit.
    public func check(_ text: some StringProtocol) throws(FieldProblem) {
        guard admits(text) else { throw FieldProblem("must be at most \(maxScalars) characters") }
    }

    /// `text` cut to the limit at a scalar boundary.
    public func truncating(_ text: String) -> String {
        admits(text) ? text : String(String.UnicodeScalarView(text.unicodeScalars.prefix(maxScalars)))
    }
}

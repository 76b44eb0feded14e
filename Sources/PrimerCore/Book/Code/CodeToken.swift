/// A highlighted stretch of a code block: a kind over the Unicode scalars `start..<end`.
/// Scalars no token covers are plain text.
struct CodeToken: Sendable, Equatable {
    /// What a token is; the raw value is its CSS class.
    enum Kind: String, Sendable {
        case keyword = "tok-keyword"
        case string = "tok-string"
        case comment = "tok-comment"
        case number = "tok-number"
        case function = "tok-function"
        case type = "tok-type"
        case builtin = "tok-builtin"
        case attribute = "tok-attr"
        case tag = "tok-tag"
        case punctuation = "tok-punct"
        case meta = "tok-meta"
        case variable = "tok-variable"
        case prompt = "tok-prompt"
    }

    let kind: Kind
    let start: Int
    var end: Int
}

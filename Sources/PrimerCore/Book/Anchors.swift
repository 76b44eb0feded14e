/// Heading anchors the way Docusaurus makes them: lowercase, punctuation removed, spaces
/// to hyphens, duplicates numbered (`setup`, `setup-1`), or an explicit `{#custom-id}`.
public struct AnchorMaker: Sendable {
    private var used: [String: Int] = [:]

    public init() {}

    /// The heading text without a trailing `{#id}`, and that id if present.
    public static func explicitID(in heading: String) -> (text: String, id: String?) {
        guard heading.hasSuffix("}"), let open = heading.range(of: "{#", options: .backwards) else { return (heading, nil) }
        let id = heading[open.upperBound..<heading.index(before: heading.endIndex)]
        return (heading[..<open.lowerBound].trimmingWhitespace(), String(id))
    }

    /// The anchor for a heading, unique within the page.
    public mutating func anchor(for heading: String) -> String {
        let (text, explicit) = Self.explicitID(in: heading)
        if let explicit { return explicit }
        let base = Self.slug(text)
        let count = used[base, default: 0]
        used[base] = count + 1
        return count == 0 ? base : "\(base)-\(count)"
    }

    /// GitHub-style slug of `text`: lowercase letters, digits, `-` and `_`; spaces become `-`.
    public static func slug(_ text: String) -> String {
        var result = ""
        for character in MarkdownText.plain(text).lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "_" {
                result.append(character)
            } else if character == " " {
                result.append("-")
            }
        }
        return result
    }
}

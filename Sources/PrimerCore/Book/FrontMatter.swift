/// The `---`-delimited YAML front matter of a Markdown page: flat `key: value` pairs
/// (strings, numbers, booleans), which is all Docusaurus pages use for `title`,
/// `sidebar_position`, `slug` and `id`.
public struct FrontMatter: Equatable, Sendable {
    public var values: [String: String]

    public init(values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> String? { values[key] }

    /// Splits `text` into front matter and the Markdown body after it.
    public static func split(_ text: String) -> (FrontMatter, body: String) {
        var lines = MarkdownLine.lines(of: text)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = first.dropFirst() }
        guard lines.first?.trimmingWhitespace() == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingWhitespace() == "---" })
        else { return (FrontMatter(), text) }
        var values: [String: String] = [:]
        for line in lines[1..<end] {
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("#") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            var value = line[line.index(after: colon)...].trimmingWhitespace()
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            if !key.isEmpty { values[key] = value }
        }
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (FrontMatter(values: values), body)
    }
}

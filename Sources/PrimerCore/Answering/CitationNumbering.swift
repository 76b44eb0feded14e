/// Renumbers an answer's citations so they run from [1] in order of first use, drops markers
/// that point at no passage, and records which passages were cited, in that order: the
/// answer's sources are exactly those. Works on a stream: feed pieces as they arrive; a marker
/// split across pieces is held back until it is complete.
public struct CitationNumbering: Sendable {
    /// How many passages the answer was given ([1] … [passageCount] are valid).
    public let passageCount: Int
    /// 0-based indices of the cited passages, in order of first citation.
    public private(set) var cited: [Int] = []
    private var pending = ""

    public init(passageCount: Int) {
        self.passageCount = passageCount
    }

    /// Renumbers a whole answer at once.
    public static func renumber(_ text: String, passageCount: Int) -> (text: String, cited: [Int]) {
        var numbering = CitationNumbering(passageCount: passageCount)
        let result = numbering.feed(text) + numbering.finish()
        return (result, numbering.cited)
    }

    /// The renumbered text that can be shown now (a possibly unfinished marker is held back).
    public mutating func feed(_ piece: String) -> String {
        pending += piece
        var output = ""
        var rest = Substring(pending)
        while let open = rest.firstIndex(of: "[") {
            output += rest[..<open]
            let after = rest[rest.index(after: open)...]
            let digits = after.prefix { $0.isNumber }
            if digits.count == after.count, digits.count < 4 {
                // "[" or "[12" at the end: wait for the rest.
                pending = String(rest[open...])
                return output
            }
            let closeIndex = after.index(after.startIndex, offsetBy: digits.count)
            if !digits.isEmpty, digits.count < 4, closeIndex < after.endIndex, after[closeIndex] == "]", let number = Int(digits) {
                if (1...max(passageCount, 0)).contains(number) {
                    let index = number - 1
                    if !cited.contains(index) { cited.append(index) }
                    output += "[\(cited.firstIndex(of: index)! + 1)]"
                } else {
                    // A marker that points at no passage is removed, with the space before it.
                    while output.last == " " { output.removeLast() }
                }
                rest = after[after.index(after: closeIndex)...]
            } else {
                output.append("[")
                rest = after
            }
        }
        output += rest
        pending = ""
        return output
    }

    /// Whatever was held back (an unfinished marker is kept as text).
    public mutating func finish() -> String {
        defer { pending = "" }
        return pending
    }
}

/// One SMTP reply: a three-digit code and its text lines (`250-first`, …, `250 last`).
struct SMTPReply: Sendable, Equatable {
    let code: Int
    /// Each line's text after the code and separator.
    let lines: [String]

    /// The lines joined with spaces, for errors and logs.
    var text: String { lines.joined(separator: " ") }

    /// 2xx.
    var isPositive: Bool { (200..<300).contains(code) }
}

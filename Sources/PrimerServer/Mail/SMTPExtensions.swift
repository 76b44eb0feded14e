/// What the server said it supports in its EHLO reply.
struct SMTPExtensions: Sendable, Equatable {
    var startTLS = false
    /// Mechanisms after `AUTH` (upper-cased).
    var authMechanisms: [String] = []

    init() {}

    init(_ reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "AUTH": authMechanisms += words.dropFirst().filter { !authMechanisms.contains($0) }
            default: break
            }
        }
    }
}

import PrimerCore

/// A mail to one reader: subject, plain-text body and (usually) an HTML body. The sender is
/// the server's (`EMAIL_FROM`), added when the mail is sent. See `MailTemplates` for the mails
/// the account flows send and `MIMEEncoder` for how one is written out.
struct MailMessage: Sendable, Equatable {
    var to: MailAddress
    var subject: String
    /// The plain-text body (any line endings; encoded as quoted-printable UTF-8).
    var text: String
    /// The HTML body, sent beside the text as multipart/alternative; nil sends text only.
    var html: String?

    init(to: MailAddress, subject: String, text: String, html: String? = nil) {
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// The `http(s)://` links in the plain-text body, in order (logged by the outbox).
    var links: [String] {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
            .filter { $0.hasPrefix("https://") || $0.hasPrefix("http://") }
            .map { String($0) }
    }
}

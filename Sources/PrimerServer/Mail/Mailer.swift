/// Delivers one mail now: through SMTP (`SMTPMailer`) or into the outbox folder
/// (`OutboxMailer`). Routes don't call it directly; they hand mails to `MailQueue`, which
/// calls it off the request path and retries what fails for a reason that may pass.
protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws(MailError)
}

/// Why a mail was not delivered.
enum MailError: Error, Equatable, CustomStringConvertible {
    /// The SMTP server could not be reached or refused the mail.
    case smtp(SMTPError)
    /// The outbox file could not be written.
    case outbox(String)

    /// Whether another attempt later may succeed.
    var isTransient: Bool {
        switch self {
        case .smtp(let error): error.isTransient
        case .outbox: true
        }
    }

    var description: String {
        switch self {
        case .smtp(let error): error.description
        case .outbox(let reason): "cannot write the mail to the outbox: \(reason)"
        }
    }
}

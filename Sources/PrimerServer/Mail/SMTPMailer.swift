import Foundation
import PrimerCore

/// Sends each mail through the SMTP server of `SMTP_URL`, from `EMAIL_FROM`.
struct SMTPMailer: Mailer {
    let client: SMTPClient
    let from: MailAddress

    func send(_ message: MailMessage) async throws(MailError) {
        let text = MIMEEncoder.render(message, from: from)
        do {
            try await client.send(from: from.address, to: [message.to.address], message: text)
        } catch {
            throw .smtp(error)
        }
    }
}

import Foundation
import PrimerCore

/// The account flows' emails, rendered by `MailTemplates` (the book's title, links from
/// `PUBLIC_URL`) and queued for background delivery: sending never delays or fails a request.
struct QueuedAccountMail: AccountMail {
    let queue: MailQueue
    let templates: MailTemplates

    init(_ services: PrimerServices) {
        queue = services.mail
        templates = MailTemplates(services)
    }

    private func recipient(_ account: Account) -> MailAddress? {
        try? MailAddress(address: account.email, name: account.name)
    }

    func verifyEmail(_ account: Account, token: String) async {
        guard let to = recipient(account) else { return }
        queue.enqueue(templates.verifyEmail(to: to, token: token))
    }

    func resetPassword(_ account: Account, token: String) async {
        guard let to = recipient(account) else { return }
        queue.enqueue(templates.resetPassword(to: to, token: token))
    }

    func passwordChanged(_ account: Account) async {
        guard let to = recipient(account) else { return }
        queue.enqueue(templates.passwordChanged(to: to))
    }

    func twoFactorEnabled(_ account: Account) async {
        guard let to = recipient(account) else { return }
        queue.enqueue(templates.twoFactorEnabled(to: to))
    }

    func twoFactorDisabled(_ account: Account) async {
        guard let to = recipient(account) else { return }
        queue.enqueue(templates.twoFactorDisabled(to: to))
    }
}

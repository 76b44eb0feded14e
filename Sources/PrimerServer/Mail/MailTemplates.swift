import Foundation
import PrimerCore

/// The mails the account flows send, each with a plain-text and an HTML body (inline styles,
/// no images or other external assets; every piece of text escaped) and the book's title in
/// the subject, e.g. "Confirm your email for Physical AI & Humanoid Robotics". Links start at
/// `PUBLIC_URL`.
///
/// ```swift
/// req.primer.mail.enqueue(MailTemplates(req.primer).verifyEmail(to: MailAddress(email, name: name), token: token))
/// ```
struct MailTemplates: Sendable {
    /// The page a verification link opens (`?token=…`).
    static let verifyEmailPath = "/verify-email"
    /// The page a password-reset link opens (`?token=…`).
    static let resetPasswordPath = "/reset-password"
    /// Where a reader who did not make a change can reset the password.
    static let forgotPasswordPath = "/forgot-password"

    let bookTitle: String
    /// `PUBLIC_URL`, without a trailing slash.
    let publicURL: String

    init(bookTitle: String, publicURL: String) {
        self.bookTitle = bookTitle.isEmpty ? "Primer" : bookTitle
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
    }

    init(bookTitle: String, settings: PrimerSettings) {
        self.init(bookTitle: bookTitle, publicURL: settings.mail.publicURL)
    }

    /// For the book being served (the title of its first page, as the site shows it) and `PUBLIC_URL`.
    init(_ services: PrimerServices) {
        self.init(bookTitle: services.library.snapshot.readingOrder.first?.title ?? "Primer", settings: services.settings)
    }

    /// "Confirm your email": a link to `PUBLIC_URL/verify-email?token=…`, valid `hours` (24).
    func verifyEmail(to recipient: MailAddress, token: String, hours: Int = 24) -> MailMessage {
        let link = self.link(Self.verifyEmailPath, token: token)
        return compose(
            to: recipient, subject: "Confirm your email for \(bookTitle)", heading: "Confirm your email",
            paragraphs: ["Thanks for signing up to read \(bookTitle). Confirm that this address is yours:"],
            button: ("Confirm my email", link),
            footnote: "The link works once and expires in \(Self.hours(hours)). If you didn't sign up, you can ignore this mail.")
    }

    /// "Reset your password": a link to `PUBLIC_URL/reset-password?token=…`, valid `hours` (1).
    func resetPassword(to recipient: MailAddress, token: String, hours: Int = 1) -> MailMessage {
        let link = self.link(Self.resetPasswordPath, token: token)
        return compose(
            to: recipient, subject: "Reset your password for \(bookTitle)", heading: "Reset your password",
            paragraphs: ["Someone, hopefully you, asked to reset the password of your account for \(bookTitle). Choose a new password here:"],
            button: ("Choose a new password", link),
            footnote: "The link works once and expires in \(Self.hours(hours)). Resetting signs you out everywhere. If you didn't ask, ignore this mail: your password stays as it is.")
    }

    /// "Your password was changed", at `date`, with where to go if it wasn't the reader.
    func passwordChanged(to recipient: MailAddress, at date: Date = Date()) -> MailMessage {
        securityNotice(
            to: recipient, subject: "Your password for \(bookTitle) was changed", heading: "Your password was changed",
            what: "The password of your account for \(bookTitle) was changed on \(Self.when(date)). Your other sessions were signed out.",
            ifNotYou: "If this wasn't you, reset your password now:")
    }

    /// "Two-factor authentication is on", at `date`.
    func twoFactorEnabled(to recipient: MailAddress, at date: Date = Date()) -> MailMessage {
        securityNotice(
            to: recipient, subject: "Two-factor authentication is on for \(bookTitle)", heading: "Two-factor authentication is on",
            what: "Two-factor authentication was turned on for your account for \(bookTitle) on \(Self.when(date)). Signing in now asks for a code from your authenticator app, or one of your backup codes.",
            ifNotYou: "Keep your backup codes somewhere safe. If this wasn't you, reset your password now:")
    }

    /// "Two-factor authentication is off", at `date`.
    func twoFactorDisabled(to recipient: MailAddress, at date: Date = Date()) -> MailMessage {
        securityNotice(
            to: recipient, subject: "Two-factor authentication is off for \(bookTitle)", heading: "Two-factor authentication is off",
            what: "Two-factor authentication was turned off for your account for \(bookTitle) on \(Self.when(date)). Signing in now needs only your password, and your backup codes no longer work.",
            ifNotYou: "If this wasn't you, reset your password now and turn two-factor authentication on again:")
    }

    /// A mail about a change to the account's security: what happened, and a reset link in case
    /// it wasn't the reader.
    private func securityNotice(to recipient: MailAddress, subject: String, heading: String, what: String, ifNotYou: String) -> MailMessage {
        compose(
            to: recipient, subject: subject, heading: heading, paragraphs: [what, ifNotYou],
            button: ("Reset my password", publicURL + Self.forgotPasswordPath),
            footnote: "You're getting this mail because it concerns the security of your account.")
    }

    // MARK: - Building

    /// `PUBLIC_URL` + `path` + `?token=` and the token percent-encoded.
    func link(_ path: String, token: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let encoded = token.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
        return "\(publicURL)\(path)?token=\(encoded)"
    }

    private func compose(to recipient: MailAddress, subject: String, heading: String, paragraphs: [String],
                         button: (label: String, url: String), footnote: String) -> MailMessage {
        let greeting = recipient.name.map { "Hi \($0)," } ?? "Hi,"
        let text = ([greeting, ""] + paragraphs.flatMap { [$0, ""] } + [button.url, "", footnote, "", "— \(bookTitle)"])
            .joined(separator: "\n") + "\n"
        let e = Self.escape
        let muted = "margin:16px 0 0;font-size:13px;line-height:1.5;color:#57606a;"
        let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>\(e(subject))</title></head>
        <body style="margin:0;padding:24px 12px;background:#f6f8fa;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;">
        <div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #d0d7de;border-radius:8px;padding:32px;">
        <p style="margin:0 0 8px;font-size:13px;color:#57606a;">\(e(bookTitle))</p>
        <h1 style="margin:0 0 20px;font-size:22px;line-height:1.3;">\(e(heading))</h1>
        <p style="margin:0 0 12px;font-size:15px;line-height:1.5;">\(e(greeting))</p>
        \(paragraphs.map { "<p style=\"margin:0 0 12px;font-size:15px;line-height:1.5;\">\(e($0))</p>" }.joined(separator: "\n"))
        <p style="margin:20px 0;"><a href="\(e(button.url))" style="display:inline-block;background:#0969da;color:#ffffff;text-decoration:none;font-weight:600;font-size:15px;padding:10px 18px;border-radius:6px;">\(e(button.label))</a></p>
        <p style="\(muted)">If the button doesn't work, open this link:<br><a href="\(e(button.url))" style="color:#0969da;word-break:break-all;">\(e(button.url))</a></p>
        <p style="\(muted)">\(e(footnote))</p>
        </div>
        </body>
        </html>

        """
        return MailMessage(to: recipient, subject: subject, text: text, html: html)
    }

    /// `text` safe inside HTML elements and double-quoted attributes.
    static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }

    private static func hours(_ n: Int) -> String { n == 1 ? "1 hour" : "\(n) hours" }

    /// `1 December 2026 at 09:05 UTC`.
    private static func when(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let minute = c.minute ?? 0, hour = c.hour ?? 0
        return "\(c.day ?? 1) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) at \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute) UTC"
    }
}

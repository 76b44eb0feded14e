import Foundation

/// A way back in for a reader who forgot their password: a single-use link (1 h) by email;
/// a new password ends every session. Asking reveals nothing: the answer is the same whether
/// or not the address has an account (the email is queued, so the timing is the same too).
public struct PasswordReset: Sendable {
    public let accounts: any AccountRepository
    public let tokens: any OneTimeTokenRepository
    public let sessions: SessionService
    public let passwords: any PasswordHashing
    public let mail: any AccountMail
    public let now: @Sendable () -> Date

    public init(accounts: any AccountRepository, tokens: any OneTimeTokenRepository, sessions: SessionService,
                passwords: any PasswordHashing, mail: any AccountMail, now: @escaping @Sendable () -> Date = { Date() }) {
        self.accounts = accounts
        self.tokens = tokens
        self.sessions = sessions
        self.passwords = passwords
        self.mail = mail
        self.now = now
    }

    /// Emails a reset link when `email` belongs to an active account; otherwise does the same
    /// token work and sends nothing.
    public func request(email: String) async throws {
        let date = now()
        let account = try await accounts.account(email: email)
        let (token, record) = OneTimeToken.issue(for: account?.id ?? UUID(), purpose: .passwordReset, at: date)
        guard let account, account.isActive else { return }
        try await tokens.retire(userID: account.id, purpose: .passwordReset, at: date)
        try await tokens.store(record)
        await mail.resetPassword(account, token: token)
    }

    /// Sets `password` (already checked against the password rules) for the token's account and
    /// ends all its sessions; `invalidToken` for an unknown, expired or used token.
    public func reset(token: String, password: String) async throws {
        let date = now()
        guard let record = try await tokens.token(hash: OneTimeToken.hash(token)), record.purpose == .passwordReset,
              record.isUsable(at: date), let account = try await accounts.account(id: record.userID)
        else { throw AccountError.invalidToken }
        let hash = try await passwords.hash(password)
        guard try await tokens.use(id: record.id, at: date) else { throw AccountError.invalidToken }
        try await accounts.setPassword(userID: account.id, hash: hash)
        try await sessions.revokeAll(userID: account.id)
        await mail.passwordChanged(account)
    }
}

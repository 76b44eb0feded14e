import Foundation

/// Proving a reader owns their email address: sign-up sends a link with a single-use token
/// (24 h); following it marks the account verified. A new link replaces older ones.
public struct EmailVerification: Sendable {
    public let accounts: any AccountRepository
    public let tokens: any OneTimeTokenRepository
    public let mail: any AccountMail
    public let changes: AccountChanges
    public let now: @Sendable () -> Date

    public init(accounts: any AccountRepository, tokens: any OneTimeTokenRepository, mail: any AccountMail,
                changes: AccountChanges = AccountChanges(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.accounts = accounts
        self.tokens = tokens
        self.mail = mail
        self.changes = changes
        self.now = now
    }

    /// Sends `account` a new verification link (older links stop working); nothing for a verified account.
    public func send(to account: Account) async throws {
        guard !account.emailVerified else { return }
        let date = now()
        try await tokens.retire(userID: account.id, purpose: .emailVerification, at: date)
        let (token, record) = OneTimeToken.issue(for: account.id, purpose: .emailVerification, at: date)
        try await tokens.store(record)
        await mail.verifyEmail(account, token: token)
    }

    /// Marks the token's account verified; `invalidToken` for an unknown, expired or used token.
    @discardableResult
    public func verify(_ token: String) async throws -> Account {
        let date = now()
        guard let record = try await tokens.token(hash: OneTimeToken.hash(token)), record.purpose == .emailVerification,
              record.isUsable(at: date), var account = try await accounts.account(id: record.userID),
              try await tokens.use(id: record.id, at: date)
        else { throw AccountError.invalidToken }
        try await accounts.markEmailVerified(userID: account.id)
        account.emailVerified = true
        changes.account(account.id)
        return account
    }
}

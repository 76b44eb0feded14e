import Foundation

/// The account rules shared by the JSON API and the website's forms: sign-up, sign-in with
/// lockout, profile changes (audited) and account deletion.
public struct AccountService: Sendable {
    public let accounts: any AccountRepository
    public let sessions: SessionService
    public let passwords: any PasswordHashing
    public let lockout: any LoginLockoutStore
    public let changes: AccountChanges
    /// Sign-in refuses accounts whose email is not verified (`REQUIRE_EMAIL_VERIFICATION`).
    public let requireVerifiedEmail: Bool
    /// Sends the notification after a password change; nil sends nothing.
    public let mail: (any AccountMail)?
    /// Two-factor sign-in; nil: passwords alone sign in.
    public let twoFactor: TwoFactor?
    public let now: @Sendable () -> Date

    public init(accounts: any AccountRepository, sessions: SessionService, passwords: any PasswordHashing,
                lockout: any LoginLockoutStore, changes: AccountChanges = AccountChanges(), requireVerifiedEmail: Bool = false,
                mail: (any AccountMail)? = nil, twoFactor: TwoFactor? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.accounts = accounts
        self.sessions = sessions
        self.passwords = passwords
        self.lockout = lockout
        self.changes = changes
        self.requireVerifiedEmail = requireVerifiedEmail
        self.mail = mail
        self.twoFactor = twoFactor
        self.now = now
    }

    /// Creates the account with its background and a first session; `emailTaken` for a used address.
    public func signUp(email: EmailAddress, password: String, profile: ReaderProfile, name: String?,
                       client: ClientInfo) async throws -> SignedIn {
        if try await accounts.account(email: email.value) != nil { throw AccountError.emailTaken }
        let hash = try await passwords.hash(password)
        let date = now()
        let account = Account(email: email.value, passwordHash: hash, name: name, createdAt: date, profile: profile)
        let (session, token) = sessions.newSession(userID: account.id, client: client, at: date)
        try await accounts.create(account, session: session, refreshTokenHash: RefreshTokens.hash(token))
        return SignedIn(account: account, sessionID: session.id, refreshToken: token)
    }

    /// Checks the password (with lockout) and opens a session, or for an account with two-factor
    /// sign-in returns the challenge for the second step (no session yet). The attempt is
    /// reserved before the password is checked, so a burst of concurrent sign-ins gets at most
    /// the lockout's number of checks (see `LoginLockoutStore`).
    public func signIn(email: String, password: String, client: ClientInfo) async throws -> SignInOutcome {
        let attempt = try await lockout.reserveCheck(email, now: now())
        let found: Account?
        let matches: Bool
        do {
            found = try await accounts.account(email: email)
            matches = try await passwords.verify(password, against: found?.passwordHash)
        } catch {
            await lockout.release(attempt)
            throw error
        }
        guard matches, let account = found else {
            await lockout.recordFailure(attempt, now: now())
            throw AccountError.invalidCredentials
        }
        await lockout.recordSuccess(attempt, now: now())
        guard account.isActive else { throw AccountError.accountDisabled }
        if requireVerifiedEmail, !account.emailVerified { throw AccountError.emailNotVerified }
        if let challenge = try await twoFactor?.challenge(for: account) {
            return .secondFactorRequired(challenge: challenge.token, expiresIn: challenge.expiresIn)
        }
        return .signedIn(try await openSession(for: account, client: client))
    }

    /// Finishes a two-factor sign-in: the challenge and a code (`TwoFactor.verify`), then a session.
    public func signIn(challenge: String, code: String?, backupCode: String?, client: ClientInfo) async throws -> SignedIn {
        guard let twoFactor else { throw AccountError.invalidChallenge }
        let account = try await twoFactor.verify(challenge: challenge, code: code, backupCode: backupCode)
        return try await openSession(for: account, client: client)
    }

    /// Opens a session for `account` and records the sign-in.
    private func openSession(for account: Account, client: ClientInfo) async throws -> SignedIn {
        var account = account
        let date = now()
        let (session, token) = sessions.newSession(userID: account.id, client: client, at: date)
        try await accounts.recordSignIn(userID: account.id, at: date, session: session, refreshTokenHash: RefreshTokens.hash(token))
        account.lastLoginAt = date
        changes.account(account.id)  // cached readers show last_login_at
        return SignedIn(account: account, sessionID: session.id, refreshToken: token)
    }

    /// Applies `change` to the reader's background (audited); the next answer uses it.
    public func updateProfile(userID: UUID, _ change: ProfileChange) async throws -> Account {
        guard var account = try await accounts.account(id: userID) else { throw AccountError.accountNotFound }
        let fieldChanges = account.profile.apply(change, name: &account.name)
        guard !fieldChanges.isEmpty else { return account }
        account.profileUpdatedAt = now()
        let audit = AuditEntry(userID: userID, action: "profile.update", changedFields: fieldChanges.map(\.field),
                               oldValues: try Self.json(fieldChanges.map { ($0.field, $0.old) }),
                               newValues: try Self.json(fieldChanges.map { ($0.field, $0.new) }))
        try await accounts.updateProfile(account, audit: audit)
        changes.account(userID)
        return account
    }

    /// `{"field": value, ...}` as a JSON string, keys sorted.
    static func json(_ pairs: [(String, AuditValue)]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: pairs)), as: UTF8.self)
    }

    /// Replaces the password after checking the current one (the new one already meets the
    /// rules); every other session ends and the reader is told by email.
    public func changePassword(userID: UUID, keeping sessionID: UUID?, current: String, new: String) async throws {
        guard let account = try await accounts.account(id: userID) else { throw AccountError.accountNotFound }
        guard try await passwords.verify(current, against: account.passwordHash) else { throw AccountError.wrongPassword }
        try await accounts.setPassword(userID: userID, hash: try await passwords.hash(new))
        try await sessions.revokeAll(userID: userID, except: sessionID)
        await mail?.passwordChanged(account)
    }

    /// Deletes the account and everything about it after checking the password.
    public func deleteAccount(userID: UUID, password: String?) async throws {
        guard let password, !password.isEmpty else { throw AccountError.passwordRequired }
        let hash = try await accounts.account(id: userID)?.passwordHash
        guard try await passwords.verify(password, against: hash) else { throw AccountError.wrongPassword }
        try await accounts.delete(userID: userID)
        changes.account(userID)
    }
}

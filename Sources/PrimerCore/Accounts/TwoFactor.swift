import Foundation

/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and single-use backup codes.
/// Set-up stores a new secret that stays off until the reader proves it with a code; switching
/// it on returns 10 backup codes (only their hashes are kept). A code works once: the step it
/// matched is stored, and only later steps are accepted after it. Wrong codes at sign-in count
/// toward the account's lockout, like wrong passwords.
public struct TwoFactor: Sendable {
    public let accounts: any AccountRepository
    public let store: any TwoFactorRepository
    public let tokens: any OneTimeTokenRepository
    public let passwords: any PasswordHashing
    public let lockout: any LoginLockoutStore
    /// Tells the reader by email when two-factor sign-in is switched on or off; nil sends nothing.
    public let mail: (any AccountMail)?
    /// The name authenticator apps show for the entry (the book's title).
    public let issuer: String
    public let now: @Sendable () -> Date

    /// Backup codes issued at a time.
    public static let backupCodeCount = 10

    public init(accounts: any AccountRepository, store: any TwoFactorRepository, tokens: any OneTimeTokenRepository,
                passwords: any PasswordHashing, lockout: any LoginLockoutStore, mail: (any AccountMail)? = nil,
                issuer: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.accounts = accounts
        self.store = store
        self.tokens = tokens
        self.passwords = passwords
        self.lockout = lockout
        self.mail = mail
        self.issuer = issuer
        self.now = now
    }

    /// Whether two-factor sign-in is on, and how many backup codes are left.
    public func status(userID: UUID) async throws -> TwoFactorStatus {
        let state = try await store.twoFactor(userID: userID)
        guard let state, state.isEnabled else { return TwoFactorStatus(enabled: false, enabledAt: nil, backupCodesRemaining: 0) }
        return TwoFactorStatus(enabled: true, enabledAt: state.enabledAt, backupCodesRemaining: state.backupCodeHashes.count)
    }

    /// A new secret for the reader's authenticator app; it replaces an unconfirmed one and is
    /// off until `enable` gets a code from it. `twoFactorAlreadyEnabled` when it is on.
    public func setUp(userID: UUID) async throws -> TwoFactorSetup {
        guard let account = try await accounts.account(id: userID) else { throw AccountError.accountNotFound }
        let existing = try await store.twoFactor(userID: userID)
        if existing?.isEnabled == true { throw AccountError.twoFactorAlreadyEnabled }
        let state = TwoFactorState(userID: userID, secret: TOTP.generateSecret(), createdAt: now(), version: existing?.version ?? 0)
        guard try await store.saveTwoFactor(state, expectedVersion: existing?.version, audit: nil) else {
            throw AccountError.twoFactorChanged
        }
        return setup(state.secret, for: account)
    }

    /// What the reader's authenticator app needs for `secret`.
    private func setup(_ secret: [UInt8], for account: Account) -> TwoFactorSetup {
        let totp = TOTP(secret: secret)
        return TwoFactorSetup(secret: totp.base32Secret, otpauthURL: totp.otpauthURL(issuer: issuer, account: account.email))
    }

    /// The set-up waiting for its first code (to show the QR code again after a wrong code), or nil.
    public func pendingSetup(userID: UUID) async throws -> TwoFactorSetup? {
        guard let account = try await accounts.account(id: userID), let state = try await store.twoFactor(userID: userID),
              !state.isEnabled else { return nil }
        return setup(state.secret, for: account)
    }

    /// Switches two-factor sign-in on with a code from the set-up secret; returns the backup codes.
    public func enable(userID: UUID, code: String) async throws -> [String] {
        guard let account = try await accounts.account(id: userID) else { throw AccountError.accountNotFound }
        guard var state = try await store.twoFactor(userID: userID) else { throw AccountError.twoFactorNotSetUp }
        if state.isEnabled { throw AccountError.twoFactorAlreadyEnabled }
        let date = now()
        guard let step = TOTP(secret: state.secret).matchingStep(Self.digits(code), at: date) else { throw AccountError.invalidCode }
        let expected = state.version
        let codes = BackupCodes.generate(count: Self.backupCodeCount)
        state.enabledAt = date
        state.lastUsedStep = step
        state.backupCodeHashes = codes.map { TwoFactorState.hash(backupCode: $0, userID: userID) }
        guard try await store.saveTwoFactor(state, expectedVersion: expected, audit: audit(userID, "two_factor.enable")) else {
            throw AccountError.twoFactorChanged
        }
        await mail?.twoFactorEnabled(account)
        return codes
    }

    /// Switches two-factor sign-in off, after the password and a current code (or a backup code).
    public func disable(userID: UUID, password: String, code: String) async throws {
        let (account, state) = try await enabledState(userID: userID)
        guard try await passwords.verify(password, against: account.passwordHash) else { throw AccountError.wrongPassword }
        _ = try await accept(code: code, backupCode: nil, state: state, account: account, orBackupCode: true)
        try await store.deleteTwoFactor(userID: userID, audit: audit(userID, "two_factor.disable"))
        await mail?.twoFactorDisabled(account)
    }

    /// New backup codes after the password; the old ones stop working.
    public func regenerateBackupCodes(userID: UUID, password: String) async throws -> [String] {
        var (account, state) = try await enabledState(userID: userID)
        guard try await passwords.verify(password, against: account.passwordHash) else { throw AccountError.wrongPassword }
        let expected = state.version
        let codes = BackupCodes.generate(count: Self.backupCodeCount)
        state.backupCodeHashes = codes.map { TwoFactorState.hash(backupCode: $0, userID: userID) }
        guard try await store.saveTwoFactor(state, expectedVersion: expected, audit: audit(userID, "two_factor.backup_codes")) else {
            throw AccountError.twoFactorChanged
        }
        return codes
    }

    // MARK: Sign-in

    /// The second step for `account` after its password was right, or nil when two-factor
    /// sign-in is off for it.
    public func challenge(for account: Account) async throws -> (token: String, expiresIn: Int)? {
        guard let state = try await store.twoFactor(userID: account.id), state.isEnabled else { return nil }
        let (token, record) = OneTimeToken.issue(for: account.id, purpose: .signInChallenge, at: now())
        try await tokens.store(record)
        return (token, Int(OneTimeToken.Purpose.signInChallenge.lifetime))
    }

    /// Finishes a sign-in: the challenge from the password step and a code from the app or a
    /// backup code. Returns the account to open a session for. `invalidChallenge` when the
    /// challenge is unknown, expired or used; `invalidCode` (counted toward the lockout) for a
    /// wrong or already used code.
    public func verify(challenge: String, code: String?, backupCode: String?) async throws -> Account {
        let date = now()
        guard let record = try await tokens.token(hash: OneTimeToken.hash(challenge)), record.purpose == .signInChallenge,
              record.isUsable(at: date), let account = try await accounts.account(id: record.userID)
        else { throw AccountError.invalidChallenge }
        guard account.isActive else { throw AccountError.accountDisabled }
        guard let state = try await store.twoFactor(userID: account.id), state.isEnabled else { throw AccountError.invalidChallenge }
        _ = try await accept(code: code, backupCode: backupCode, state: state, account: account, orBackupCode: false)
        guard try await tokens.use(id: record.id, at: date) else { throw AccountError.invalidChallenge }
        return account
    }

    // MARK: Codes

    /// Checks `code` (TOTP, or with `orBackupCode` also a backup code) or `backupCode` under the
    /// lockout and marks it used. Throws `invalidCode` for a wrong or reused one.
    private func accept(code: String?, backupCode: String?, state: TwoFactorState, account: Account,
                        orBackupCode: Bool) async throws -> TwoFactorState {
        let started = now()
        let attempt = try await lockout.reserveCheck(account.email, now: started)
        do {
            var updated = state
            var matched = false
            if let code, let step = TOTP(secret: state.secret).matchingStep(Self.digits(code), at: started),
               state.lastUsedStep.map({ step > $0 }) ?? true {
                updated.lastUsedStep = step
                matched = true
            } else if let typed = backupCode ?? (orBackupCode ? code : nil) {
                let hash = TwoFactorState.hash(backupCode: typed, userID: account.id)
                if let index = state.backupCodeHashes.firstIndex(of: hash) {
                    updated.backupCodeHashes.remove(at: index)
                    matched = true
                }
            }
            // A concurrent request that used the same code (or changed the state) wins; this one fails.
            if matched, try await store.saveTwoFactor(updated, expectedVersion: state.version, audit: nil) {
                await lockout.recordSuccess(attempt, now: now())
                updated.version += 1
                return updated
            }
        } catch {
            await lockout.release(attempt)
            throw error
        }
        if let until = await lockout.recordFailure(attempt, now: now()) { throw AccountError.locked(until: until, now: now()) }
        throw AccountError.invalidCode
    }

    private func enabledState(userID: UUID) async throws -> (Account, TwoFactorState) {
        guard let account = try await accounts.account(id: userID) else { throw AccountError.accountNotFound }
        guard let state = try await store.twoFactor(userID: userID), state.isEnabled else { throw AccountError.twoFactorNotEnabled }
        return (account, state)
    }

    private func audit(_ userID: UUID, _ action: String) -> AuditEntry {
        AuditEntry(userID: userID, action: action, changedFields: ["two_factor"], oldValues: "{}", newValues: "{}")
    }

    /// The digits of a typed code (authenticator apps show "123 456").
    static func digits(_ code: String) -> String {
        String(code.filter { !$0.isWhitespace && $0 != "-" })
    }
}

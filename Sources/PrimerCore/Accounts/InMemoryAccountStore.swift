import Foundation

/// Accounts, sessions and refresh tokens in memory: the repositories' twin for fast tests of
/// the account rules (the server stores them with Fluent). Emails are unique, as in the database.
public actor InMemoryAccountStore: AccountRepository, SessionRepository, OneTimeTokenRepository, TwoFactorRepository {
    public private(set) var accounts: [UUID: Account] = [:]
    public private(set) var sessions: [UUID: DeviceSession] = [:]
    public private(set) var refreshTokens: [String: StoredRefreshToken] = [:]
    public private(set) var audit: [AuditEntry] = []
    public private(set) var oneTimeTokens: [UUID: OneTimeToken] = [:]
    public private(set) var twoFactors: [UUID: TwoFactorState] = [:]

    public init() {}

    // MARK: AccountRepository

    public func account(email: String) -> Account? {
        accounts.values.first { $0.email == email }
    }

    public func account(id: UUID) -> Account? {
        accounts[id]
    }

    public func create(_ account: Account, session: DeviceSession, refreshTokenHash: String) throws {
        guard self.account(email: account.email) == nil else { throw AccountError.emailTaken }
        accounts[account.id] = account
        store(session, refreshTokenHash: refreshTokenHash)
    }

    public func recordSignIn(userID: UUID, at date: Date, session: DeviceSession, refreshTokenHash: String) {
        accounts[userID]?.lastLoginAt = date
        store(session, refreshTokenHash: refreshTokenHash)
    }

    private func store(_ session: DeviceSession, refreshTokenHash: String) {
        sessions[session.id] = session
        refreshTokens[refreshTokenHash] = StoredRefreshToken(sessionID: session.id, tokenHash: refreshTokenHash)
    }

    public func updateProfile(_ account: Account, audit entry: AuditEntry) {
        guard accounts[account.id] != nil else { return }
        accounts[account.id] = account
        audit.append(entry)
    }

    public func markEmailVerified(userID: UUID) {
        accounts[userID]?.emailVerified = true
    }

    public func setPassword(userID: UUID, hash: String) {
        accounts[userID]?.passwordHash = hash
    }

    public func delete(userID: UUID) {
        let ended = Set(sessions.values.filter { $0.userID == userID }.map(\.id))
        refreshTokens = refreshTokens.filter { !ended.contains($0.value.sessionID) }
        sessions = sessions.filter { $0.value.userID != userID }
        audit.removeAll { $0.userID == userID }
        oneTimeTokens = oneTimeTokens.filter { $0.value.userID != userID }
        twoFactors[userID] = nil
        accounts[userID] = nil
    }

    // MARK: SessionRepository

    public func session(id: UUID) -> DeviceSession? {
        sessions[id]
    }

    public func liveSessions(userID: UUID, at date: Date) -> [DeviceSession] {
        sessions.values.filter { $0.userID == userID && $0.isLive(at: date) }.sorted { $0.lastUsedAt > $1.lastUsedAt }
    }

    public func touch(sessionID: UUID, at date: Date) {
        sessions[sessionID]?.lastUsedAt = date
    }

    public func revoke(sessionIDs: [UUID], at date: Date) {
        for id in sessionIDs where sessions[id]?.revokedAt == nil { sessions[id]?.revokedAt = date }
    }

    public func revokeAll(userID: UUID, except: UUID?, at date: Date) {
        revoke(sessionIDs: sessions.values.filter { $0.userID == userID && $0.id != except }.map(\.id), at: date)
    }

    public func refreshToken(hash: String) -> StoredRefreshToken? {
        refreshTokens[hash]
    }

    public func rotate(_ token: StoredRefreshToken, successorHash: String, at date: Date, expiresAt: Date) -> Bool {
        guard refreshTokens[token.tokenHash]?.rotatedAt == nil, refreshTokens[successorHash] == nil else { return false }
        refreshTokens[token.tokenHash]?.rotatedAt = date
        refreshTokens[successorHash] = StoredRefreshToken(sessionID: token.sessionID, tokenHash: successorHash)
        sessions[token.sessionID]?.lastUsedAt = date
        sessions[token.sessionID]?.expiresAt = expiresAt
        return true
    }

    // MARK: OneTimeTokenRepository

    public func store(_ token: OneTimeToken) {
        oneTimeTokens[token.id] = token
    }

    public func token(hash: String) -> OneTimeToken? {
        oneTimeTokens.values.first { $0.tokenHash == hash }
    }

    public func use(id: UUID, at date: Date) -> Bool {
        guard oneTimeTokens[id]?.usedAt == nil, oneTimeTokens[id] != nil else { return false }
        oneTimeTokens[id]?.usedAt = date
        return true
    }

    public func retire(userID: UUID, purpose: OneTimeToken.Purpose, at date: Date) {
        for (id, token) in oneTimeTokens where token.userID == userID && token.purpose == purpose && token.usedAt == nil {
            oneTimeTokens[id]?.usedAt = date
        }
    }

    // MARK: TwoFactorRepository

    public func twoFactor(userID: UUID) -> TwoFactorState? {
        twoFactors[userID]
    }

    public func saveTwoFactor(_ state: TwoFactorState, expectedVersion: Int?, audit entry: AuditEntry?) -> Bool {
        guard twoFactors[state.userID]?.version == expectedVersion else { return false }
        var stored = state
        stored.version = (expectedVersion ?? -1) + 1
        twoFactors[state.userID] = stored
        if let entry { audit.append(entry) }
        return true
    }

    public func deleteTwoFactor(userID: UUID, audit entry: AuditEntry?) {
        twoFactors[userID] = nil
        if let entry { audit.append(entry) }
    }
}

import Foundation

/// Opening, rotating and ending sessions: refresh tokens rotate on every use, a token replayed
/// within `rotationGrace` (two tabs refreshing at once) yields the session's current token,
/// and one replayed later ends the session.
public struct SessionService: Sendable {
    public let sessions: any SessionRepository
    public let accounts: any AccountRepository
    public let tokens: RefreshTokens
    public let refreshLifetime: TimeInterval
    public let changes: AccountChanges
    public let now: @Sendable () -> Date

    /// Seconds during which a rotated-out refresh token still yields the session's current tokens.
    public static let rotationGrace: TimeInterval = 10

    public init(sessions: any SessionRepository, accounts: any AccountRepository, tokens: RefreshTokens,
                refreshLifetime: TimeInterval, changes: AccountChanges = AccountChanges(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.sessions = sessions
        self.accounts = accounts
        self.tokens = tokens
        self.refreshLifetime = refreshLifetime
        self.changes = changes
        self.now = now
    }

    /// A new session for `userID` and its first refresh token (not stored yet).
    public func newSession(userID: UUID, client: ClientInfo, at date: Date) -> (session: DeviceSession, refreshToken: String) {
        let session = DeviceSession(userID: userID, createdAt: date, expiresAt: date.addingTimeInterval(refreshLifetime),
                                    userAgent: client.userAgent, ipAddress: client.ipAddress)
        return (session, tokens.generate())
    }

    /// Exchanges `presented` for its successor.
    public func rotate(_ presented: String) async throws -> SignedIn {
        let date = now()
        guard let record = try await sessions.refreshToken(hash: RefreshTokens.hash(presented)),
              let session = try await sessions.session(id: record.sessionID), session.isLive(at: date)
        else { throw AccountError.invalidRefreshToken }
        let successor: String
        if let rotatedAt = record.rotatedAt {
            guard date.timeIntervalSince(rotatedAt) <= Self.rotationGrace,
                  let current = try await currentDescendant(of: presented)
            else {
                try await revoke(sessionIDs: [session.id])
                throw AccountError.refreshTokenReused(sessionID: session.id)
            }
            successor = current
        } else {
            successor = tokens.successor(of: presented)
            // When a concurrent request rotated the same token first, it derived the same successor.
            _ = try await sessions.rotate(record, successorHash: RefreshTokens.hash(successor), at: date,
                                          expiresAt: date.addingTimeInterval(refreshLifetime))
        }
        guard let account = try await accounts.account(id: session.userID) else { throw AccountError.invalidRefreshToken }
        guard account.isActive else { throw AccountError.accountDisabled }
        return SignedIn(account: account, sessionID: session.id, refreshToken: successor)
    }

    /// Follows the successor chain from a rotated-out token to the session's current token.
    private func currentDescendant(of token: String) async throws -> String? {
        var candidate = token
        for _ in 0..<16 {
            candidate = tokens.successor(of: candidate)
            guard let record = try await sessions.refreshToken(hash: RefreshTokens.hash(candidate)) else { return nil }
            if record.rotatedAt == nil { return candidate }
        }
        return nil
    }

    /// The reader's live sessions, most recently used first.
    public func liveSessions(userID: UUID) async throws -> [DeviceSession] {
        try await sessions.liveSessions(userID: userID, at: now())
    }

    /// Signs one of the reader's devices out; `sessionNotFound` for a session that is not
    /// theirs or has ended.
    public func revokeSession(_ id: UUID, of userID: UUID) async throws {
        guard let session = try await sessions.session(id: id), session.userID == userID, session.isLive(at: now()) else {
            throw AccountError.sessionNotFound
        }
        try await revoke(sessionIDs: [id])
    }

    /// Ends sessions at once: their access and refresh tokens stop working.
    public func revoke(sessionIDs: [UUID]) async throws {
        guard !sessionIDs.isEmpty else { return }
        try await sessions.revoke(sessionIDs: sessionIDs, at: now())
        changes.sessions(sessionIDs)
    }

    /// Ends every live session of `userID` (but `except`, the one asking, when given).
    public func revokeAll(userID: UUID, except: UUID? = nil) async throws {
        try await sessions.revokeAll(userID: userID, except: except, at: now())
        changes.account(userID)
    }
}

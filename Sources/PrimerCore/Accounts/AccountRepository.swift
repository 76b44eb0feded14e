import Foundation

/// Where accounts live. Each method is one unit of work (a transaction in a database):
/// the services never see half-written state. Implemented with Fluent by the server and in
/// memory (`InMemoryAccountStore`) for fast tests of the rules.
public protocol AccountRepository: Sendable {
    func account(email: String) async throws -> Account?
    func account(id: UUID) async throws -> Account?
    /// Stores a new account, its first session and that session's refresh token together;
    /// throws `AccountError.emailTaken` when the email is already used.
    func create(_ account: Account, session: DeviceSession, refreshTokenHash: String) async throws
    /// Records a sign-in at `date` with the session it opened and its refresh token.
    func recordSignIn(userID: UUID, at date: Date, session: DeviceSession, refreshTokenHash: String) async throws
    /// Saves a changed profile (and name) with its audit entry.
    func updateProfile(_ account: Account, audit: AuditEntry) async throws
    func markEmailVerified(userID: UUID) async throws
    /// Replaces the password hash.
    func setPassword(userID: UUID, hash: String) async throws
    /// Deletes the account and everything about it (sessions, tokens, audit entries, questions).
    func delete(userID: UUID) async throws
}

/// Where sessions and their refresh tokens live.
public protocol SessionRepository: Sendable {
    func session(id: UUID) async throws -> DeviceSession?
    /// The live sessions of `userID` at `date`, most recently used first.
    func liveSessions(userID: UUID, at date: Date) async throws -> [DeviceSession]
    /// Records that the session was used at `date`.
    func touch(sessionID: UUID, at date: Date) async throws
    func revoke(sessionIDs: [UUID], at date: Date) async throws
    /// Ends every live session of `userID` but `except`.
    func revokeAll(userID: UUID, except: UUID?, at date: Date) async throws
    func refreshToken(hash: String) async throws -> StoredRefreshToken?
    /// Marks `token` rotated at `date`, stores its successor and extends the session to
    /// `expiresAt`; false when another request rotated it first (nothing changes then).
    func rotate(_ token: StoredRefreshToken, successorHash: String, at date: Date, expiresAt: Date) async throws -> Bool
}

/// Slow password hashing (bcrypt), done off the event loops by the server.
public protocol PasswordHashing: Sendable {
    func hash(_ password: String) async throws -> String
    /// True when `password` matches `hash`; with a nil hash (unknown email) it takes as long
    /// as a real check and returns false.
    func verify(_ password: String, against hash: String?) async throws -> Bool
}

/// Told when an account or sessions change, so caches of signed-in readers drop them at once.
public struct AccountChanges: Sendable {
    public var account: @Sendable (UUID) -> Void
    public var sessions: @Sendable ([UUID]) -> Void

    public init(account: @escaping @Sendable (UUID) -> Void = { _ in }, sessions: @escaping @Sendable ([UUID]) -> Void = { _ in }) {
        self.account = account
        self.sessions = sessions
    }
}

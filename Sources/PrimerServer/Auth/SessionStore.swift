import Fluent
import PrimerCore
import Vapor

/// Opening, rotating and ending sessions. All writes go through the write gate.
struct SessionStore {
    let request: Request

    private var services: PrimerServices { request.primer }

    /// Seconds during which a rotated-out refresh token still yields the session's current
    /// tokens (two tabs refreshing at once).
    static let rotationGrace: TimeInterval = 10

    /// Creates a session (and its first refresh token) inside `db`'s transaction.
    func open(userID: UUID, on db: any Database, now: Date) async throws -> (session: AuthSession, refreshToken: String) {
        let session = AuthSession(
            userID: userID, expiresAt: now.addingTimeInterval(services.tokens.refreshLifetime),
            userAgent: request.headers.first(name: .userAgent).map { String($0.prefix(512)) },
            ipAddress: request.clientAddress, now: now)
        try await session.create(on: db)
        let token = services.tokens.refresh.generate()
        try await RefreshTokenRecord(sessionID: session.id!, tokenHash: RefreshTokens.hash(token)).create(on: db)
        return (session, token)
    }

    /// The full sign-in answer for a user whose session was just opened or refreshed.
    func authResponse(user: User, profile: Profile, sessionID: UUID, refreshToken: String) async throws -> AuthResponse {
        let access = try await services.tokens.accessToken(userID: try user.requireID(), sessionID: sessionID)
        return AuthResponse(
            accessToken: access, refreshToken: refreshToken, tokenType: "bearer",
            expiresIn: Int(services.tokens.accessLifetime), user: try UserResponse(user: user, profile: profile))
    }

    /// Exchanges `presented` for its successor (rotation), honouring the grace window and
    /// revoking the session when an old token is replayed later.
    func rotate(_ presented: String) async throws -> AuthResponse {
        let db = request.db
        let now = Date()
        guard let record = try await RefreshTokenRecord.query(on: db)
            .filter(\.$tokenHash == RefreshTokens.hash(presented)).first(),
            let session = try await AuthSession.find(record.$session.id, on: db),
            session.isLive(at: now)
        else { throw APIError.invalidRefreshToken }

        let sessionID = try session.requireID()
        let successor: String
        if let rotatedAt = record.rotatedAt {
            guard now.timeIntervalSince(rotatedAt) <= Self.rotationGrace,
                  let current = try await currentDescendant(of: presented, on: db)
            else {
                try await revoke(sessionIDs: [sessionID], now: now)
                request.logger.warning("Refresh token reuse detected; session revoked", metadata: ["session_id": .string(sessionID.uuidString)])
                throw APIError.refreshTokenReused
            }
            successor = current
        } else {
            successor = services.tokens.refresh.successor(of: presented)
            let successorHash = RefreshTokens.hash(successor)
            let lifetime = services.tokens.refreshLifetime
            do {
                try await services.writes.transaction(on: db) { db in
                    try await RefreshTokenRecord.query(on: db).filter(\.$id == record.id!).filter(\.$rotatedAt == nil)
                        .set(\.$rotatedAt, to: now).update()
                    try await RefreshTokenRecord(sessionID: sessionID, tokenHash: successorHash).create(on: db)
                    try await AuthSession.query(on: db).filter(\.$id == sessionID)
                        .set(\.$lastUsedAt, to: now).set(\.$expiresAt, to: now.addingTimeInterval(lifetime)).update()
                }
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // A concurrent request rotated the same token first; it derived the same successor.
            }
        }
        guard let user = try await User.query(on: db).filter(\.$id == session.$user.id).with(\.$profile).first(),
              let profile = user.profile
        else { throw APIError.invalidRefreshToken }
        guard user.isActive else { throw APIError.accountDisabled }
        return try await authResponse(user: user, profile: profile, sessionID: sessionID, refreshToken: successor)
    }

    /// Follows the successor chain from a rotated-out token to the session's current token.
    private func currentDescendant(of token: String, on db: any Database) async throws -> String? {
        var candidate = token
        for _ in 0..<16 {
            candidate = services.tokens.refresh.successor(of: candidate)
            guard let record = try await RefreshTokenRecord.query(on: db)
                .filter(\.$tokenHash == RefreshTokens.hash(candidate)).first()
            else { return nil }
            if record.rotatedAt == nil { return candidate }
        }
        return nil
    }

    /// Ends sessions at once: their access and refresh tokens stop working.
    func revoke(sessionIDs: [UUID], now: Date = Date()) async throws {
        guard !sessionIDs.isEmpty else { return }
        try await AuthSession.query(on: request.db).filter(\.$id ~~ sessionIDs).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
        services.readers.invalidate(sessionIDs: sessionIDs)
    }

    /// Ends every live session of `userID`.
    func revokeAll(userID: UUID, now: Date = Date()) async throws {
        try await AuthSession.query(on: request.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
        services.readers.invalidate(userID: userID)
    }
}

extension Request {
    /// Session operations bound to this request.
    var sessions: SessionStore { SessionStore(request: self) }
}

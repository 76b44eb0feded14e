import Fluent
import Foundation
import PrimerCore
import Vapor

/// Account actions shared by the JSON API and the website's forms: sign-up, sign-in,
/// profile changes, sessions and account deletion.
struct Accounts {
    let request: Request

    private var services: PrimerServices { request.primer }

    /// Creates the user, their profile and a first session; 409 `email_taken` for a used address.
    func signUp(email: EmailAddress, password: String, profile readerProfile: ReaderProfile, name: String?) async throws -> AuthResponse {
        let email = email.value
        if try await User.query(on: request.db).filter(\.$email == email).first() != nil { throw APIError.emailTaken }
        let hash = try await services.passwords.hash(password)
        let now = Date()
        let sessions = request.sessions
        let created: (User, Profile, AuthSession, String)
        do {
            created = try await services.writes.transaction(on: request.db) { db in
                let user = User(email: email, passwordHash: hash, name: name)
                try await user.create(on: db)
                let profile = Profile(userID: user.id!, profile: readerProfile)
                try await profile.create(on: db)
                let (session, token) = try await sessions.open(userID: user.id!, on: db, now: now)
                return (user, profile, session, token)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError.emailTaken
        }
        let (user, profile, session, token) = created
        return try await sessions.authResponse(user: user, profile: profile, sessionID: session.id!, refreshToken: token)
    }

    /// Checks the password (with lockout) and opens a session. The attempt is reserved before
    /// the password is checked, so a burst of concurrent sign-ins gets at most the lockout's
    /// number of checks (see `LoginLockoutStore`).
    func signIn(email: String, password: String) async throws -> AuthResponse {
        let lockout = services.lockout
        let now = Date()
        let attempt: LoginAttempt
        switch await lockout.reserve(email, now: now) {
        case .granted(let granted): attempt = granted
        case .refused(let until): throw Self.locked(until: until, now: now)
        }
        let user: User?
        let matches: Bool
        do {
            user = try await User.query(on: request.db).filter(\.$email == email).with(\.$profile).first()
            matches = try await services.passwords.verify(password, against: user?.passwordHash)
        } catch {
            await lockout.release(attempt)
            throw error
        }
        guard matches, let user, let profile = user.profile else {
            await lockout.recordFailure(attempt, now: Date())
            throw APIError.invalidCredentials
        }
        await lockout.recordSuccess(attempt, now: Date())
        guard user.isActive else { throw APIError.accountDisabled }
        let sessions = request.sessions
        let userID = try user.requireID()
        let (session, token) = try await services.writes.transaction(on: request.db) { db in
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastLoginAt, to: now).update()
            return try await sessions.open(userID: userID, on: db, now: now)
        }
        user.lastLoginAt = now
        services.readers.invalidate(userID: userID)  // cached answers show last_login_at
        return try await sessions.authResponse(user: user, profile: profile, sessionID: session.id!, refreshToken: token)
    }

    static func locked(until: Date, now: Date) -> APIError {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return .tooManyRequests(
            code: "account_locked",
            detail: "Too many failed sign-ins for this account. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
            retryAfter: until.timeIntervalSince(now))
    }

    /// Applies `change` to the reader's profile (audited); the next answer uses it.
    func updateProfile(of reader: AuthenticatedReader, _ change: ProfileChange) async throws -> UserResponse {
        guard let user = try await User.query(on: request.db).filter(\.$id == reader.userID).with(\.$profile).first(),
              let profile = user.profile
        else { throw APIError.invalidToken }
        var values = ProfileSnapshot(profile).readerProfile
        var name = user.name
        let changes = values.apply(change, name: &name)
        guard !changes.isEmpty else { return try UserResponse(user: user, profile: profile) }
        profile.set(values)
        user.name = name
        let event = try AuditEvent(
            userID: reader.userID, action: "profile.update", changedFields: changes.map(\.field),
            oldValues: Self.json(changes.map { ($0.field, $0.old) }), newValues: Self.json(changes.map { ($0.field, $0.new) }))
        try await services.writes.transaction(on: request.db) { db in
            try await profile.save(on: db)
            if changes.contains(where: { $0.field == "name" }) { try await user.save(on: db) }
            try await event.create(on: db)
        }
        services.readers.invalidate(userID: reader.userID)
        return try UserResponse(user: user, profile: profile)
    }

    /// `{"field": value, ...}` as a JSON string, keys sorted.
    static func json(_ pairs: [(String, AuditValue)]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: pairs)), as: UTF8.self)
    }

    /// The reader's live sessions, most recently used first.
    func liveSessions(of reader: AuthenticatedReader) async throws -> [SessionResponse] {
        let now = Date()
        let sessions = try await AuthSession.query(on: request.db)
            .filter(\.$user.$id == reader.userID).filter(\.$revokedAt == nil).filter(\.$expiresAt > now)
            .sort(\.$lastUsedAt, .descending).all()
        return try sessions.map { session in
            let id = try session.requireID()
            return SessionResponse(
                id: id, createdAt: session.createdAt ?? now, lastUsedAt: session.lastUsedAt,
                userAgent: session.userAgent, ipAddress: session.ipAddress, current: id == reader.sessionID)
        }
    }

    /// Signs one of the reader's devices out; 404 for a session that is not theirs or has ended.
    func revokeSession(_ id: UUID, of reader: AuthenticatedReader) async throws {
        guard let session = try await AuthSession.query(on: request.db)
            .filter(\.$id == id).filter(\.$user.$id == reader.userID).filter(\.$revokedAt == nil).first(),
            session.isLive(at: Date())
        else { throw APIError.notFound("No such session") }
        try await request.sessions.revoke(sessionIDs: [id])
    }

    /// Deletes the account and everything about it after checking the password.
    func deleteAccount(of reader: AuthenticatedReader, password: String?) async throws {
        guard let password, !password.isEmpty else {
            throw APIError.invalidRequest("Confirm with your password", fields: ["password": "is required"])
        }
        let hash = try await User.find(reader.userID, on: request.db)?.passwordHash
        guard try await services.passwords.verify(password, against: hash) else {
            throw APIError(status: .forbidden, code: "invalid_password", detail: "The password is not correct",
                           fields: ["password": "is not correct"])
        }
        let userID = reader.userID
        try await services.writes.transaction(on: request.db) { db in
            let sessionIDs = try await AuthSession.query(on: db).filter(\.$user.$id == userID).all(\.$id)
            if !sessionIDs.isEmpty {
                try await RefreshTokenRecord.query(on: db).filter(\.$session.$id ~~ sessionIDs).delete()
            }
            try await AuthSession.query(on: db).filter(\.$user.$id == userID).delete()
            try await AuditEvent.query(on: db).filter(\.$user.$id == userID).delete()
            try await ChatQuery.query(on: db).filter(\.$userID == userID).delete()
            try await Profile.query(on: db).filter(\.$user.$id == userID).delete()
            try await User.query(on: db).filter(\.$id == userID).delete()
        }
        services.readers.invalidate(userID: userID)
    }
}

extension Request {
    /// Account actions bound to this request.
    var accounts: Accounts { Accounts(request: self) }
}

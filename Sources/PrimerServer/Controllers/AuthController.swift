import Fluent
import PrimerCore
import Vapor

/// `/api/v1/auth/*`: sign-up, sign-in, refresh, sign-out.
struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("signup", use: signup)
        auth.post("signin", use: signin)
        auth.post("refresh", use: refresh)
        let signedIn = auth.grouped(ReaderAuthMiddleware())
        signedIn.post("signout", use: signout)
        signedIn.post("signout-all", use: signoutAll)
    }

    @Sendable
    func signup(req: Request) async throws -> Response {
        let input = try req.decodeJSON(SignupRequest.self).validated()
        let email = input.email.value
        if try await User.query(on: req.db).filter(\.$email == email).first() != nil { throw APIError.emailTaken }
        let hash = try await req.primer.passwords.hash(input.password)
        let now = Date()
        let sessions = req.sessions
        let created: (User, Profile, AuthSession, String)
        do {
            created = try await req.primer.writes.transaction(on: req.db) { db in
                let user = User(email: email, passwordHash: hash, name: input.name)
                try await user.create(on: db)
                let profile = Profile(userID: user.id!, profile: input.profile)
                try await profile.create(on: db)
                let (session, token) = try await sessions.open(userID: user.id!, on: db, now: now)
                return (user, profile, session, token)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError.emailTaken
        }
        let (user, profile, session, token) = created
        let body = try await sessions.authResponse(user: user, profile: profile, sessionID: session.id!, refreshToken: token)
        return try await body.encodeResponse(status: .created, for: req)
    }

    @Sendable
    func signin(req: Request) async throws -> AuthResponse {
        let input = try req.decodeJSON(SigninRequest.self).validated()
        let lockout = req.primer.lockout
        let now = Date()
        if let until = await lockout.lockedUntil(input.email, now: now) {
            throw Self.locked(until: until, now: now)
        }
        let user = try await User.query(on: req.db).filter(\.$email == input.email).with(\.$profile).first()
        let matches = try await req.primer.passwords.verify(input.password, against: user?.passwordHash)
        guard matches, let user, let profile = user.profile else {
            await lockout.recordFailure(input.email, now: now)
            throw APIError.invalidCredentials
        }
        guard user.isActive else { throw APIError.accountDisabled }
        await lockout.reset(input.email)
        let sessions = req.sessions
        let userID = try user.requireID()
        let (session, token) = try await req.primer.writes.transaction(on: req.db) { db in
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastLoginAt, to: now).update()
            return try await sessions.open(userID: userID, on: db, now: now)
        }
        user.lastLoginAt = now
        req.primer.readers.invalidate(userID: userID)  // cached answers show last_login_at
        return try await sessions.authResponse(user: user, profile: profile, sessionID: session.id!, refreshToken: token)
    }

    static func locked(until: Date, now: Date) -> APIError {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return .tooManyRequests(
            code: "account_locked",
            detail: "Too many failed sign-ins for this account. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
            retryAfter: until.timeIntervalSince(now))
    }

    @Sendable
    func refresh(req: Request) async throws -> AuthResponse {
        let body = try req.decodeJSON(RefreshRequest.self)
        guard let token = body.refresh_token, !token.isEmpty else {
            throw APIError.invalidRequest("Missing field: refresh_token", fields: ["refresh_token": "is required"])
        }
        return try await req.sessions.rotate(token)
    }

    @Sendable
    func signout(req: Request) async throws -> MessageResponse {
        try await req.sessions.revoke(sessionIDs: [try req.reader.sessionID])
        return MessageResponse(message: "Signed out")
    }

    @Sendable
    func signoutAll(req: Request) async throws -> MessageResponse {
        try await req.sessions.revokeAll(userID: try req.reader.userID)
        return MessageResponse(message: "Signed out of all sessions")
    }
}

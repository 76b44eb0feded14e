import Fluent
import Vapor

/// The signed-in reader behind a request: user, profile and the session the token belongs to.
struct AuthenticatedReader: Authenticatable {
    let user: User
    let profile: Profile
    let session: AuthSession

    var userID: UUID { user.id! }
    var sessionID: UUID { session.id! }
}

extension Request {
    /// Resolves the bearer token to a live session of an active user. Returns nil when no
    /// token was sent; throws 401 `invalid_token` for a bad, expired or ended one.
    func resolveReader() async throws -> AuthenticatedReader? {
        guard let authorization = headers.first(name: .authorization) else { return nil }
        guard let token = headers.bearerAuthorization?.token, !authorization.isEmpty else { throw APIError.invalidToken }
        guard let ids = await primer.tokens.verifyAccessToken(token) else { throw APIError.invalidToken }
        let now = Date()
        guard let session = try await AuthSession.find(ids.sessionID, on: db),
              session.$user.id == ids.userID, session.isLive(at: now),
              let user = try await User.query(on: db).filter(\.$id == ids.userID).with(\.$profile).first(),
              let profile = user.profile
        else { throw APIError.invalidToken }
        guard user.isActive else { throw APIError.accountDisabled }
        if now.timeIntervalSince(session.lastUsedAt) > 60 {
            try await AuthSession.query(on: db).filter(\.$id == ids.sessionID).set(\.$lastUsedAt, to: now).update()
            session.lastUsedAt = now
        }
        return AuthenticatedReader(user: user, profile: profile, session: session)
    }

    /// The signed-in reader; only valid behind `ReaderAuthMiddleware`.
    var reader: AuthenticatedReader {
        get throws {
            guard let reader = auth.get(AuthenticatedReader.self) else { throw APIError.notAuthenticated }
            return reader
        }
    }
}

/// Requires a valid bearer access token with a live session: 401 `not_authenticated` when
/// none is sent, 401 `invalid_token` when it is bad, 403 `account_disabled`.
struct ReaderAuthMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let reader = try await request.resolveReader() else { throw APIError.notAuthenticated }
        request.auth.login(reader)
        return try await next.respond(to: request)
    }
}

import Fluent
import Vapor

/// How a request's bearer token resolved without touching the database.
enum BearerCheck {
    /// No Authorization header.
    case absent
    /// A header that is not a valid access token.
    case invalid
    /// A valid token whose reader was cached.
    case cached(AuthenticatedReader)
    /// A valid token whose session must be looked up.
    case lookup(userID: UUID, sessionID: UUID)
}

extension Request {
    /// Verifies the bearer token synchronously and consults the reader cache. Without an
    /// Authorization header the browser session's access token (cookie) is used; a stale
    /// cookie counts as signed out rather than as a bad token.
    func checkBearer(now: Date) -> BearerCheck {
        let ids: (userID: UUID, sessionID: UUID)
        if headers.first(name: .authorization) != nil {
            guard let token = headers.bearerAuthorization?.token, let verified = primer.tokens.verifyAccessToken(token, now: now)
            else { return .invalid }
            ids = verified
        } else {
            guard let token = browserAccessToken, !token.isEmpty, let verified = primer.tokens.verifyAccessToken(token, now: now)
            else { return .absent }
            ids = verified
        }
        if let reader = primer.readers.reader(sessionID: ids.sessionID, now: now), reader.userID == ids.userID {
            return .cached(reader)
        }
        return .lookup(userID: ids.userID, sessionID: ids.sessionID)
    }

    /// Loads the session and reader from the database; throws 401 `invalid_token` when the
    /// session has ended and 403 `account_disabled` for a deactivated user.
    func lookUpReader(userID: UUID, sessionID: UUID, now: Date) async throws -> AuthenticatedReader {
        let store = FluentAccountRepository(db: db, writes: primer.writes, cipher: primer.dataCipher)
        guard let session = try await store.session(id: sessionID), session.userID == userID, session.isLive(at: now),
              let account = try await store.account(id: userID)
        else { throw APIError.invalidToken }
        guard account.isActive else { throw APIError.accountDisabled }
        let reader = try AuthenticatedReader(account: account, session: session)
        primer.readers.store(reader, now: now)
        return reader
    }

    /// Resolves the bearer token to a live session of an active user. Returns nil when no
    /// token was sent; throws 401 `invalid_token` for a bad, expired or ended one.
    func resolveReader() async throws -> AuthenticatedReader? {
        let now = Date()
        switch checkBearer(now: now) {
        case .absent: return nil
        case .invalid: throw APIError.invalidToken
        case .cached(let reader): return touched(reader, now: now)
        case let .lookup(userID, sessionID): return touched(try await lookUpReader(userID: userID, sessionID: sessionID, now: now), now: now)
        }
    }

    /// Records use of the session at most once a minute, without delaying the request.
    func touched(_ reader: AuthenticatedReader, now: Date) -> AuthenticatedReader {
        guard now.timeIntervalSince(reader.sessionLastUsedAt) > 60 else { return reader }
        var reader = reader
        reader.sessionLastUsedAt = now
        primer.readers.touch(sessionID: reader.sessionID, at: now)
        let store = FluentAccountRepository(db: db, writes: primer.writes, cipher: primer.dataCipher), logger = self.logger, sessionID = reader.sessionID
        Task {
            do {
                try await store.touch(sessionID: sessionID, at: now)
            } catch {
                logger.warning("Could not record session use: \(String(describing: type(of: error)))")
            }
        }
        return reader
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
/// none is sent, 401 `invalid_token` when it is bad, 403 `account_disabled`. A cached reader
/// is resolved on the event loop without a task hop.
struct ReaderAuthMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let now = Date()
        switch request.checkBearer(now: now) {
        case .absent:
            return request.eventLoop.makeFailedFuture(APIError.notAuthenticated)
        case .invalid:
            return request.eventLoop.makeFailedFuture(APIError.invalidToken)
        case .cached(let reader):
            request.auth.login(request.touched(reader, now: now))
            return next.respond(to: request)
        case let .lookup(userID, sessionID):
            return request.eventLoop.makeFutureWithTask {
                try await request.lookUpReader(userID: userID, sessionID: sessionID, now: now)
            }.flatMap { reader in
                request.auth.login(request.touched(reader, now: now))
                return next.respond(to: request)
            }
        }
    }
}

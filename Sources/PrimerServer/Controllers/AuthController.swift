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
        let signedIn = try await req.accounts.signUp(email: input.email, password: input.password, profile: input.profile,
                                                     name: input.name, client: req.clientInfo)
        try await req.emailVerification.send(to: signedIn.account)
        return try await req.authResponse(signedIn).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func signin(req: Request) async throws -> Response {
        let input = try req.decodeJSON(SigninRequest.self).validated()
        return try await req.signInResponse(req.accounts.signIn(email: input.email, password: input.password, client: req.clientInfo))
    }

    @Sendable
    func refresh(req: Request) async throws -> AuthResponse {
        let body = try req.decodeJSON(RefreshRequest.self)
        guard let token = body.refresh_token, !token.isEmpty else {
            throw APIError.invalidRequest("Missing field: refresh_token", fields: ["refresh_token": "is required"])
        }
        return try await req.authResponse(req.sessions.rotate(token))
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

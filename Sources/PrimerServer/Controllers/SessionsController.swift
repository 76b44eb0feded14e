import Vapor

/// `/api/v1/auth/sessions`: the reader's signed-in devices.
struct SessionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let sessions = routes.grouped("auth", "sessions").grouped(ReaderAuthMiddleware())
        sessions.get(use: list)
        sessions.delete(":sessionID", use: revoke)
    }

    @Sendable
    func list(req: Request) async throws -> [SessionResponse] {
        let reader = try req.reader
        return try await req.sessions.liveSessions(userID: reader.userID).map { SessionResponse($0, current: reader.sessionID) }
    }

    @Sendable
    func revoke(req: Request) async throws -> MessageResponse {
        guard let id = req.parameters.get("sessionID", as: UUID.self) else { throw APIError.notFound("No such session") }
        try await req.sessions.revokeSession(id, of: try req.reader.userID)
        return MessageResponse(message: "Session signed out")
    }
}

import Fluent
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
        let now = Date()
        let sessions = try await AuthSession.query(on: req.db)
            .filter(\.$user.$id == reader.userID).filter(\.$revokedAt == nil).filter(\.$expiresAt > now)
            .sort(\.$lastUsedAt, .descending).all()
        return try sessions.map { session in
            let id = try session.requireID()
            return SessionResponse(
                id: id, createdAt: session.createdAt ?? now, lastUsedAt: session.lastUsedAt,
                userAgent: session.userAgent, ipAddress: session.ipAddress, current: id == reader.sessionID)
        }
    }

    @Sendable
    func revoke(req: Request) async throws -> MessageResponse {
        let reader = try req.reader
        guard let id = req.parameters.get("sessionID", as: UUID.self),
              let session = try await AuthSession.query(on: req.db)
                .filter(\.$id == id).filter(\.$user.$id == reader.userID).filter(\.$revokedAt == nil).first(),
              session.isLive(at: Date())
        else { throw APIError.notFound("No such session") }
        try await req.sessions.revoke(sessionIDs: [id])
        return MessageResponse(message: "Session signed out")
    }
}

import PrimerCore
import Vapor

/// `/api/v1/profile`: read and edit the reader's background.
struct ProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let profile = routes.grouped("profile").grouped(ReaderAuthMiddleware())
        profile.get(use: show)
        profile.put(use: update)
    }

    /// Synchronous: the reader is already resolved (often from the cache) with its answer
    /// encoded.
    @Sendable
    func show(req: Request) throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"],
                 body: .init(buffer: try req.reader.encodedProfile))
    }

    @Sendable
    func update(req: Request) async throws -> UserResponse {
        let change = try req.decodeJSON(UpdateProfileRequest.self).validated()
        return UserResponse(account: try await req.accounts.updateProfile(userID: try req.reader.userID, change))
    }
}

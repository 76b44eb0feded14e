import Vapor

/// `DELETE /api/v1/account`: the reader deletes their account and everything about them.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("account").grouped(ReaderAuthMiddleware()).delete(use: delete)
    }

    @Sendable
    func delete(req: Request) async throws -> MessageResponse {
        let body = try req.decodeJSON(DeleteAccountRequest.self)
        try await req.accounts.deleteAccount(userID: try req.reader.userID, password: body.password)
        return MessageResponse(message: "Account deleted")
    }
}

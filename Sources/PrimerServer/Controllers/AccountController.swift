import Fluent
import Vapor

/// `DELETE /api/v1/account`: the reader deletes their account and everything about them.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("account").grouped(ReaderAuthMiddleware()).delete(use: delete)
    }

    @Sendable
    func delete(req: Request) async throws -> MessageResponse {
        let body = try req.decodeJSON(DeleteAccountRequest.self)
        guard let password = body.password, !password.isEmpty else {
            throw APIError.invalidRequest("Confirm with your password", fields: ["password": "is required"])
        }
        let reader = try req.reader
        let hash = try await User.find(reader.userID, on: req.db)?.passwordHash
        guard try await req.primer.passwords.verify(password, against: hash) else {
            throw APIError(status: .forbidden, code: "invalid_password", detail: "The password is not correct",
                           fields: ["password": "is not correct"])
        }
        let userID = reader.userID
        try await req.primer.writes.transaction(on: req.db) { db in
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
        req.primer.readers.invalidate(userID: userID)
        return MessageResponse(message: "Account deleted")
    }
}

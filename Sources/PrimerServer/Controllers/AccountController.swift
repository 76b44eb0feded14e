import Fluent
import Foundation
import PrimerCore
import Vapor

/// `/api/v1/account`: the reader deletes their account and everything about them
/// (`DELETE`), or takes a copy of everything Primer holds about them (`GET …/export`).
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.grouped("account").grouped(ReaderAuthMiddleware())
        account.delete(use: delete)
        account.get("export", use: export)
    }

    @Sendable
    func delete(req: Request) async throws -> MessageResponse {
        let body = try req.decodeJSON(DeleteAccountRequest.self)
        try await req.accounts.deleteAccount(userID: try req.reader.userID, password: body.password)
        return MessageResponse(message: "Account deleted")
    }

    /// Profile, every session, the audit trail and every question with its answer and
    /// feedback, decrypted.
    @Sendable
    func export(req: Request) async throws -> Response {
        let userID = try req.reader.userID
        guard let account = try await req.accounts.accounts.account(id: userID) else { throw APIError.invalidToken }
        let cipher = req.primer.dataCipher
        let sessions = try await AuthSession.query(on: req.db).filter(\.$user.$id == userID).sort(\.$createdAt).all().map { session in
            ExportedSession(id: try session.requireID(), createdAt: session.createdAt ?? session.lastUsedAt, lastUsedAt: session.lastUsedAt,
                            expiresAt: session.expiresAt, revokedAt: session.revokedAt, userAgent: session.userAgent,
                            ipAddress: session.ipAddress)
        }
        let decoder = JSONDecoder()
        let audit = try await AuditEvent.query(on: req.db).filter(\.$user.$id == userID).sort(\.$createdAt).all().map { event in
            ExportedAuditEvent(
                action: event.action, changedFields: event.changedFields,
                oldValues: try decoder.decode([String: AuditValue].self, from: Data(try cipher.decrypt(event.oldValues).utf8)),
                newValues: try decoder.decode([String: AuditValue].self, from: Data(try cipher.decrypt(event.newValues).utf8)),
                createdAt: event.createdAt ?? Date())
        }
        let questions = try await ChatQuery.query(on: req.db).filter(\.$userID == userID).sort(\.$createdAt).all().map { row in
            ExportedQuestion(id: try row.requireID(), conversationID: row.conversationID, query: try cipher.decrypt(row.query),
                             answer: try cipher.decrypt(row.answer), answered: row.answered, helpful: row.helpful,
                             feedbackComment: try cipher.decryptIfPresent(row.feedbackComment), createdAt: row.createdAt ?? Date())
        }
        let export = AccountExport(exportedAt: Date(), user: UserResponse(account: account), sessions: sessions,
                                   auditEvents: audit, questions: questions,
                                   twoFactor: TwoFactorStatusResponse(try await req.twoFactor.status(userID: userID)))
        let response = try await export.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"primer-account-export.json\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

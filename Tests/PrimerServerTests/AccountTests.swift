import Foundation
import SQLKit
import Testing

/// Contract item 9: deleting an account removes everything about the reader.
@Suite struct AccountTests {
    @Test(arguments: TestDatabase.allCases)
    func deleteRequiresThePassword(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let wrong = try await server.send(.DELETE, "/api/v1/account", json: ["password": "Wrong#Pass1"], token: reader.accessToken)
            #expect(wrong.status == .forbidden)
            #expect(wrong.code == "invalid_password")
            let missing = try await server.send(.DELETE, "/api/v1/account", json: [String: Any](), token: reader.accessToken)
            #expect(missing.status == .badRequest)
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func deleteRemovesUserProfileSessionsAndAuditEvents(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let keeper = try await server.signUp()
            _ = try await server.signIn(reader.email, reader.password)
            _ = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            _ = try await server.send(.PUT, "/api/v1/profile", json: ["software_experience": "Advanced"], token: reader.accessToken)
            _ = try await server.send(.PUT, "/api/v1/profile", json: ["software_experience": "Advanced"], token: keeper.accessToken)
            let response = try await server.send(.DELETE, "/api/v1/account", json: ["password": reader.password], token: reader.accessToken)
            #expect(response.status == .ok)
            for table in ["users", "profiles", "sessions", "audit_events"] {
                let n = try await server.sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self)
                #expect(n == 1, "\(table) keeps only the other reader's row")
            }
            let tokens = try await server.sql.raw("SELECT COUNT(*) AS n FROM refresh_tokens").first()?.decode(column: "n", as: Int.self)
            #expect(tokens == 1)
            let signin = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
            #expect(signin.status == .unauthorized)
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .unauthorized)
            // The email can be used again.
            _ = try await server.signUp(email: reader.email)
        }
    }
}

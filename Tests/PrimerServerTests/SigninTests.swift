import Foundation
import SQLKit
import Testing

/// Contract item 2 (sign-in) and the account lockout.
@Suite struct SigninTests {
    @Test(arguments: TestDatabase.allCases)
    func signinSetsLastLoginAndOpensSession(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(email: "sign@example.com")
            let response = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": " SIGN@example.com", "password": reader.password])
            #expect(response.status == .ok)
            let user = response.json["user"] as? [String: Any]
            #expect(isISO8601UTC(user?["last_login_at"]))
            #expect(response.json["refresh_token"] as? String != reader.refreshToken)
            let count = try await server.sql.raw("SELECT COUNT(*) AS n FROM sessions").first()?.decode(column: "n", as: Int.self)
            #expect(count == 2)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func wrongPasswordAndUnknownEmailLookTheSame(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let wrong = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": "Wrong#Pass1"])
            let unknown = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "nobody@example.com", "password": "Wrong#Pass1"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.code == "invalid_credentials")
            #expect(wrong.body == unknown.body)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func disabledAccountIs403(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            try await server.sql.raw("UPDATE users SET is_active = \(bind: false)").run()
            let response = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
            #expect(response.status == .forbidden)
            #expect(response.code == "account_disabled")
            // Existing tokens stop working too.
            let profile = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
            #expect(profile.status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func tenFailuresLockTheAccountEvenForTheRightPassword(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            for _ in 0..<10 {
                let r = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": "Wrong#Pass1"])
                #expect(r.status == .unauthorized)
            }
            let locked = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.code == "account_locked")
            let retry = Int(locked.headers.first(name: "Retry-After") ?? "") ?? 0
            #expect(retry > 14 * 60 && retry <= 15 * 60)
            // Other accounts are unaffected.
            let other = try await server.signUp()
            _ = try await server.signIn(other.email, other.password)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func lockoutAnswersTheSameForUnknownEmails(db: TestDatabase) async throws {
        try await withServer(db) { server in
            for _ in 0..<10 {
                _ = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "ghost@example.com", "password": "Wrong#Pass1"])
            }
            let locked = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "ghost@example.com", "password": "Wrong#Pass1"])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.code == "account_locked")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func missingCredentialsAre400(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "a@example.com"])
            #expect(response.status == .badRequest)
            #expect(response.fields == ["password": "is required"])
        }
    }
}

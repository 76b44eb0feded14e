import Foundation
@testable import PrimerCore
import SQLKit
import Testing

/// Contract item 5: rotating refresh tokens, the grace window and reuse detection.
@Suite struct RefreshTests {
    @Test(arguments: TestDatabase.allCases)
    func refreshRotatesWithinTheSameSession(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let response = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            #expect(response.status == .ok)
            let next = try server.reader(from: response, email: reader.email, password: reader.password)
            #expect(next.refreshToken != reader.refreshToken)
            #expect(sessionID(of: next.accessToken) == sessionID(of: reader.accessToken))
            #expect(try await server.send(.GET, "/api/v1/profile", token: next.accessToken).status == .ok)
            // Only hashes are stored.
            let rows = try await server.sql.raw("SELECT token_hash FROM refresh_tokens").all()
            let hashes = try rows.map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(hashes.count == 2)
            #expect(!hashes.contains(reader.refreshToken) && !hashes.contains(next.refreshToken))
            #expect(hashes.allSatisfy { $0.count == 64 })
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func rotatedTokenWithinGraceGetsTheCurrentTokens(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let first = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            let second = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            #expect(first.status == .ok && second.status == .ok)
            #expect(first.json["refresh_token"] as? String == second.json["refresh_token"] as? String)
            // The session stays usable with the current token.
            let third = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": first.json["refresh_token"] as! String])
            #expect(third.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func concurrentRefreshesWithOneTokenAgree(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let tokens = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let r = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
                        return (r.status.code, r.json["refresh_token"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(tokens.allSatisfy { $0.0 == 200 })
            #expect(Set(tokens.compactMap(\.1)).count == 1)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func reuseAfterGraceRevokesTheSession(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let rotated = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            let current = try server.reader(from: rotated, email: reader.email, password: reader.password)
            // Age the rotation past the 10-second grace window.
            try await server.sql.raw("UPDATE refresh_tokens SET rotated_at = \(bind: Date().addingTimeInterval(-11)) WHERE rotated_at IS NOT NULL").run()
            let replay = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            #expect(replay.status == .unauthorized)
            #expect(replay.code == "refresh_token_reused")
            // The whole session is gone: current refresh and access tokens fail.
            let after = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": current.refreshToken])
            #expect(after.status == .unauthorized)
            #expect(try await server.send(.GET, "/api/v1/profile", token: current.accessToken).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func unknownAndExpiredTokensAreInvalid(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let unknown = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": "bm90LWEtcmVhbC10b2tlbg"])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.code == "invalid_refresh_token")
            let reader = try await server.signUp()
            try await server.sql.raw("UPDATE sessions SET expires_at = \(bind: Date().addingTimeInterval(-1))").run()
            let expired = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            #expect(expired.status == .unauthorized)
            #expect(expired.code == "invalid_refresh_token")
            let missing = try await server.send(.POST, "/api/v1/auth/refresh", json: [String: Any]())
            #expect(missing.status == .badRequest)
        }
    }
}

func sessionID(of accessToken: String) -> String? {
    jsonObject(Base64URL.decode(accessToken.split(separator: ".")[1]))?["sid"] as? String
}

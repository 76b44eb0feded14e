import Foundation
import Testing

/// Contract items 6 (sign-out) and 7 (session management).
@Suite struct SessionTests {
    @Test(arguments: TestDatabase.allCases)
    func signoutEndsThatSessionAtOnce(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let other = try await server.signIn(reader.email, reader.password)
            let out = try await server.send(.POST, "/api/v1/auth/signout", token: reader.accessToken)
            #expect(out.status == .ok)
            #expect(out.json["message"] as? String == "Signed out")
            let old = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
            #expect(old.status == .unauthorized)
            #expect(old.headers.first(name: "WWW-Authenticate") == "Bearer")
            let refresh = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            #expect(refresh.status == .unauthorized)
            // The other device is still signed in.
            #expect(try await server.send(.GET, "/api/v1/profile", token: other.accessToken).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func signoutAllEndsEverySession(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let second = try await server.signIn(reader.email, reader.password)
            let stranger = try await server.signUp()
            #expect(try await server.send(.POST, "/api/v1/auth/signout-all", token: second.accessToken).status == .ok)
            for token in [reader.accessToken, second.accessToken] {
                #expect(try await server.send(.GET, "/api/v1/profile", token: token).status == .unauthorized)
            }
            for token in [reader.refreshToken, second.refreshToken] {
                #expect(try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": token]).status == .unauthorized)
            }
            #expect(try await server.send(.GET, "/api/v1/profile", token: stranger.accessToken).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func sessionsAreListedWithTheCurrentOneMarked(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let laptop = try await server.signIn(reader.email, reader.password, headers: [("User-Agent", "LaptopBrowser/1.0")])
            let response = try await server.send(.GET, "/api/v1/auth/sessions", token: laptop.accessToken)
            #expect(response.status == .ok)
            let sessions = response.array
            #expect(sessions.count == 2)
            let current = sessions.filter { $0["current"] as? Bool == true }
            #expect(current.count == 1)
            #expect(current.first?["id"] as? String == sessionID(of: laptop.accessToken))
            #expect(current.first?["user_agent"] as? String == "LaptopBrowser/1.0")
            #expect(current.first?["ip_address"] as? String == "127.0.0.1")
            #expect(sessions.allSatisfy { isISO8601UTC($0["created_at"]) && isISO8601UTC($0["last_used_at"]) })
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func revokingOneOwnSessionSignsThatDeviceOut(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let phone = try await server.signIn(reader.email, reader.password)
            let phoneSession = try #require(sessionID(of: phone.accessToken))
            let response = try await server.send(.DELETE, "/api/v1/auth/sessions/\(phoneSession)", token: reader.accessToken)
            #expect(response.status == .ok)
            #expect(try await server.send(.GET, "/api/v1/profile", token: phone.accessToken).status == .unauthorized)
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .ok)
            let list = try await server.send(.GET, "/api/v1/auth/sessions", token: reader.accessToken)
            #expect(list.array.count == 1)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func someoneElsesSessionIsNotFound(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let stranger = try await server.signUp()
            let theirs = try #require(sessionID(of: stranger.accessToken))
            let response = try await server.send(.DELETE, "/api/v1/auth/sessions/\(theirs)", token: reader.accessToken)
            #expect(response.status == .notFound)
            #expect(response.code == "not_found")
            #expect(try await server.send(.GET, "/api/v1/profile", token: stranger.accessToken).status == .ok)
            let bogus = try await server.send(.DELETE, "/api/v1/auth/sessions/not-a-uuid", token: reader.accessToken)
            #expect(bogus.status == .notFound)
        }
    }
}

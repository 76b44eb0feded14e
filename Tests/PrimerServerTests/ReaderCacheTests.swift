import Foundation
import SQLKit
import PrimerCore
@testable import PrimerServer
import Testing

/// The in-process reader cache: hits, invalidation and expiry.
@Suite struct ReaderCacheTests {
    func reader(user: UUID = UUID(), session: UUID = UUID(), expires: Date) throws -> AuthenticatedReader {
        let account = Account(id: user, email: "a@b.co", passwordHash: "x", name: nil, createdAt: Date(),
                              profile: .init(softwareExperience: .beginner, hardwareExperience: .none))
        let s = DeviceSession(id: session, userID: user, createdAt: Date(), expiresAt: expires, userAgent: nil, ipAddress: nil)
        return try AuthenticatedReader(account: account, session: s)
    }

    @Test func storesAndExpires() throws {
        let cache = ReaderCache(ttl: 30)
        let now = Date(timeIntervalSince1970: 1_000_000)
        let r = try reader(expires: now.addingTimeInterval(3600))
        cache.store(r, now: now)
        #expect(cache.reader(sessionID: r.sessionID, now: now.addingTimeInterval(29))?.userID == r.userID)
        #expect(cache.reader(sessionID: r.sessionID, now: now.addingTimeInterval(31)) == nil)
    }

    @Test func neverOutlivesTheSession() throws {
        let cache = ReaderCache(ttl: 30)
        let now = Date(timeIntervalSince1970: 1_000_000)
        let r = try reader(expires: now.addingTimeInterval(5))
        cache.store(r, now: now)
        #expect(cache.reader(sessionID: r.sessionID, now: now.addingTimeInterval(6)) == nil)
    }

    @Test func invalidatesBySessionAndByUser() throws {
        let cache = ReaderCache(ttl: 30)
        let now = Date()
        let user = UUID()
        let a = try reader(user: user, expires: now.addingTimeInterval(3600))
        let b = try reader(user: user, expires: now.addingTimeInterval(3600))
        let other = try reader(expires: now.addingTimeInterval(3600))
        for r in [a, b, other] { cache.store(r, now: now) }
        cache.invalidate(sessionIDs: [a.sessionID])
        #expect(cache.reader(sessionID: a.sessionID, now: now) == nil)
        #expect(cache.reader(sessionID: b.sessionID, now: now) != nil)
        cache.invalidate(userID: user)
        #expect(cache.reader(sessionID: b.sessionID, now: now) == nil)
        #expect(cache.reader(sessionID: other.sessionID, now: now) != nil)
    }

    @Test func zeroTTLDisablesIt() throws {
        let cache = ReaderCache(ttl: 0)
        let r = try reader(expires: Date().addingTimeInterval(3600))
        cache.store(r, now: Date())
        #expect(cache.reader(sessionID: r.sessionID, now: Date()) == nil)
    }

    @Test(arguments: TestDatabase.allCases)
    func profileChangesAreVisibleAtOnceWithTheCacheOn(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.authCacheSeconds = 300 }) { server in
            let reader = try await server.signUp()
            let phone = try await server.signIn(reader.email, reader.password)
            for token in [reader.accessToken, phone.accessToken] {
                #expect(try await server.send(.GET, "/api/v1/profile", token: token).status == .ok)  // warm the cache
            }
            _ = try await server.send(.PUT, "/api/v1/profile", json: ["software_experience": "Advanced"], token: reader.accessToken)
            let seen = try await server.send(.GET, "/api/v1/profile", token: phone.accessToken)
            #expect((seen.json["profile"] as? [String: Any])?["software_experience"] as? String == "Advanced")
            _ = try await server.send(.POST, "/api/v1/auth/signout-all", token: reader.accessToken)
            #expect(try await server.send(.GET, "/api/v1/profile", token: phone.accessToken).status == .unauthorized)
        }
    }

    @Test func withTheCacheOffOtherProcessesChangesAreSeenAtOnce() async throws {
        try await withServer(.sqlite, configure: { $0.authCacheSeconds = 0 }) { server in
            let reader = try await server.signUp()
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .ok)
            // Another process ends the session directly in the database.
            try await server.sql.raw("UPDATE sessions SET revoked_at = \(bind: Date())").run()
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .unauthorized)
        }
    }
}

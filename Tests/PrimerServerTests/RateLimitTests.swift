import Foundation
import NIOHTTP1
@testable import PrimerCore
import Testing

/// Per-IP, per-route rate limits and client addresses behind trusted proxies.
@Suite struct RateLimitTests {
    @Test(arguments: TestDatabase.allCases)
    func signupLimitAnswers429WithRetryAfter(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.rateLimits.signup = RateLimitRule(count: 2, seconds: 60) }) { server in
            for _ in 0..<2 { #expect(try await server.send(.POST, "/api/v1/auth/signup", json: signupBody()).status == .created) }
            let limited = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody())
            #expect(limited.status == .tooManyRequests)
            #expect(limited.code == "rate_limited")
            let retry = Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0
            #expect(retry >= 1 && retry <= 30)
            // Other routes have their own budget.
            #expect(try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "a@example.com", "password": "x"]).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.allCases, [
        ("signin", "/api/v1/auth/signin"), ("refresh", "/api/v1/auth/refresh"), ("default", "/health"),
    ])
    func eachRouteClassHasItsLimit(db: TestDatabase, example: (String, String)) async throws {
        let (kind, path) = example
        let rule = RateLimitRule(count: 3, seconds: 60)
        try await withServer(db, configure: { settings in
            switch kind {
            case "signin": settings.rateLimits.signin = rule
            case "refresh": settings.rateLimits.refresh = rule
            default: settings.rateLimits.general = rule
            }
        }) { server in
            let method: HTTPMethodName = path == "/health" ? .GET : .POST
            var statuses: [UInt] = []
            for _ in 0..<4 {
                let r = try await server.send(method.vapor, path, json: method == .GET ? nil : ["email": "x@example.com", "password": "y", "refresh_token": "z"])
                statuses.append(r.status.code)
            }
            #expect(statuses.prefix(3).allSatisfy { $0 != 429 })
            #expect(statuses.last == 429)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func forwardedForCountsOnlyFromTrustedProxies(db: TestDatabase) async throws {
        let rule = RateLimitRule(count: 1, seconds: 60)
        try await withServer(db, configure: {
            $0.rateLimits.general = rule
            $0.trustedProxies = [try! IPNetwork(parsing: "127.0.0.0/8")]
        }) { server in
            let first = try await server.send(.GET, "/health", headers: [("X-Forwarded-For", "203.0.113.7")])
            let second = try await server.send(.GET, "/health", headers: [("X-Forwarded-For", "203.0.113.7")])
            let other = try await server.send(.GET, "/health", headers: [("X-Forwarded-For", "198.51.100.1, 127.0.0.1")])
            #expect(first.status == .ok)
            #expect(second.status == .tooManyRequests)
            #expect(other.status == .ok)
        }
        try await withServer(db, configure: { $0.rateLimits.general = rule }) { server in
            // Untrusted peer: the header is ignored, so both requests come from 127.0.0.1.
            let first = try await server.send(.GET, "/health", headers: [("X-Forwarded-For", "203.0.113.7")])
            let second = try await server.send(.GET, "/health", headers: [("X-Forwarded-For", "203.0.113.8")])
            #expect(first.status == .ok)
            #expect(second.status == .tooManyRequests)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func sessionsRecordTheForwardedAddress(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.trustedProxies = [try! IPNetwork(parsing: "127.0.0.1")] }) { server in
            let reader = try await server.signUp()
            _ = try await server.signIn(reader.email, reader.password, headers: [("X-Forwarded-For", "192.0.2.44")])
            let sessions = try await server.send(.GET, "/api/v1/auth/sessions", token: reader.accessToken).array
            #expect(Set(sessions.compactMap { $0["ip_address"] as? String }) == ["127.0.0.1", "192.0.2.44"])
        }
    }
}

/// GET or POST, for parameterised rate-limit tests.
enum HTTPMethodName {
    case GET, POST
    var vapor: NIOHTTP1.HTTPMethod { self == .GET ? .GET : .POST }
}

import FluentKit
import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing
import Vapor

/// Health, CORS, OpenAPI, request logging and migrations.
@Suite struct PlatformTests {
    @Test(arguments: TestDatabase.allCases)
    func healthReportsTheDatabase(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.GET, "/health")
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
            #expect(response.json["database"] as? String == "ok")
            #expect(response.json["version"] as? String == PrimerVersion.current)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func healthIs503WhenTheDatabaseIsDown(db: TestDatabase) async throws {
        let unreachable: DatabaseChoice = switch db {
        case .sqlite: .sqlite(path: try blockedSQLitePath())
        case .postgres: .postgres(url: "postgres://primer:primer@127.0.0.1:1/none?tlsmode=disable")
        }
        try await withServer(db, databaseOverride: unreachable, migrate: false) { server in
            let response = try await server.send(.GET, "/health")
            #expect(response.status == .serviceUnavailable)
            #expect(response.json["database"] as? String == "down")
            #expect(response.json["status"] as? String == "degraded")
            // API calls say the database is unavailable instead of failing with a 500.
            let signin = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "a@example.com", "password": "Sturdy#Pass1"])
            #expect(signin.status == .serviceUnavailable)
            #expect(signin.code == "database_unavailable")
            #expect(signin.headers.first(name: "Retry-After") == "1")
        }
    }

    /// A path where SQLite cannot open a database: it is a directory.
    func blockedSQLitePath() throws -> String {
        let path = NSTemporaryDirectory() + "primer-blocked-\(UUID().uuidString)/primer.sqlite"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test(arguments: TestDatabase.allCases)
    func corsAnswersListedOriginsOnly(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.corsOrigins = ["https://book.example.org"] }) { server in
            let preflight = try await server.send(.OPTIONS, "/api/v1/auth/signin", headers: [
                ("Origin", "https://book.example.org"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == "https://book.example.org")
            #expect(preflight.headers.first(name: "Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Headers")?.contains("Authorization") == true)
            let simple = try await server.send(.GET, "/health", headers: [("Origin", "https://book.example.org")])
            #expect(simple.headers.first(name: "Access-Control-Allow-Origin") == "https://book.example.org")

            let evil = try await server.send(.OPTIONS, "/api/v1/auth/signin", headers: [
                ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
            ])
            #expect(!evil.headers.contains { $0.name.lowercased().hasPrefix("access-control-") })
            let evilGet = try await server.send(.GET, "/health", headers: [("Origin", "https://evil.example")])
            #expect(!evilGet.headers.contains { $0.name.lowercased().hasPrefix("access-control-") })
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func openAPIDocumentsEveryAPIRoute(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.GET, "/openapi.json")
            #expect(response.status == .ok)
            let spec = response.json
            #expect((spec["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(spec["paths"] as? [String: [String: Any]])
            let routes = server.app.routes.all.filter { $0.path.first?.description == "api" }
            #expect(!routes.isEmpty)
            for route in routes {
                var path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    if case .catchall = component { return "{slug}" }
                    return component.description
                }.joined(separator: "/")
                // The page catch-all takes POST only as `<slug>/personalize`.
                if route.method == .POST, path == "/api/v1/book/pages/{slug}" { path += "/personalize" }
                let operation = paths[path]?[route.method.rawValue.lowercased()] as? [String: Any]
                #expect(operation != nil, "\(route.method) \(path) is missing from openapi.json")
                let responses = operation?["responses"] as? [String: Any]
                #expect(responses?.keys.contains { $0.hasPrefix("4") } == true, "\(route.method) \(path) documents no error answer")
            }
            for root in ["/health", "/openapi.json"] { #expect(paths[root] != nil) }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func oneLogLinePerRequestWithoutSecrets(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let password = "Log#Secret99"
            let reader = try await server.signUp(password: password)
            _ = try await server.signIn(reader.email, password)
            _ = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            _ = try await server.send(.GET, "/api/v1/profile?token=\(reader.accessToken)", token: reader.accessToken)
            _ = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": "Wrong#" + password])
            // The site's form sign-in (Set-Cookie), then a page and a cookie refresh with the session cookies.
            let form = try await server.send(.POST, "/signin", body: "email=\(reader.email.replacingOccurrences(of: "@", with: "%40"))&password=\(password)",
                                             headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", server.baseURL)])
            let cookies = form.headers[.setCookie].map { String($0.prefix { $0 != ";" }) }
            #expect(cookies.count == 2)
            _ = try await server.send(.GET, "/profile", headers: [("Cookie", cookies.joined(separator: "; "))])
            _ = try await server.send(.GET, "/profile", headers: [("Cookie", cookies.filter { $0.hasPrefix("primer_refresh") }[0])])
            let lines = server.logs.all
            #expect(lines.contains { $0.hasPrefix("debug Running query") && $0.contains("filters=") }, "trace/debug lines were not captured")
            let requestLines = lines.filter { $0.hasPrefix("info request ") }
            #expect(requestLines.count == 8)
            for line in requestLines {
                #expect(line.contains("method=") && line.contains("path=/") && line.contains("status=") && line.contains("duration_ms=") && line.contains("request_id="))
            }
            #expect(requestLines.contains { $0.contains("path=/api/v1/auth/signin") && $0.contains("status=401") })
            let hash = try await server.sql.raw("SELECT password_hash FROM users").first()?.decode(column: "password_hash", as: String.self) ?? "?"
            let tokenHashes = try await server.sql.raw("SELECT token_hash FROM refresh_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            let cookieValues = cookies.map { String($0.drop { $0 != "=" }.dropFirst()) }
            #expect(!tokenHashes.isEmpty && cookieValues.count == 2)
            for line in lines {
                for secret in [password, reader.accessToken, reader.refreshToken, hash, testSecret, reader.email] + tokenHashes + cookieValues {
                    #expect(!line.contains(secret), "log line leaks a secret: \(line)")
                }
            }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func migrationsRevertAndReapply(db: TestDatabase) async throws {
        try await withServer(db) { server in
            _ = try await server.signUp()
            try await server.app.autoRevert()
            let missing = try? await server.sql.raw("SELECT COUNT(*) AS n FROM users").first()
            #expect(missing == nil)
            try await server.app.autoMigrate()
            let reader = try await server.signUp()
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .ok)
        }
    }

    @Test func productionBcryptCostIs12() async throws {
        let settings = try PrimerSettings.load(from: [
            "BETTER_AUTH_SECRET": String(repeating: "k", count: 40), "SMTP_URL": "smtp://primer:password@smtp.example.com:587",
            "EMAIL_FROM": "Primer <primer@example.com>", "PUBLIC_URL": "https://book.example.com",
            "PRIMER_DATA_KEY": DataKey.random().base64,
        ], production: true)
        #expect(settings.bcryptCost == 12)
        let app = try await Application.make(.testing)
        let hasher = try await PasswordHasher.make(cost: settings.bcryptCost, threadPool: app.threadPool)
        let hash = try await hasher.hash("Sturdy#Pass1")
        #expect(hash.hasPrefix("$2b$12$"))
        #expect(try await hasher.verify("Sturdy#Pass1", against: hash))
        try await app.asyncShutdown()
    }
}

@Suite struct RedactionTests {
    @Test(arguments: [
        "Authorization: Bearer abc.def.ghi",
        "uri: /x?token=s3cr3tvalue&y=1",
        #"{"password": "Hunter#22"}"#,
        "hash $2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
        "Cookie: primer_refresh=s3cr3tvalue; primer_access=abc.def.ghi",
        #"["cookie": "theme=dark; primer_refresh=s3cr3tvalue"]"#,
        "set-cookie: primer_access=abc.def.ghi; Path=/; HttpOnly",
        "headers=[(\"Set-Cookie\", \"primer_refresh=s3cr3tvalue; Max-Age=604800\")]",
        "authorization: Basic s3cr3tvalue",
        "token_hash = s3cr3tvalue",
    ])
    func secretsAreMasked(text: String) {
        let clean = RedactingLogHandler.redact(text)
        #expect(clean.contains("<redacted>"))
        for secret in ["abc.def.ghi", "s3cr3tvalue", "Hunter#22", "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234", "c2lnbmF0dXJl"] {
            #expect(!clean.contains(secret))
        }
    }

    @Test func ordinaryTextIsUntouched() {
        #expect(RedactingLogHandler.redact("GET /api/v1/profile status=200") == "GET /api/v1/profile status=200")
    }
}

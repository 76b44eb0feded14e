import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
@testable import PrimerCore
@testable import PrimerServer
import Testing
import Vapor

extension TestServer {
    var port: Int { Int(baseURL.split(separator: ":").last!)! }

    /// Sends the site's sign-in form as a browser on Primer's own origin would.
    func signInForm(_ email: String, _ password: String, next: String? = nil) async throws -> TestResponse {
        var form = "email=\(email.formEncoded)&password=\(password.formEncoded)"
        if let next { form += "&next=\(next.formEncoded)" }
        return try await send(.POST, "/signin", body: form,
                              headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", baseURL)])
    }
}

extension String {
    var formEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}

/// Issue 10, item 1: the account lockout holds under concurrency.
@Suite struct LockoutRaceTests {
    enum Way: String, CaseIterable, Sendable { case api, form }

    static func signIn(_ server: TestServer, _ way: Way, _ email: String, _ password: String) async throws -> HTTPResponseStatus {
        switch way {
        case .api: try await server.send(.POST, "/api/v1/auth/signin", json: ["email": email, "password": password]).status
        case .form: try await server.signInForm(email, password).status
        }
    }

    /// The status of every sign-in, sent all at once.
    static func burst(_ server: TestServer, _ way: Way, _ email: String, passwords: [String]) async throws -> [HTTPResponseStatus] {
        try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
            for password in passwords { group.addTask { try await signIn(server, way, email, password) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test(arguments: TestDatabase.allCases, Way.allCases)
    func fortyConcurrentWrongPasswordsGetTenChecksAndLockTheRightOneOut(db: TestDatabase, way: Way) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let statuses = try await Self.burst(server, way, reader.email, passwords: Array(repeating: "Wrong#Pass1", count: 40))
            #expect(statuses.filter { $0 == .unauthorized }.count == 10, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 30)
            #expect(try await Self.signIn(server, way, reader.email, reader.password) == .tooManyRequests)
        }
    }

    @Test(arguments: TestDatabase.allCases, Way.allCases)
    func aRightPasswordInsideTheBurstIsOneOfTheTenChecks(db: TestDatabase, way: Way) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let passwords = Array(repeating: "Wrong#Pass1", count: 20) + [reader.password] + Array(repeating: "Wrong#Pass1", count: 20)
            let statuses = try await Self.burst(server, way, reader.email, passwords: passwords)
            let checked = statuses.filter { $0 == .unauthorized || $0 == .ok || $0 == .seeOther || $0 == .found }
            #expect(checked.count <= 10, "\(statuses)")
            #expect(statuses.count - checked.count >= 31)
        }
    }
}

/// Issue 10, item 2: every way in shares its route's limit.
@Suite struct SharedAuthLimitTests {
    @Test(arguments: TestDatabase.allCases)
    func formSignUpsCountAgainstTheSignUpLimit(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.rateLimits.signup = RateLimitRule(count: 5, seconds: 60) }) { server in
            var statuses: [HTTPResponseStatus] = []
            for i in 0..<6 {
                let body = signupBody()
                if i % 2 == 0 {
                    statuses.append(try await server.send(.POST, "/api/v1/auth/signup", json: body).status)
                } else {
                    let form = "email=\((body["email"] as! String).formEncoded)&password=Sturdy%23Pass1&software_experience=Beginner&hardware_experience=None"
                    statuses.append(try await server.send(.POST, "/signup", body: form, headers: [
                        ("Content-Type", "application/x-www-form-urlencoded"), ("Origin", server.baseURL)]).status)
                }
            }
            #expect(statuses.prefix(5).allSatisfy { $0 == .created || $0 == .seeOther }, "\(statuses)")
            #expect(statuses.last == .tooManyRequests)
            let count = try await server.sql.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self)
            #expect(count == 5)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func formSignInsAndCookieRefreshesShareTheirLimits(db: TestDatabase) async throws {
        try await withServer(db, configure: {
            $0.rateLimits.signin = RateLimitRule(count: 3, seconds: 60)
            $0.rateLimits.refresh = RateLimitRule(count: 2, seconds: 60)
        }) { server in
            let reader = try await server.signUp()
            _ = try await server.signIn(reader.email, reader.password)
            let form = try await server.signInForm(reader.email, reader.password)
            #expect(form.status == .seeOther)
            _ = try await server.signIn(reader.email, reader.password)
            #expect(try await server.signInForm(reader.email, reader.password).status == .tooManyRequests)
            #expect(try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password]).status == .tooManyRequests)

            // Refresh: one by the API, one by a page with only the refresh cookie, then both are refused.
            let refreshed = try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])
            #expect(refreshed.status == .ok)
            let refresh = form.headers[.setCookie].first { $0.hasPrefix("primer_refresh=") }!.prefix { $0 != ";" }
            let page = try await server.send(.GET, "/profile", headers: [("Cookie", String(refresh))])
            #expect(page.status == .ok)
            let newRefresh = page.headers[.setCookie].first { $0.hasPrefix("primer_refresh=") }!.prefix { $0 != ";" }
            #expect(try await server.send(.GET, "/profile", headers: [("Cookie", String(newRefresh))]).status == .tooManyRequests)
            let token = refreshed.json["refresh_token"] as! String
            #expect(try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": token]).status == .tooManyRequests)
        }
    }
}

/// Issue 10, item 3: sign-in redirects stay on the site.
@Suite struct RedirectTests {
    @Test(arguments: TestDatabase.allCases)
    func signInFollowsOnlyLocalPaths(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            for (next, expected) in [("/book/intro", "/book/intro"), ("/\t/evil.example", "/"), ("/%09/evil.example", "/"),
                                     ("/\\evil.example", "/"), ("https://evil.example", "/"), ("/%2F%2Fevil.example", "/")] {
                let response = try await server.signInForm(reader.email, reader.password, next: next)
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location) == expected, "next=\(next)")
            }
            // Signed in, GET /signin?next=… redirects at once: the same rule.
            let cookie = try await server.signInForm(reader.email, reader.password).headers[.setCookie]
                .map { String($0.prefix { $0 != ";" }) }.joined(separator: "; ")
            let page = try await server.send(.GET, "/signin?next=/%09/evil.example", headers: [("Cookie", cookie)])
            #expect(page.headers.first(name: .location) == "/")
        }
    }
}

/// Issue 10, item 4: limits count Unicode scalars, so text can't hide megabytes in one "character".
@Suite struct ScalarLimitTests {
    static let combining = "a" + String(repeating: "\u{0301}", count: 3000)  // one grapheme, 3,001 scalars

    @Test(arguments: TestDatabase.allCases)
    func graphemeStuffedInputIsRefused(db: TestDatabase) async throws {
        try await withServer(db) { server in
            #expect(Self.combining.count == 1)
            let question = try await server.send(.POST, "/api/v1/query", json: ["query": Self.combining])
            #expect(question.status == .badRequest && question.fields["query"] == "must be at most 2000 characters")
            let fine = try await server.send(.POST, "/api/v1/query", json: ["query": "what is a servo" + String(repeating: "\u{0301}", count: 1900)])
            #expect(fine.status == .ok)
            let name = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["name": Self.combining]))
            #expect(name.status == .badRequest && name.fields["name"] != nil)
            let interest = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["interests": [Self.combining]]))
            #expect(interest.status == .badRequest && interest.fields["interests"] != nil)
            let many = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["interests": Array(repeating: "ROS", count: 5000)]))
            #expect(many.status == .badRequest && many.fields["interests"] != nil)
            let selection = try await server.send(.POST, "/api/v1/query", json: ["query": "what?", "selected_text": String(repeating: "e\u{0301}", count: 4001)])
            #expect(selection.status == .badRequest && selection.fields["selected_text"] != nil)
            let search = try await server.send(.GET, "/api/v1/search?q=" + ("a" + String(repeating: "\u{0301}", count: 300)).formEncoded)
            #expect(search.status == .badRequest)
        }
    }

    @Test func textLimitCountsScalars() throws {
        let limit = TextLimit(10)
        #expect(limit.admits("0123456789"))
        #expect(!limit.admits("01234567890"))
        #expect(!limit.admits("e" + String(repeating: "\u{0301}", count: 10)))
        #expect(limit.admits("日本語のテキスト"))  // 8 scalars, 24 bytes
        #expect(limit.truncating("e" + String(repeating: "\u{0301}", count: 20)).unicodeScalars.count == 10)
    }
}

/// Issue 10, item 9: tokens and a reader's data are never cached.
@Suite struct NoStoreTests {
    @Test(arguments: TestDatabase.allCases)
    func accountAnswersAreNotStored(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let answers = [
                try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password]),
                try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": "Wrong#Pass1"]),
                try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken]),
                try await server.send(.GET, "/api/v1/auth/sessions", token: reader.accessToken),
                try await server.send(.GET, "/api/v1/profile", token: reader.accessToken),
                try await server.send(.PUT, "/api/v1/profile", json: ["name": "Ada"], token: reader.accessToken),
                try await server.send(.DELETE, "/api/v1/account", json: [:], token: reader.accessToken),
                try await server.signInForm(reader.email, reader.password),
                try await server.send(.GET, "/signin"),
            ]
            for answer in answers {
                #expect(answer.headers.first(name: .cacheControl) == "no-store", "\(answer.status)")
                #expect(answer.headers.first(name: .pragma) == "no-cache")
            }
            let signup = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody())
            #expect(signup.headers.first(name: .cacheControl) == "no-store")
            // Public pages may be cached.
            #expect(try await server.send(.GET, "/api/v1/book").headers.first(name: .cacheControl) != "no-store")
        }
    }
}

/// Issue 10, item 6: the data directory and its files are private.
@Suite struct DataFilePermissionTests {
    @Test func dataDirectoryIs0700AndItsFiles0600() async throws {
        try await withServer(.sqlite, configure: { $0.authSecret = nil }) { server in
            _ = try await server.signUp()
            let directory = server.app.primer.settings.dataDirectory
            #expect(PrivateFiles.mode(of: directory) == 0o700)
            for file in ["primer.sqlite", "secret.key", "primer.sqlite-wal", "primer.sqlite-shm"] {
                #expect(PrivateFiles.mode(of: directory + "/" + file) == 0o600, "\(file)")
            }
            #expect(!server.logs.all.contains { $0.contains("readable by other users") })
        }
    }

    @Test func filesOthersCanReadAreReported() async throws {
        let directory = NSTemporaryDirectory() + "primer-open-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        FileManager.default.createFile(atPath: directory + "/primer.sqlite", contents: nil, attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withServer(.sqlite, configure: { $0.dataDirectory = directory }) { server in
            let warnings = server.logs.all.filter { $0.hasPrefix("warning") && $0.contains("readable by other users") }
            #expect(warnings.count == 2, "\(warnings)")
            #expect(warnings.contains { $0.contains(directory + "/primer.sqlite") && $0.contains("mode 644") })
        }
    }
}

/// Issue 10, item 8: a database file deleted under the running server is noticed.
@Suite struct DatabaseFileTests {
    @Test(arguments: ["delete", "replace"])
    func aDeletedOrReplacedFileFailsHealthAndWrites(change: String) async throws {
        try await withServer(.sqlite) { server in
            _ = try await server.signUp()
            let path = server.app.primer.settings.dataDirectory + "/primer.sqlite"
            #expect(try await server.send(.GET, "/health").status == .ok)
            if change == "delete" {
                try FileManager.default.removeItem(atPath: path)
            } else {
                try FileManager.default.copyItem(atPath: path, toPath: path + ".copy")
                #expect(rename(path + ".copy", path) == 0)
            }
            let health = try await server.send(.GET, "/health")
            #expect(health.status == .serviceUnavailable)
            #expect(health.json["database"] as? String == "down")
            #expect((health.json["detail"] as? String)?.contains(change == "delete" ? "deleted" : "replaced") == true)
            let signup = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody())
            #expect(signup.status == .serviceUnavailable && signup.code == "database_unavailable")
        }
    }

    @Test func postgresHealthIsUnaffected() async throws {
        try await withServer(.postgres) { server in
            let health = try await server.send(.GET, "/health")
            #expect(health.status == .ok && health.json["detail"] == nil)
        }
    }
}

/// Issue 10, item 10: what the OpenAPI document promises, the server does.
@Suite struct SpecDriftTests {
    @Test(arguments: TestDatabase.allCases)
    func methodsAPathDoesNotServeAre405(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let trace = try await server.send(.TRACE, "/health")
            #expect(trace.status == .methodNotAllowed && trace.code == "method_not_allowed")
            let delete = try await server.send(.DELETE, "/api/v1/book")
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers.first(name: .allow) == "GET, HEAD")
            let page = try await server.send(.PUT, "/api/v1/book/pages/intro")
            #expect(page.status == .methodNotAllowed)
            #expect(try await server.send(.GET, "/api/v1/nothing-here").status == .notFound)
            #expect(try await server.send(.TRACE, "/api/v1/nothing-here").status == .methodNotAllowed)
        }
    }

    @Test(arguments: ["limit=", "limit=x", "limit=0", "limit=21", "limit=%20"])
    func badSearchLimitsAre400(query: String) async throws {
        try await withServer(.sqlite) { server in
            let response = try await server.send(.GET, "/api/v1/search?q=servo&\(query)")
            #expect(response.status == .badRequest && response.fields["limit"] != nil)
        }
    }
}

extension SpecDriftTests {
    @Test func theAllowHeaderTellsTheTwoPageRoutesApart() async throws {
        try await withServer(.sqlite) { server in
            let page = try await server.send(.OPTIONS, "/api/v1/book/pages/intro")
            #expect(page.headers.first(name: .allow) == "GET, HEAD")
            let personalize = try await server.send(.PUT, "/api/v1/book/pages/intro/personalize")
            #expect(personalize.status == .methodNotAllowed && personalize.headers.first(name: .allow) == "POST")
        }
    }
}

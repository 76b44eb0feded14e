import Foundation
@testable import PrimerCore
@testable import PrimerServer
import Testing

extension TestServer {
    /// Every mail written to the outbox so far (no SMTP_URL in tests), oldest first, after the
    /// queue has delivered what was enqueued.
    func mails() async throws -> [String] {
        await app.primer.mail.drain()
        let folder = app.primer.settings.dataDirectory + "/outbox"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
    }

    /// The token of the last link to `path` mailed to `email` (quoted-printable undone).
    func mailedToken(_ path: String, to email: String) async throws -> String? {
        let mail = try await mails().last { $0.contains(email) && $0.contains(path) } ?? ""
        let text = mail.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
            .replacingOccurrences(of: "=3D", with: "=")
        guard let range = text.range(of: path + #"\?token=[A-Za-z0-9_\-]+"#, options: .regularExpression) else { return nil }
        return String(text[range].split(separator: "=", maxSplits: 1).last ?? "")
    }
}

/// Email verification, password reset and change over HTTP, on both databases: the links
/// really go out (to the outbox), work once, and the rules hold.
@Suite struct AccountEmailTests {
    @Test(arguments: TestDatabase.allCases)
    func signUpSendsAVerificationLinkThatWorksOnce(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(email: "verify@example.com")
            #expect((try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)).json["email_verified"] as? Bool == false)
            let token = try #require(try await server.mailedToken("/verify-email", to: "verify@example.com"))
            let mail = try #require(try await server.mails().last)
            #expect(mail.contains("Subject: Confirm your email") && mail.contains("multipart/alternative"))
            // The stored token is a hash: the link's text is nowhere in the database.
            let stored = try await AccountToken.query(on: server.app.db).all()
            #expect(stored.count == 1 && stored[0].tokenHash == OneTimeToken.hash(token))

            let verified = try await server.send(.POST, "/api/v1/auth/verify-email", json: ["token": token])
            #expect(verified.status == .ok && verified.json["email_verified"] as? Bool == true)
            #expect((try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)).json["email_verified"] as? Bool == true)
            let again = try await server.send(.POST, "/api/v1/auth/verify-email", json: ["token": token])
            #expect(again.status == .badRequest && again.code == "invalid_token")
            #expect((try await server.send(.POST, "/api/v1/auth/verify-email", json: ["token": "nonsense"])).code == "invalid_token")
            let missing = try await server.send(.POST, "/api/v1/auth/verify-email", json: [String: Any]())
            #expect(missing.status == .badRequest && missing.fields == ["token": "is required"])
        }
    }

    @Test func aNewLinkCanBeRequestedAndIsRateLimited() async throws {
        try await withServer(.sqlite) { server in
            let reader = try await server.signUp(email: "again@example.com")
            let first = try #require(try await server.mailedToken("/verify-email", to: "again@example.com"))
            #expect((try await server.send(.POST, "/api/v1/auth/verify-email/request")).status == .unauthorized)
            let resent = try await server.send(.POST, "/api/v1/auth/verify-email/request", token: reader.accessToken)
            #expect(resent.status == .accepted)
            let second = try #require(try await server.mailedToken("/verify-email", to: "again@example.com"))
            #expect(second != first)
            #expect((try await server.send(.POST, "/api/v1/auth/verify-email", json: ["token": first])).code == "invalid_token", "replaced")
            for _ in 0..<2 { _ = try await server.send(.POST, "/api/v1/auth/verify-email/request", token: reader.accessToken) }
            let limited = try await server.send(.POST, "/api/v1/auth/verify-email/request", token: reader.accessToken)
            #expect(limited.status == .tooManyRequests && limited.code == "rate_limited")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func requiredVerificationRefusesSignInUntilConfirmed(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.requireEmailVerification = true }) { server in
            _ = try await server.signUp(email: "strict@example.com")
            let refused = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "strict@example.com", "password": "Sturdy#Pass1"])
            #expect(refused.status == .forbidden && refused.code == "email_not_verified")
            let token = try #require(try await server.mailedToken("/verify-email", to: "strict@example.com"))
            #expect((try await server.send(.POST, "/api/v1/auth/verify-email", json: ["token": token])).status == .ok)
            _ = try await server.signIn("strict@example.com", "Sturdy#Pass1")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aPasswordResetByEmailEndsEverySession(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(email: "forgot@example.com")
            let before = try await server.mails().count
            let unknown = try await server.send(.POST, "/api/v1/auth/forgot-password", json: ["email": "nobody@example.com"])
            let known = try await server.send(.POST, "/api/v1/auth/forgot-password", json: ["email": "Forgot@Example.com"])
            #expect(unknown.status == .accepted && known.status == .accepted)
            #expect(unknown.text == known.text, "the same answer whether or not the address has an account")
            #expect(try await server.mails().count == before + 1)
            let token = try #require(try await server.mailedToken("/reset-password", to: "forgot@example.com"))

            let weak = try await server.send(.POST, "/api/v1/auth/reset-password", json: ["token": token, "password": "short"])
            #expect(weak.status == .badRequest && weak.fields["password"]?.contains("at least 8 characters") == true)
            let done = try await server.send(.POST, "/api/v1/auth/reset-password", json: ["token": token, "password": "Brand#New2026"])
            #expect(done.status == .ok)
            #expect((try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)).status == .unauthorized)
            #expect((try await server.send(.POST, "/api/v1/auth/refresh", json: ["refresh_token": reader.refreshToken])).status == .unauthorized)
            #expect((try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "forgot@example.com", "password": "Sturdy#Pass1"])).status == .unauthorized)
            _ = try await server.signIn("forgot@example.com", "Brand#New2026")
            let reused = try await server.send(.POST, "/api/v1/auth/reset-password", json: ["token": token, "password": "Other#Pass2026"])
            #expect(reused.status == .badRequest && reused.code == "invalid_token")
            let notice = try await server.mails().last ?? ""
            #expect(notice.contains("forgot@example.com") && notice.lowercased().contains("password"))
        }
    }

    @Test func resetRequestsAreRateLimitedPerEmail() async throws {
        try await withServer(.sqlite) { server in
            _ = try await server.signUp(email: "limits@example.com")
            for _ in 0..<3 {
                #expect((try await server.send(.POST, "/api/v1/auth/forgot-password", json: ["email": "limits@example.com"])).status == .accepted)
            }
            let limited = try await server.send(.POST, "/api/v1/auth/forgot-password", json: ["email": "limits@example.com"])
            #expect(limited.status == .tooManyRequests && limited.code == "rate_limited")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func changingThePasswordSignsOutTheOtherDevices(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let here = try await server.signUp(email: "change@example.com")
            let there = try await server.signIn("change@example.com", "Sturdy#Pass1")
            let wrong = try await server.send(.POST, "/api/v1/auth/change-password",
                                              json: ["current_password": "nope", "new_password": "Brand#New2026"], token: here.accessToken)
            #expect(wrong.status == .forbidden && wrong.code == "invalid_password")
            let weak = try await server.send(.POST, "/api/v1/auth/change-password",
                                             json: ["current_password": "Sturdy#Pass1", "new_password": "weak"], token: here.accessToken)
            #expect(weak.status == .badRequest && weak.fields["new_password"] != nil)
            let changed = try await server.send(.POST, "/api/v1/auth/change-password",
                                                json: ["current_password": "Sturdy#Pass1", "new_password": "Brand#New2026"], token: here.accessToken)
            #expect(changed.status == .ok)
            #expect((try await server.send(.GET, "/api/v1/profile", token: here.accessToken)).status == .ok, "this device stays signed in")
            #expect((try await server.send(.GET, "/api/v1/profile", token: there.accessToken)).status == .unauthorized)
            #expect(try await server.mails().last?.contains("change@example.com") == true)
            _ = try await server.signIn("change@example.com", "Brand#New2026")
        }
    }

    @Test func theSiteConfirmsWithAClickAndResetsWithForms() async throws {
        try await withServer(.sqlite) { server in
            var jar = CookieJar()
            _ = try await server.submit("/signup", TestServer.signupFields, jar: &jar)
            let home = try await server.page("/", jar: &jar)
            #expect(home.text.contains("id=\"verify-banner\""), "unverified readers are reminded")
            let email = "web@example.com"
            let token = try #require(try await server.mailedToken("/verify-email", to: email))
            // Opening the link changes nothing; the button does.
            let opened = try await server.page("/verify-email?token=\(token)", jar: &jar)
            #expect(opened.text.contains("id=\"confirm-email-button\""))
            #expect((try await server.page("/", jar: &jar)).text.contains("id=\"verify-banner\""))
            let confirmed = try await server.submit("/verify-email", [("token", token)], jar: &jar)
            #expect(confirmed.text.contains("id=\"email-confirmed\""))
            #expect(!(try await server.page("/", jar: &jar)).text.contains("id=\"verify-banner\""))

            // Forgot password → email → new password → signed out everywhere.
            var signedOut = CookieJar()
            #expect((try await server.page("/signin", jar: &signedOut)).text.contains("href=\"/forgot-password\""))
            let requested = try await server.submit("/forgot-password", [("email", email)], jar: &jar)
            #expect(requested.status == .accepted && requested.text.contains("id=\"reset-requested\""))
            let resetToken = try #require(try await server.mailedToken("/reset-password", to: email))
            #expect((try await server.page("/reset-password?token=\(resetToken)", jar: &jar)).text.contains("id=\"reset-submit\""))
            let weak = try await server.submit("/reset-password", [("token", resetToken), ("password", "weak")], jar: &jar)
            #expect(weak.status == .badRequest && weak.text.contains("id=\"error-password\""))
            let done = try await server.submit("/reset-password", [("token", resetToken), ("password", "Brand#New2026")], jar: &jar)
            #expect(done.text.contains("id=\"password-reset-done\""))
            let reused = try await server.submit("/reset-password", [("token", resetToken), ("password", "Brand#New2026")], jar: &jar)
            #expect(reused.status == .badRequest && reused.text.contains("invalid, has expired"))
            _ = try await server.signIn(email, "Brand#New2026")
        }
    }
}

/// `GET /api/v1/account/export`: everything Primer holds about the reader, decrypted.
@Suite struct AccountExportTests {
    @Test(arguments: TestDatabase.allCases)
    func theExportHoldsProfileSessionsAuditAndQuestions(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let reader = try await server.signUp(email: "export@example.com", extra: ["interests": ["Zanzibar hovercraft"]])
            #expect((try await server.send(.GET, "/api/v1/account/export")).status == .unauthorized)
            _ = try await server.send(.PUT, "/api/v1/profile", json: ["software_experience": "Advanced"], token: reader.accessToken)
            let asked = try await server.send(.POST, "/api/v1/query", json: ["query": "What is a servo motor?"], token: reader.accessToken)
            let queryID = try #require(asked.json["query_id"] as? String)
            _ = try await server.send(.POST, "/api/v1/query/\(queryID)/feedback", json: ["helpful": false, "comment": "Too short for me"],
                                      token: reader.accessToken)

            let export = try await server.send(.GET, "/api/v1/account/export", token: reader.accessToken)
            #expect(export.status == .ok)
            #expect(export.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let json = export.json
            let user = try #require(json["user"] as? [String: Any])
            let profile = try #require(user["profile"] as? [String: Any])
            #expect(user["email"] as? String == "export@example.com")
            #expect(profile["interests"] as? [String] == ["Zanzibar hovercraft"] && profile["software_experience"] as? String == "Advanced")
            #expect((json["sessions"] as? [[String: Any]])?.count == 1)
            let audit = try #require(json["audit_events"] as? [[String: Any]])
            #expect(audit.count == 1)
            #expect((audit.first?["old_values"] as? [String: Any])?["software_experience"] as? String == "Beginner")
            #expect((audit.first?["new_values"] as? [String: Any])?["software_experience"] as? String == "Advanced")
            let questions = try #require(json["questions"] as? [[String: Any]])
            #expect(questions.count == 1)
            #expect(questions.first?["query"] as? String == "What is a servo motor?")
            #expect(questions.first?["feedback_comment"] as? String == "Too short for me" && questions.first?["helpful"] as? Bool == false)
            #expect((questions.first?["answer"] as? String)?.isEmpty == false)
        }
    }
}

import Foundation
import Testing

/// Contract item 1 (sign-up) and item 3 (AuthResponse shape).
@Suite struct SignupTests {
    @Test(arguments: TestDatabase.allCases)
    func signupReturnsAuthResponseWithNormalisedProfile(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let body = signupBody(email: "  Ada.Lovelace@Example.COM ", software: "intermediate", hardware: "BASIC", extra: [
                "programming_background": "advanced",
                "interests": [" Humanoids ", "humanoids", "ROS 2", "Sensors"],
                "name": "  Ada  ",
            ])
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: body)
            #expect(response.status == .created)
            let json = response.json
            #expect(json["token_type"] as? String == "bearer")
            #expect(json["expires_in"] as? Int == 900)
            #expect((json["access_token"] as? String)?.split(separator: ".").count == 3)
            #expect(((json["refresh_token"] as? String)?.count ?? 0) >= 43)  // ≥ 256 bits, base64url
            let user = try #require(json["user"] as? [String: Any])
            #expect(UUID(uuidString: user["id"] as? String ?? "") != nil)
            #expect(user["email"] as? String == "ada.lovelace@example.com")
            #expect(user["name"] as? String == "Ada")
            #expect(user["email_verified"] as? Bool == false)
            #expect(user["last_login_at"] is NSNull)
            #expect(isISO8601UTC(user["created_at"]))
            let profile = try #require(user["profile"] as? [String: Any])
            #expect(profile["software_experience"] as? String == "Intermediate")
            #expect(profile["hardware_experience"] as? String == "Basic")
            #expect(profile["programming_background"] as? String == "Advanced")
            #expect(profile["interests"] as? [String] == ["Humanoids", "ROS 2", "Sensors"])
            #expect(isISO8601UTC(profile["created_at"]) && isISO8601UTC(profile["updated_at"]))
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func programmingBackgroundDefaultsToNull(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody())
            let profile = (response.json["user"] as? [String: Any])?["profile"] as? [String: Any]
            #expect(profile?["programming_background"] is NSNull)
            #expect(profile?["interests"] as? [String] == [])
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func invalidFieldsAreAllReported(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: [
                "email": "not-an-email", "password": "short", "software_experience": "Expert",
                "hardware_experience": "Some", "programming_background": "Guru",
                "interests": Array(repeating: "x", count: 1) + (0..<11).map { "topic \($0)" },
            ])
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_request")
            #expect(Set(response.fields.keys) == ["email", "password", "software_experience", "hardware_experience", "programming_background", "interests"])
            #expect(response.fields["software_experience"]?.contains("Beginner, Intermediate, Advanced") == true)
            #expect(response.json["detail"] is String)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func missingFieldsAreRequired(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: [String: Any]())
            #expect(response.status == .badRequest)
            #expect(response.fields == ["email": "is required", "password": "is required",
                                        "software_experience": "is required", "hardware_experience": "is required"])
        }
    }

    @Test(arguments: TestDatabase.allCases, [
        ("Sh0rt!a", "at least 8"), ("alllowercase1!", "uppercase"), ("ALLUPPERCASE1!", "lowercase"),
        ("NoDigitsHere!", "digit"), ("NoSymbols123", "neither a letter nor a digit"),
        (String(repeating: "Aa1!", count: 33), "at most 128"),
    ])
    func passwordRuleIsEnforced(db: TestDatabase, example: (String, String)) async throws {
        let (password, problem) = example
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(password: password))
            #expect(response.status == .badRequest)
            #expect(response.fields["password"]?.contains(problem) == true, "\(response.fields)")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func interestsAreTrimmedBoundedAndDeduplicated(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let blank = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["interests": ["ok", "   "]]))
            #expect(blank.status == .badRequest && blank.fields["interests"] != nil)
            let long = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["interests": [String(repeating: "a", count: 51)]]))
            #expect(long.status == .badRequest && long.fields["interests"] != nil)
            // 10 entries, two of them repeats, collapse to 8 topics; 11 entries are too many even when they repeat.
            let topics = (0..<8).map { "Topic \($0)" } + ["topic 1", "TOPIC 2"]
            let ok = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["interests": topics]))
            #expect(ok.status == .created)
            let profile = (ok.json["user"] as? [String: Any])?["profile"] as? [String: Any]
            #expect((profile?["interests"] as? [String])?.count == 8)
            let repeats = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(extra: ["interests": Array(repeating: "ROS", count: 11)]))
            #expect(repeats.status == .badRequest && repeats.fields["interests"] == "must have at most 10 items")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func emailIsUniqueCaseInsensitively(db: TestDatabase) async throws {
        try await withServer(db) { server in
            _ = try await server.signUp(email: "same@example.com")
            let again = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(email: "SAME@example.com "))
            #expect(again.status == .conflict)
            #expect(again.code == "email_taken")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func twentyConcurrentSignupsWithOneEmailCreateOneAccount(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let statuses = try await withThrowingTaskGroup(of: (UInt, String?).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let r = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(email: "race@example.com"))
                        return (r.status.code, r.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 201 }.count == 1)
            #expect(statuses.filter { $0.0 == 409 && $0.1 == "email_taken" }.count == 19)
            let rows = try await server.sql.raw("SELECT COUNT(*) AS n FROM users").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == 1)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func fiftyConcurrentSignupsWithDifferentEmailsAllSucceed(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await server.send(.POST, "/api/v1/auth/signup", json: signupBody(email: "many\(i)@example.com")).status.code
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 50))
            let rows = try await server.sql.raw("SELECT COUNT(*) AS n FROM profiles").first()
            #expect(try rows?.decode(column: "n", as: Int.self) == 50)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func passwordsLongerThan72BytesAreNotTruncated(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let prefix = "Aa1!" + String(repeating: "x", count: 68)  // 72 bytes
            let reader = try await server.signUp(password: prefix + "-first-tail")
            let other = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": prefix + "-other-tail"])
            #expect(other.status == .unauthorized)
            let same = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": prefix + "-first-tail"])
            #expect(same.status == .ok)
            let justPrefix = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": prefix])
            #expect(justPrefix.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func passwordIsStoredAsBcryptHash(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let row = try await server.sql.raw("SELECT password_hash FROM users").first()
            let hash = try #require(try row?.decode(column: "password_hash", as: String.self))
            #expect(hash.hasPrefix("$2b$04$") || hash.hasPrefix("$2a$04$") || hash.hasPrefix("$2y$04$"))
            #expect(!hash.contains(reader.password))
        }
    }
}

/// True for strings like `2026-11-22T12:00:00Z`.
func isISO8601UTC(_ value: Any?) -> Bool {
    guard let text = value as? String else { return false }
    return text.hasSuffix("Z") && ISO8601DateFormatter().date(from: text) != nil
}

import Foundation
@testable import PrimerServer
import Testing

/// The second plan's API contract, unchanged clients: sign-up with a nested `background`,
/// `GET`/`PUT /auth/profile`, and `user_id`, `session_token`, `profile_complete` in answers.
/// The bodies are the ones that plan's frontend sends.
@Suite struct PlanAPITests {
    static var signupExample: [String: Any] { [
        "email": "maya@example.com",
        "password": "Robots#2026",
        "name": "Maya",
        "background": [
            "software_experience": "expert",
            "programming_background": "advanced",
            "hardware_knowledge": "basic",
        ],
    ] }

    @Test(arguments: TestDatabase.allCases)
    func signUpWithANestedBackgroundAndReadItBack(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let created = try await server.send(.POST, "/api/v1/auth/signup", json: Self.signupExample)
            #expect(created.status == .created, "\(created.text)")
            let user = try #require(created.json["user"] as? [String: Any])
            #expect(created.json["user_id"] as? String == user["id"] as? String)
            let sessionToken = try #require(created.json["session_token"] as? String)
            #expect(sessionToken == created.json["access_token"] as? String)
            #expect(created.json["profile_complete"] as? Bool == true)
            // Stored as Primer's levels: expert = Advanced, hardware_knowledge = hardware_experience.
            let profile = try #require(user["profile"] as? [String: Any])
            #expect(profile["software_experience"] as? String == "Advanced")
            #expect(profile["hardware_experience"] as? String == "Basic")
            #expect(profile["programming_background"] as? String == "Advanced")

            // The session token is the bearer token; the plan's profile answer uses its words.
            let read = try await server.send(.GET, "/api/v1/auth/profile", token: sessionToken)
            #expect(read.status == .ok)
            #expect(read.json["user_id"] as? String == user["id"] as? String)
            #expect(read.json["name"] as? String == "Maya" && read.json["profile_complete"] as? Bool == true)
            let background = try #require(read.json["background"] as? [String: Any])
            #expect(background["software_experience"] as? String == "expert")
            #expect(background["programming_background"] as? String == "advanced")
            #expect(background["hardware_knowledge"] as? String == "basic")
            #expect((try await server.send(.GET, "/api/v1/auth/profile")).status == .unauthorized)

            // Sign-in answers carry the same fields.
            let signedIn = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "maya@example.com", "password": "Robots#2026"])
            #expect(signedIn.json["user_id"] as? String == user["id"] as? String)
            #expect(signedIn.json["session_token"] as? String == signedIn.json["access_token"] as? String)
            #expect(signedIn.json["profile_complete"] as? Bool == true)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func updateTheBackgroundThroughAuthProfile(db: TestDatabase) async throws {
        try await withServer(db) { server in
            var body = Self.signupExample
            body["email"] = "lee@example.com"
            body["background"] = ["software_experience": "beginner", "hardware_knowledge": "none"]
            let created = try await server.send(.POST, "/api/v1/auth/signup", json: body)
            #expect(created.status == .created && created.json["profile_complete"] as? Bool == false)
            let token = try #require(created.json["session_token"] as? String)

            let updated = try await server.send(.PUT, "/api/v1/auth/profile", json: [
                "background": ["software_experience": "intermediate", "programming_background": "basic", "hardware_knowledge": "advanced"],
            ], token: token)
            #expect(updated.status == .ok, "\(updated.text)")
            let background = try #require(updated.json["background"] as? [String: Any])
            #expect(background["software_experience"] as? String == "intermediate")
            #expect(background["hardware_knowledge"] as? String == "advanced")
            #expect(updated.json["profile_complete"] as? Bool == true)
            // The same account, seen through Primer's own endpoint and its audit trail.
            let own = try await server.send(.GET, "/api/v1/profile", token: token)
            let profile = try #require(own.json["profile"] as? [String: Any])
            #expect(profile["software_experience"] as? String == "Intermediate" && profile["hardware_experience"] as? String == "Advanced")
            let export = try await server.send(.GET, "/api/v1/account/export", token: token)
            #expect((export.json["audit_events"] as? [[String: Any]])?.contains { $0["action"] as? String == "profile.update" } == true)

            let bad = try await server.send(.PUT, "/api/v1/auth/profile", json: ["background": ["software_experience": "guru"]], token: token)
            #expect(bad.status == .badRequest && bad.fields["background.software_experience"] == "must be one of: beginner, intermediate, expert")
        }
    }

    @Test func badNestedBackgroundsAreReportedFieldByField() async throws {
        try await withServer(.sqlite) { server in
            var body = Self.signupExample
            body["background"] = ["software_experience": "guru", "hardware_knowledge": "lots", "programming_background": "some"]
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: body)
            #expect(response.status == .badRequest && response.code == "invalid_request")
            #expect(response.fields["background.software_experience"] == "must be one of: beginner, intermediate, expert")
            #expect(response.fields["background.hardware_knowledge"] == "must be one of: none, basic, intermediate, advanced")
            #expect(response.fields["background.programming_background"] != nil)
            body["background"] = [String: Any]()
            let empty = try await server.send(.POST, "/api/v1/auth/signup", json: body)
            #expect(empty.fields["background.software_experience"] == "is required" && empty.fields["background.hardware_knowledge"] == "is required")
            body["background"] = "expert"
            #expect((try await server.send(.POST, "/api/v1/auth/signup", json: body)).status == .badRequest)
        }
    }
}

import Foundation
@testable import PrimerServer
import FluentKit
import SQLKit
import Testing

/// Contract item 8: reading and editing the profile, with an audit trail.
@Suite struct ProfileTests {
    @Test(arguments: TestDatabase.allCases)
    func getProfileReturnsTheReader(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(extra: ["name": "Grace", "interests": ["Locomotion"]])
            let response = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
            #expect(response.status == .ok)
            let json = response.json
            #expect(json["id"] as? String == reader.userID)
            #expect(json["email"] as? String == reader.email)
            #expect(json["name"] as? String == "Grace")
            #expect(json["email_verified"] as? Bool == false)
            #expect(json.keys.contains("last_login_at"))
            let profile = json["profile"] as? [String: Any]
            #expect(profile?["software_experience"] as? String == "Beginner")
            #expect(profile?["interests"] as? [String] == ["Locomotion"])
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func partialUpdateChangesOnlyGivenFieldsAndIsAudited(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(extra: ["interests": ["Locomotion"], "programming_background": "Basic"])
            let response = try await server.send(.PUT, "/api/v1/profile", json: [
                "software_experience": "ADVANCED", "interests": ["Control", "control", " Vision "],
            ], token: reader.accessToken)
            #expect(response.status == .ok)
            let profile = response.json["profile"] as? [String: Any]
            #expect(profile?["software_experience"] as? String == "Advanced")
            #expect(profile?["hardware_experience"] as? String == "None")
            #expect(profile?["programming_background"] as? String == "Basic")
            #expect(profile?["interests"] as? [String] == ["Control", "Vision"])
            // The change persists.
            let again = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
            #expect((again.json["profile"] as? [String: Any])?["software_experience"] as? String == "Advanced")

            let rows = try await server.sql.raw("SELECT user_id, action, old_values, new_values, created_at FROM audit_events").all()
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(try row.decode(column: "user_id", as: UUID.self).uuidString == reader.userID)
            #expect(try row.decode(column: "action", as: String.self) == "profile.update")
            // Stored encrypted (see EncryptionAtRestTests); decrypted here to check the values.
            let cipher = server.app.primer.dataCipher
            #expect(try row.decode(column: "old_values", as: String.self).hasPrefix("enc:v1:"))
            let old = jsonObject(Data(try cipher.decrypt(row.decode(column: "old_values", as: String.self)).utf8))
            let new = jsonObject(Data(try cipher.decrypt(row.decode(column: "new_values", as: String.self)).utf8))
            #expect(old?["software_experience"] as? String == "Beginner")
            #expect(new?["software_experience"] as? String == "Advanced")
            #expect(old?["interests"] as? [String] == ["Locomotion"])
            #expect(new?["interests"] as? [String] == ["Control", "Vision"])
            #expect(Set((old ?? [:]).keys) == ["software_experience", "interests"])
            let changed = try await AuditEvent.query(on: server.app.db).first()?.changedFields
            #expect(changed == ["software_experience", "interests"])
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func nullClearsOptionalFieldsAndNoOpWritesNoEvent(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(extra: ["programming_background": "Basic", "name": "Lin"])
            let cleared = try await server.send(.PUT, "/api/v1/profile", json: ["programming_background": NSNull(), "name": NSNull()], token: reader.accessToken)
            #expect(cleared.status == .ok)
            #expect((cleared.json["profile"] as? [String: Any])?["programming_background"] is NSNull)
            #expect(cleared.json["name"] is NSNull)
            let noop = try await server.send(.PUT, "/api/v1/profile", json: ["hardware_experience": "none"], token: reader.accessToken)
            #expect(noop.status == .ok)
            let count = try await server.sql.raw("SELECT COUNT(*) AS n FROM audit_events").first()?.decode(column: "n", as: Int.self)
            #expect(count == 1)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func updateIsValidatedLikeSignup(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let response = try await server.send(.PUT, "/api/v1/profile", json: [
                "software_experience": NSNull(), "hardware_experience": "Wizard",
                "interests": (0..<11).map { "t\($0)" }, "name": String(repeating: "n", count: 101),
            ], token: reader.accessToken)
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_request")
            #expect(Set(response.fields.keys) == ["software_experience", "hardware_experience", "interests", "name"])
            let unchanged = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
            #expect((unchanged.json["profile"] as? [String: Any])?["hardware_experience"] as? String == "None")
            let wrongType = try await server.send(.PUT, "/api/v1/profile", body: #"{"interests": "robots"}"#, token: reader.accessToken)
            #expect(wrongType.status == .badRequest && wrongType.fields["interests"] != nil)
        }
    }
}

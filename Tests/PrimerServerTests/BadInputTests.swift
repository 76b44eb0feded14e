import Foundation
import Testing

/// Malformed bodies, wrong types and oversize bodies get clear 4xx JSON errors, never a 500.
@Suite struct BadInputTests {
    @Test(arguments: TestDatabase.allCases)
    func malformedJSONIs400(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", body: #"{"email": "a@b.co", "#)
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_request")
            #expect(response.json["detail"] as? String == "The request body is not valid JSON")
        }
    }

    @Test(arguments: TestDatabase.allCases, [
        (#"{"email": 42}"#, "email"),
        (#"{"email": "a@b.co", "password": "Aa1!aaaa", "software_experience": "Beginner", "hardware_experience": "None", "interests": "robots"}"#, "interests"),
        (#"{"email": "a@b.co", "password": true}"#, "password"),
        (#"{"email": "a@b.co", "password": "Aa1!aaaa", "software_experience": "Beginner", "hardware_experience": "None", "interests": [1, 2]}"#, "interests.0"),
    ])
    func wrongTypesNameTheField(db: TestDatabase, example: (String, String)) async throws {
        let (body, field) = example
        try await withServer(db) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", body: body)
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_request")
            #expect(response.fields[field] != nil, "\(response.text)")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func nonObjectBodyIs400(db: TestDatabase) async throws {
        try await withServer(db) { server in
            for body in ["[]", "\"text\"", "42", "null"] {
                let response = try await server.send(.POST, "/api/v1/auth/signin", body: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect(response.code == "invalid_request")
            }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func bodiesOverOneMegabyteAre413(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let huge = #"{"email": ""# + String(repeating: "a", count: 1_100_000) + #""}"#
            let response = try await server.send(.POST, "/api/v1/auth/signup", body: huge)
            #expect(response.status == .payloadTooLarge)
            #expect(response.code == "payload_too_large")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func unknownRouteIsJSON404(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.GET, "/api/v1/nope")
            #expect(response.status == .notFound)
            #expect(response.code == "not_found")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func nonJSONBodiesGetA4xxJSONError(db: TestDatabase) async throws {
        try await withServer(db) { server in
            for type in ["text/plain", "application/xml", "image/png"] {
                let response = try await server.send(.POST, "/api/v1/auth/signin", body: "email=a", headers: [("Content-Type", type)])
                #expect([400, 415].contains(response.status.code), "\(type): \(response.status)")
                #expect(["invalid_request", "unsupported_media_type"].contains(response.code ?? ""), "\(type): \(response.text)")
            }
        }
    }
}

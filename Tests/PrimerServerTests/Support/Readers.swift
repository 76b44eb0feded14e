import Foundation
import Testing

/// A valid sign-up body with a unique email.
func signupBody(email: String = "reader-\(UUID().uuidString.prefix(8).lowercased())@example.com", password: String = "Sturdy#Pass1",
                software: String = "Beginner", hardware: String = "None", extra: [String: Any] = [:]) -> [String: Any] {
    var body: [String: Any] = [
        "email": email, "password": password, "software_experience": software, "hardware_experience": hardware,
    ]
    body.merge(extra) { $1 }
    return body
}

/// A signed-up reader's credentials and tokens.
struct Reader {
    let email: String
    let password: String
    let accessToken: String
    let refreshToken: String
    let userID: String
}

extension TestServer {
    /// Signs up a new reader and returns its tokens.
    func signUp(email: String? = nil, password: String = "Sturdy#Pass1", extra: [String: Any] = [:]) async throws -> Reader {
        let body = email.map { signupBody(email: $0, password: password, extra: extra) } ?? signupBody(password: password, extra: extra)
        let response = try await send(.POST, "/api/v1/auth/signup", json: body)
        try #require(response.status == .created, "signup failed: \(response.text)")
        return try reader(from: response, email: body["email"] as! String, password: password)
    }

    /// Signs in and returns the new session's tokens.
    func signIn(_ email: String, _ password: String, headers: [(String, String)] = []) async throws -> Reader {
        let response = try await send(.POST, "/api/v1/auth/signin", json: ["email": email, "password": password], headers: headers)
        try #require(response.status == .ok, "signin failed: \(response.text)")
        return try reader(from: response, email: email, password: password)
    }

    func reader(from response: TestResponse, email: String, password: String) throws -> Reader {
        let json = response.json
        let user = try #require(json["user"] as? [String: Any])
        return Reader(
            email: email, password: password,
            accessToken: try #require(json["access_token"] as? String),
            refreshToken: try #require(json["refresh_token"] as? String),
            userID: try #require(user["id"] as? String))
    }
}

import PrimerCore
import Foundation
import Vapor

/// The API's one JSON encoder for responses and events (ISO-8601 dates).
enum APIJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}

/// A reader as the API shows it (`user` in AuthResponse, and `GET /profile`).
struct UserResponse: Content {

    let id: UUID
    let email: String
    let name: String?
    let emailVerified: Bool
    let createdAt: Date
    let lastLoginAt: Date?
    let profile: ProfileSnapshot

    init(account: Account) {
        id = account.id
        email = account.email
        name = account.name
        emailVerified = account.emailVerified
        createdAt = account.createdAt
        lastLoginAt = account.lastLoginAt
        profile = ProfileSnapshot(account)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name, emailVerified = "email_verified", createdAt = "created_at"
        case lastLoginAt = "last_login_at", profile
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(email, forKey: .email)
        try c.encode(name, forKey: .name)
        try c.encode(emailVerified, forKey: .emailVerified)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(lastLoginAt, forKey: .lastLoginAt)
        try c.encode(profile, forKey: .profile)
    }
}

/// Tokens plus the reader: the answer of sign-up, sign-in and refresh.
struct AuthResponse: Content {
    let accessToken: String
    let refreshToken: String
    let tokenType: String
    let expiresIn: Int
    let user: UserResponse
    /// The second plan's names: the user's id, the bearer token (the access token) and
    /// whether every background question is answered.
    let userID: UUID
    let sessionToken: String
    let profileComplete: Bool

    init(accessToken: String, refreshToken: String, tokenType: String, expiresIn: Int, user: UserResponse, profileComplete: Bool) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.user = user
        userID = user.id
        sessionToken = accessToken
        self.profileComplete = profileComplete
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", refreshToken = "refresh_token", tokenType = "token_type"
        case expiresIn = "expires_in", user, userID = "user_id", sessionToken = "session_token", profileComplete = "profile_complete"
    }
}

/// `{"message": ...}` answers.
struct MessageResponse: Content {
    let message: String
}

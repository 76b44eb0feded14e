import Fluent
import Foundation

/// The SHA-256 hash of a refresh token issued for a session (table `refresh_tokens`).
/// `rotated_at` is set when the token is exchanged for its successor.
final class RefreshTokenRecord: Model, @unchecked Sendable {
    static let schema = "refresh_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "session_id") var session: AuthSession
    @Field(key: "token_hash") var tokenHash: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "rotated_at") var rotatedAt: Date?

    init() {}

    init(sessionID: UUID, tokenHash: String) {
        self.$session.id = sessionID
        self.tokenHash = tokenHash
    }
}

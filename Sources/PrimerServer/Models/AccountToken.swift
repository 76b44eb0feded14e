import Fluent
import Foundation

/// A single-use emailed token (table `account_tokens`): its SHA-256, what it is for
/// (`verify_email`, `reset_password`), when it expires and when it was used.
final class AccountToken: Model, @unchecked Sendable {
    static let schema = "account_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "purpose") var purpose: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(_ token: OneTimeTokenRow) {
        id = token.id
        $user.id = token.userID
        purpose = token.purpose
        tokenHash = token.tokenHash
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        usedAt = token.usedAt
    }
}

/// The plain values of a row (keeps the model free of PrimerCore types).
struct OneTimeTokenRow {
    let id: UUID, userID: UUID, purpose: String, tokenHash: String, createdAt: Date, expiresAt: Date, usedAt: Date?
}

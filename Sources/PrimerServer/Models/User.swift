import Fluent
import Foundation

/// A reader account (table `users`). `name` is stored encrypted (`DataCipher`); `email`, the
/// sign-in key, is not.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalField(key: "name") var name: String?
    @Field(key: "email_verified") var emailVerified: Bool
    @Field(key: "is_active") var isActive: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?
    @OptionalChild(for: \.$user) var profile: Profile?

    init() {}

    init(id: UUID? = nil, email: String, passwordHash: String, name: String?) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.name = name
        self.emailVerified = false
        self.isActive = true
    }
}

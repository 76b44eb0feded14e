import Fluent
import Foundation

/// A signed-in device (table `sessions`). Access tokens carry its id; it ends when revoked
/// or when its refresh lifetime passes.
final class AuthSession: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Field(key: "last_used_at") var lastUsedAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "user_agent") var userAgent: String?
    @OptionalField(key: "ip_address") var ipAddress: String?

    init() {}

    init(id: UUID = UUID(), userID: UUID, expiresAt: Date, userAgent: String?, ipAddress: String?, now: Date) {
        self.id = id
        self.$user.id = userID
        self.lastUsedAt = now
        self.expiresAt = expiresAt
        self.userAgent = userAgent
        self.ipAddress = ipAddress
    }

    /// True when the session may still be used at `now`.
    func isLive(at now: Date) -> Bool {
        revokedAt == nil && expiresAt > now
    }
}

import Fluent
import Foundation

/// A reader's two-factor sign-in (table `two_factor`, one row per user): the TOTP secret and
/// the JSON list of backup-code hashes, both encrypted (`DataCipher`); when it was switched
/// on (null while only set up); the last accepted time step; a version for compare-and-swap.
final class TwoFactorRecord: Model, @unchecked Sendable {
    static let schema = "two_factor"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "secret") var secret: String
    @Field(key: "backup_codes") var backupCodes: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "enabled_at") var enabledAt: Date?
    @OptionalField(key: "last_used_step") var lastUsedStep: Int64?
    @Field(key: "version") var version: Int

    init() {}
}

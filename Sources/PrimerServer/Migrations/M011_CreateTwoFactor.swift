import Fluent

/// 011: `two_factor`, each reader's TOTP secret and backup-code hashes (encrypted), one row per user.
struct M011_CreateTwoFactor: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TwoFactorRecord.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("secret", .string, .required)
            .field("backup_codes", .string, .required)
            .field("created_at", .datetime, .required)
            .field("enabled_at", .datetime)
            .field("last_used_step", .int64)
            .field("version", .int, .required)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TwoFactorRecord.schema).delete()
    }
}

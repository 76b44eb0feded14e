import Fluent
import SQLKit

/// 009: `account_tokens`, the hashes of emailed single-use tokens (email verification, password reset).
struct M009_CreateAccountTokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AccountToken.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "account_tokens_user_id_idx").on(AccountToken.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccountToken.schema).delete()
    }
}

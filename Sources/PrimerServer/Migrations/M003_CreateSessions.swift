import Fluent
import SQLKit

/// 003: `sessions` and their `refresh_tokens` (hashes only).
struct M003_CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuthSession.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("created_at", .datetime)
            .field("last_used_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("user_agent", .string)
            .field("ip_address", .string)
            .create()
        try await database.schema(RefreshTokenRecord.schema)
            .id()
            .field("session_id", .uuid, .required, .references(AuthSession.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime)
            .field("rotated_at", .datetime)
            .unique(on: "token_hash")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "sessions_user_id_idx").on(AuthSession.schema).column("user_id").run()
            try await sql.create(index: "refresh_tokens_session_id_idx").on(RefreshTokenRecord.schema).column("session_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RefreshTokenRecord.schema).delete()
        try await database.schema(AuthSession.schema).delete()
    }
}

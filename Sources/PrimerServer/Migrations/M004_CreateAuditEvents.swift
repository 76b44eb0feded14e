import Fluent
import SQLKit

/// 004: `audit_events` for profile changes.
struct M004_CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("action", .string, .required)
            .field("changed_fields", .array(of: .string), .required)
            .field("old_values", .string, .required)
            .field("new_values", .string, .required)
            .field("created_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "audit_events_user_id_idx").on(AuditEvent.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}

import Fluent
import SQLKit

/// 006: `chat_queries`: every question, its answer's facts and the reader's feedback.
struct M006_CreateChatQueries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ChatQuery.schema)
            .id()
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .cascade))
            .field("conversation_id", .uuid, .required)
            .field("query", .string, .required)
            .field("answer", .string, .required)
            .field("answered", .bool, .required)
            .field("personalization_applied", .bool, .required)
            .field("provider", .string, .required)
            .field("latency_ms", .double, .required)
            .field("sources_count", .int, .required)
            .field("helpful", .bool)
            .field("feedback_comment", .string)
            .field("created_at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "chat_queries_conversation_idx").on(ChatQuery.schema).column("conversation_id").run()
            try await sql.create(index: "chat_queries_user_idx").on(ChatQuery.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ChatQuery.schema).delete()
    }
}

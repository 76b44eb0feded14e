import Fluent
import SQLKit

/// 005: the ingested book: `book_pages`, `book_chunks`, `book_categories`.
struct M005_CreateBook: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BookPageRecord.schema)
            .id()
            .field("slug", .string, .required)
            .field("title", .string, .required)
            .field("source_path", .string, .required)
            .field("position", .double)
            .field("folder", .array(of: .string), .required)
            .field("markdown", .string, .required)
            .field("content_hash", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .unique(on: "source_path")
            .create()
        try await database.schema(BookChunkRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("page_slug", .string, .required)
            .field("page_title", .string, .required)
            .field("source_path", .string, .required)
            .field("headings", .array(of: .string), .required)
            .field("anchor", .string, .required)
            .field("text", .string, .required)
            .field("ordinal", .int, .required)
            .create()
        try await database.schema(BookCategoryRecord.schema)
            .id()
            .field("path", .string, .required)
            .field("label", .string, .required)
            .field("position", .double)
            .unique(on: "path")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "book_chunks_source_path_idx").on(BookChunkRecord.schema).column("source_path").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BookCategoryRecord.schema).delete()
        try await database.schema(BookChunkRecord.schema).delete()
        try await database.schema(BookPageRecord.schema).delete()
    }
}

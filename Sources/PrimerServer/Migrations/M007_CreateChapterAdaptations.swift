import Fluent

/// 007: `chapter_adaptations`: chapters adapted to a reading level, cached per
/// (content hash, level, provider) so a second request is served at once.
struct M007_CreateChapterAdaptations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ChapterAdaptation.schema)
            .id()
            .field("page_slug", .string, .required)
            .field("content_hash", .string, .required)
            .field("level", .string, .required)
            .field("provider", .string, .required)
            .field("sections", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "content_hash", "level", "provider")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ChapterAdaptation.schema).delete()
    }
}

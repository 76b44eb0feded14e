import Fluent

/// 008: `chunk_vectors`: embeddings of chunk texts per embedder (float32 blobs).
struct M008_CreateChunkVectors: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ChunkVectorRecord.schema)
            .id()
            .field("embedder", .string, .required)
            .field("text_hash", .string, .required)
            .field("dimension", .int, .required)
            .field("vector", .data, .required)
            .field("created_at", .datetime)
            .unique(on: "embedder", "text_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ChunkVectorRecord.schema).delete()
    }
}

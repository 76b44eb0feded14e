import Fluent

/// The numbered migrations, in order. Append only.
enum PrimerMigrations {
    static let all: [any Migration] = [
        M001_CreateUsers(),
        M002_CreateProfiles(),
        M003_CreateSessions(),
        M004_CreateAuditEvents(),
        M005_CreateBook(),
        M006_CreateChatQueries(),
        M007_CreateChapterAdaptations(),
        M008_CreateChunkVectors(),
    ]
}

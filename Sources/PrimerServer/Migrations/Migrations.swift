import Fluent
import PrimerCore

/// The numbered migrations, in order. Append only. `cipher` encrypts readers' data (M010).
enum PrimerMigrations {
    static func all(cipher: DataCipher) -> [any Migration] { [
        M001_CreateUsers(),
        M002_CreateProfiles(),
        M003_CreateSessions(),
        M004_CreateAuditEvents(),
        M005_CreateBook(),
        M006_CreateChatQueries(),
        M007_CreateChapterAdaptations(),
        M008_CreateChunkVectors(),
        M009_CreateAccountTokens(),
        M010_EncryptAccountData(cipher: cipher),
        M011_CreateTwoFactor(),
    ] }
}

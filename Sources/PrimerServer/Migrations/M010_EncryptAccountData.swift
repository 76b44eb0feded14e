import Fluent
import PrimerCore
import SQLKit

/// 010: readers' data encrypted at rest under `PRIMER_DATA_KEY` (see `AccountDataEncryption`
/// for the columns). On PostgreSQL `profiles.interests` becomes `TEXT` (the JSON of the list,
/// then encrypted); SQLite already keeps it as JSON text. Existing values are encrypted in
/// batches; a value already encrypted (a re-run after an interruption) must open with the
/// configured keys and is left as it is; then the files are compacted so that no plaintext copy
/// remains (`AccountDataEncryption.compact`). The revert decrypts everything and restores `TEXT[]`.
struct M010_EncryptAccountData: AsyncMigration {
    let cipher: DataCipher

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw AccountDataRewriteError.notSQL }
        if sql.dialect.name == "postgresql", try await interestsIsArray(sql) {
            try await sql.raw("ALTER TABLE profiles ALTER COLUMN interests TYPE TEXT USING array_to_json(interests)::text").run()
        }
        let cipher = self.cipher
        var encrypted = 0
        for table in AccountDataEncryption.migratedTables {
            encrypted += try await AccountDataEncryption.rewrite(table, on: database) { _, value in
                if DataCipher.isEncrypted(value) {
                    _ = try cipher.decrypt(value)  // must be ours: never encrypt a value twice
                    return nil
                }
                return try cipher.encrypt(value)
            }.values
        }
        // The plaintext must not survive in the files' free space, old pages or row versions.
        if encrypted > 0 { try await AccountDataEncryption.compact(database, tables: AccountDataEncryption.migratedTables) }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { throw AccountDataRewriteError.notSQL }
        let cipher = self.cipher
        for table in AccountDataEncryption.migratedTables {
            _ = try await AccountDataEncryption.rewrite(table, on: database) { _, value in
                DataCipher.isEncrypted(value) ? try cipher.decrypt(value) : nil
            }
        }
        if sql.dialect.name == "postgresql", try await !interestsIsArray(sql) {
            // A USING clause may not hold a subquery: fill a new array column, then swap it in.
            try await database.transaction { db in
                let sql = db as! any SQLDatabase
                try await sql.raw("ALTER TABLE profiles ADD COLUMN interests_list TEXT[]").run()
                try await sql.raw("""
                    UPDATE profiles SET interests_list = ARRAY(
                        SELECT item FROM json_array_elements_text(interests::json) WITH ORDINALITY AS t(item, position) ORDER BY position)
                    """).run()
                try await sql.raw("ALTER TABLE profiles DROP COLUMN interests").run()
                try await sql.raw("ALTER TABLE profiles RENAME COLUMN interests_list TO interests").run()
                try await sql.raw("ALTER TABLE profiles ALTER COLUMN interests SET NOT NULL").run()
            }
        }
    }

    /// True while `profiles.interests` is PostgreSQL's `TEXT[]` (before this migration).
    private func interestsIsArray(_ sql: any SQLDatabase) async throws -> Bool {
        let row = try await sql.raw("""
            SELECT data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'profiles' AND column_name = 'interests'
            """).first()
        return try row?.decode(column: "data_type", as: String.self) == "ARRAY"
    }
}

import Fluent
import Foundation
import Logging
import PrimerCore
import SQLKit

/// Readers' data encrypted at rest (`DataCipher`): which columns hold it, where the key comes
/// from, the start-up check that the configured keys open the stored data, and the batched
/// rewriting shared by the migration (M010: encrypt, revert: decrypt) and `primer keys rotate`
/// (re-encrypt). Email stays plaintext: it is the sign-in key and unique-indexed.
enum AccountDataEncryption {
    /// A table's encrypted text columns.
    struct Table: Sendable {
        let name: String
        let columns: [String]
        /// Only rows linked to a reader (`user_id IS NOT NULL`) are encrypted: questions asked
        /// signed out belong to nobody and stay plaintext.
        var readerRowsOnly = false
    }

    /// Every encrypted column: the name, the background (levels and the JSON of the interests),
    /// the audit trail's old and new values, signed-in readers' questions, answers and
    /// feedback comments, and the two-factor secrets and backup-code hashes.
    static let tables: [Table] = migratedTables + [
        Table(name: TwoFactorRecord.schema, columns: ["secret", "backup_codes"]),
    ]

    /// The columns that held plaintext before encryption at rest, encrypted by M010 (and
    /// decrypted by its revert). Tables created later are encrypted from their first row.
    static let migratedTables: [Table] = [
        Table(name: User.schema, columns: ["name"]),
        Table(name: Profile.schema, columns: ["software_experience", "hardware_experience", "programming_background", "interests"]),
        Table(name: AuditEvent.schema, columns: ["old_values", "new_values"]),
        Table(name: ChatQuery.schema, columns: ["query", "answer", "feedback_comment"], readerRowsOnly: true),
    ]

    /// Rows read and rewritten at a time; each batch is written in one transaction.
    static let batchSize = 500

    // MARK: The key

    /// The cipher for `settings`: `PRIMER_DATA_KEY` (and `PRIMER_DATA_KEY_PREVIOUS`), or in
    /// development the key in `PRIMER_DATA_DIR/data.key`, generated if absent. `keyFile` is that
    /// file when it was used.
    static func cipher(for settings: PrimerSettings, logger: Logger) throws -> (cipher: DataCipher, keyFile: String?) {
        if let key = settings.dataKey {
            return (DataCipher(keys: DataKeyRing(current: key, previous: settings.previousDataKey)), nil)
        }
        let key = try DevelopmentDataKey.loadOrCreate(in: settings.dataDirectory, logger: logger)
        let file = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent(DevelopmentDataKey.fileName).path
        return (DataCipher(keys: DataKeyRing(current: key, previous: settings.previousDataKey)), file)
    }

    // MARK: Start-up check

    /// Fails start-up with `DataKeyMismatch` when stored profiles are encrypted with a key that
    /// is not configured, or do not verify with the configured key of their id: one profile
    /// per key id in use is decrypted. Nothing to check (no table yet, nothing encrypted yet)
    /// passes; a database that cannot be asked is logged and left to the migrations to report.
    static func verifyKeys(_ cipher: DataCipher, on database: any Database, keyFile: String?, logger: Logger) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let samples: [(count: Int, value: String)]
        do {
            guard try await tableExists(Profile.schema, on: sql) else { return }
            // "enc:v1:<8 hex>:" is 16 characters: one group per key id.
            let rows = try await sql.raw("""
                SELECT COUNT(*) AS n, MIN(software_experience) AS sample FROM profiles
                WHERE software_experience LIKE 'enc:%' GROUP BY substr(software_experience, 1, 16)
                """).all()
            samples = try rows.map { (try $0.decode(column: "n", as: Int.self), try $0.decode(column: "sample", as: String.self)) }
        } catch {
            logger.warning("Could not check PRIMER_DATA_KEY against the stored data: \(String(reflecting: type(of: error)))")
            return
        }
        for sample in samples {
            do {
                _ = try cipher.decrypt(sample.value)
            } catch {
                throw DataKeyMismatch(problem: error, profiles: sample.count, keys: cipher.keys, keyFile: keyFile)
            }
        }
    }

    /// True when `table` exists in the database's current schema.
    static func tableExists(_ table: String, on sql: any SQLDatabase) async throws -> Bool {
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)").first() != nil
        }
        return try await sql.raw("SELECT to_regclass(\(bind: table)) IS NOT NULL AS present").first()?
            .decode(column: "present", as: Bool.self) ?? false
    }

    // MARK: Rewriting

    /// What a rewrite did to one table.
    struct Tally: Sendable, Equatable {
        /// Rows read.
        var rows = 0
        /// Non-null values read.
        var valuesSeen = 0
        /// Rows written back with at least one changed value.
        var rewritten = 0
        /// Values changed.
        var values = 0
        /// Rows changed by someone else between the read and the write (left as they were).
        var skipped = 0
    }

    /// Passes every non-null value of `table`'s encrypted columns through `transform` (nil: leave
    /// it) and writes the changed ones back: `batchSize` rows at a time in id order, the crypto
    /// done before each batch's transaction, and each row written only if its values are still
    /// those read, so a reader's concurrent change is never overwritten with an older one.
    static func rewrite(
        _ table: Table, on database: any Database,
        _ transform: @escaping @Sendable (_ column: String, _ value: String) throws -> String?
    ) async throws -> Tally {
        guard let sql = database as? any SQLDatabase else { throw AccountDataRewriteError.notSQL }
        var tally = Tally()
        var after: UUID?
        while true {
            let select = sql.select().column("id").columns(table.columns.map { SQLIdentifier($0) }).from(table.name)
            if table.readerRowsOnly { select.where(SQLIdentifier("user_id"), .isNot, SQLLiteral.null) }
            if let after { select.where(SQLIdentifier("id"), .greaterThan, SQLBind(after)) }
            let rows = try await select.orderBy("id").limit(batchSize).all()
            var changes: [RowChange] = []
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                after = id
                var change = RowChange(id: id)
                for column in table.columns {
                    guard let value = try text(in: row, column: column) else { continue }
                    tally.valuesSeen += 1
                    do {
                        if let replacement = try transform(column, value) {
                            change.old[column] = value
                            change.new[column] = replacement
                        }
                    } catch let error as DataCipherError {
                        throw AccountDataRewriteError.value(table: table.name, column: column, rowID: id, error)
                    }
                }
                if !change.new.isEmpty { changes.append(change) }
            }
            tally.rows += rows.count
            if !changes.isEmpty {
                let changes = changes
                let written = try await database.transaction { db -> Int in
                    let sql = db as! any SQLDatabase
                    if sql.dialect.name == "sqlite" {
                        // Another process (a running server) may hold the write lock for a moment.
                        try await sql.raw("PRAGMA busy_timeout = 10000").run()
                    }
                    var written = 0
                    for change in changes {
                        let update = sql.update(table.name)
                        for (column, value) in change.new { update.set(SQLIdentifier(column), to: SQLBind(value)) }
                        update.where(SQLIdentifier("id"), .equal, SQLBind(change.id))
                        for (column, value) in change.old { update.where(SQLIdentifier(column), .equal, SQLBind(value)) }
                        if try await !update.returning(SQLIdentifier("id")).all().isEmpty { written += 1 }
                    }
                    return written
                }
                tally.rewritten += written
                tally.skipped += changes.count - written
                tally.values += changes.reduce(0) { $0 + $1.new.count }
            }
            if rows.count < batchSize { break }
        }
        return tally
    }

    /// Rewrites the files so that the values replaced by a rewrite leave no copies behind:
    /// SQLite keeps old page images in its WAL and old cells in free space until both are
    /// rebuilt (checkpoint, `VACUUM`, truncate the WAL); PostgreSQL keeps old row versions
    /// until `VACUUM FULL` rewrites the tables (this locks them while it runs).
    static func compact(_ database: any Database, tables: [Table] = tables) async throws {
        try await database.withConnection { connection in
            guard let sql = connection as? any SQLDatabase else { return }
            if sql.dialect.name == "sqlite" {
                try await sql.raw("PRAGMA busy_timeout = 10000").run()
                try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
                try await sql.raw("VACUUM").run()
                try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            } else {
                for table in tables { try await sql.raw("VACUUM FULL \(ident: table.name)").run() }
            }
        }
    }

    /// One row's values before and after.
    private struct RowChange: Sendable {
        let id: UUID
        var old: [String: String] = [:]
        var new: [String: String] = [:]
    }

    /// A text column's value; a JSON list stored by an older SQLite driver as a blob is read as text.
    private static func text(in row: any SQLRow, column: String) throws -> String? {
        do {
            return try row.decode(column: column, as: String?.self)
        } catch {
            guard let data = try? row.decode(column: column, as: Data?.self) else { throw error }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// The configured data keys do not open the stored data: start-up stops here rather than
/// serving garbage or failing on every request.
struct DataKeyMismatch: Error, CustomStringConvertible {
    let problem: DataCipherError
    let profiles: Int
    let keys: DataKeyRing
    /// The development key file, when `PRIMER_DATA_KEY` was not set.
    let keyFile: String?

    var description: String {
        let configured = "PRIMER_DATA_KEY is key \(keys.current.id)"
            + (keyFile.map { " (not set: the development key in \($0))" } ?? "")
            + (keys.previous.map { ", PRIMER_DATA_KEY_PREVIOUS is key \($0.id)" } ?? "")
        switch problem {
        case let .unknownKey(keyID, _):
            return "PRIMER_DATA_KEY does not match the data: \(profiles) stored profile\(profiles == 1 ? " is" : "s are") "
                + "encrypted with key \(keyID), but \(configured). Set PRIMER_DATA_KEY to the key the data was encrypted with "
                + "(during a rotation, the new key in PRIMER_DATA_KEY and the old one in PRIMER_DATA_KEY_PREVIOUS)."
        default:
            return "PRIMER_DATA_KEY does not match the data: \(problem) (\(configured))."
        }
    }
}

/// A stored value could not be rewritten.
enum AccountDataRewriteError: Error, CustomStringConvertible {
    case notSQL
    case value(table: String, column: String, rowID: UUID, DataCipherError)

    var description: String {
        switch self {
        case .notSQL:
            return "the database does not speak SQL"
        case let .value(table, column, rowID, error):
            return "\(table).\(column) of row \(rowID): \(error)"
        }
    }
}

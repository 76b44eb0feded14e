import Fluent
import Foundation
import PrimerCore
import Vapor

/// `primer keys rotate`: re-encrypts every encrypted value (readers' names and background, the
/// audit trail's values, signed-in readers' questions) with the current `PRIMER_DATA_KEY`,
/// while the key being replaced is still configured as `PRIMER_DATA_KEY_PREVIOUS`; prints what
/// it did per table. Idempotent: values already under the current key are left alone, so it
/// can be run again after an interruption. `primer keys generate` prints a new random key.
struct KeysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "rotate (re-encrypt with PRIMER_DATA_KEY) or generate (print a new key)")
        var action: String
    }

    var help: String {
        "Data keys: rotate re-encrypts readers' data with PRIMER_DATA_KEY (old key in PRIMER_DATA_KEY_PREVIOUS); generate prints a new key"
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        switch signature.action {
        case "generate":
            context.console.output(DataKey.random().base64.consoleText())
        case "rotate":
            let app = context.application
            try await app.autoMigrate()
            let keys = app.primer.dataCipher.keys
            context.console.info("Re-encrypting with key \(keys.current.id) (PRIMER_DATA_KEY)"
                + (keys.previous.map { "; key \($0.id) (PRIMER_DATA_KEY_PREVIOUS) still decrypts" } ?? ""))
            let report: KeyRotation.Report
            do {
                report = try await KeyRotation.rotate(cipher: app.primer.dataCipher, on: app.db)
            } catch {
                context.console.error("Rotation stopped: \(error). Values done so far stay readable; run it again once fixed.")
                throw ExitCode(1)
            }
            for line in report.lines { context.console.info(line) }
            if report.reencrypted > 0 {
                // Copies under the old key must not linger in free pages or old row versions.
                do {
                    try await AccountDataEncryption.compact(app.db)
                    context.console.info("Compacted the database: no copy under the old key remains in it.")
                } catch {
                    context.console.warning("Could not compact the database (\(error)): copies under the old key may remain "
                        + "in its free space until SQLite's VACUUM or PostgreSQL's VACUUM FULL runs.")
                }
            }
            context.console.info(report.summary(keys: keys))
        default:
            context.console.error("Unknown action '\(signature.action)': use rotate or generate")
            throw ExitCode(2)
        }
    }
}

/// Re-encryption of every encrypted column with the current key (`primer keys rotate`).
enum KeyRotation {
    /// What the rotation did, per table.
    struct Report: Sendable {
        var tables: [(name: String, tally: AccountDataEncryption.Tally)] = []

        var reencrypted: Int { tables.reduce(0) { $0 + $1.tally.values } }
        var skipped: Int { tables.reduce(0) { $0 + $1.tally.skipped } }

        /// One line per table: rows read, values re-encrypted, values already current.
        var lines: [String] {
            tables.map { table, tally in
                "\(table): \(tally.rows) row\(tally.rows == 1 ? "" : "s"), \(tally.values) value\(tally.values == 1 ? "" : "s") re-encrypted, "
                    + "\(tally.valuesSeen - tally.values) already current"
                    + (tally.skipped > 0 ? ", \(tally.skipped) changed meanwhile and left as written" : "")
            }
        }

        func summary(keys: DataKeyRing) -> String {
            if skipped > 0 {
                return "\(reencrypted) values re-encrypted; \(skipped) rows changed while rotating: run `primer keys rotate` again."
            }
            return "\(reencrypted) values re-encrypted: every value is encrypted with key \(keys.current.id)."
                + (keys.previous.map { " Key \($0.id) is no longer needed: remove PRIMER_DATA_KEY_PREVIOUS and restart." } ?? "")
        }
    }

    /// Re-encrypts, table by table in batches, every value not under the current key (plaintext
    /// left from before encryption included).
    static func rotate(cipher: DataCipher, on database: any Database) async throws -> Report {
        var report = Report()
        for table in AccountDataEncryption.tables {
            let tally = try await AccountDataEncryption.rewrite(table, on: database) { _, value in try cipher.reencrypted(value) }
            report.tables.append((table.name, tally))
        }
        return report
    }
}

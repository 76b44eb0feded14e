import ConsoleKit
import Foundation
import PrimerCore
import Vapor

/// `primer ingest [--book DIR]`: loads the book folder and updates the stored index
/// incrementally, with a progress bar on a terminal.
struct IngestCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "book", short: "b", help: "The book folder (default: PRIMER_BOOK_DIR or ./book)")
        var book: String?
    }

    var help: String { "Build or update the book index from a folder of Markdown/MDX pages" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let directory = signature.book ?? app.primer.settings.bookDirectory
        let showProgress = isatty(STDOUT_FILENO) == 1
        let bar = showProgress ? context.console.progressBar(title: "Ingesting \(directory)") : nil
        bar?.start()
        do {
            let report = try await BookSync.ingest(directory: directory, on: app) { done, total in
                bar?.activity.currentProgress = total == 0 ? 1 : Double(done) / Double(total)
            }
            bar?.succeed()
            context.console.info("Ingested \(directory): \(report)")
        } catch {
            bar?.fail()
            context.console.error("\(error)")
            throw ExitCode(1)
        }
    }
}

/// Loading a book folder (off the event loops) and storing it, shared by `ingest` and `serve`.
enum BookSync {
    static func ingest(directory: String, on app: Application, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> IngestReport {
        let url = URL(fileURLWithPath: directory)
        let book = try await app.threadPool.runIfActive { try BookLoader.load(directory: url) }
        var ingester = BookIngester()
        ingester.progress = progress
        let report = try await ingester.ingest(book, on: app.db, writes: app.primer.writes)
        try await app.primer.library.reload(from: app.db)
        return report
    }

    /// At start-up: ingest the configured book if it exists, then load the index.
    static func prepareForServing(_ app: Application) async throws {
        let directory = app.primer.settings.bookDirectory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue {
            let report = try await ingest(directory: directory, on: app)
            app.logger.notice("Book \(directory): \(report)")
        } else {
            try await app.primer.library.reload(from: app.db)
            app.logger.warning("Book folder \(directory) not found: serving the stored index (\(app.primer.library.snapshot.book.pages.count) pages)")
        }
    }
}

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
            let report = try await BookSync.ingest(directory: directory, on: app, progress: { done, total in
                bar?.activity.currentProgress = total == 0 ? 1 : Double(done) / Double(total) / 2
            }, embeddingProgress: { done, total in
                bar?.activity.currentProgress = 0.5 + (total == 0 ? 0.5 : Double(done) / Double(total) / 2)
            })
            bar?.succeed()
            context.console.info("Ingested \(directory): \(report)")
            let snapshot = app.primer.library.snapshot
            context.console.info("Retrieval: \(snapshot.engine.defaultMode.rawValue) — \(app.primer.retrievalNote.withLockedValue { $0 }) (\(snapshot.engine.dense?.count ?? 0) vectors)")
        } catch {
            bar?.fail()
            context.console.error("\(error)")
            throw ExitCode(1)
        }
    }
}

/// Loading a book folder (off the event loops) and storing it, shared by `ingest` and `serve`:
/// the chunks, then their embeddings (only texts not embedded before), then the in-memory
/// indexes. An embedder that fails leaves search lexical-only, with the reason logged.
enum BookSync {
    static func ingest(directory: String, on app: Application, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
                       embeddingProgress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> IngestReport {
        let url = URL(fileURLWithPath: directory)
        let book = try await app.threadPool.runIfActive { try BookLoader.load(directory: url) }
        var ingester = BookIngester()
        ingester.progress = progress
        let report = try await ingester.ingest(book, on: app.db, writes: app.primer.writes)
        try await loadIndexes(app, embeddingProgress: embeddingProgress)
        return report
    }

    /// Embeds what is missing (when an embedder is configured) and reloads the library.
    static func loadIndexes(_ app: Application, embeddingProgress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws {
        let services = app.primer
        guard let embedder = services.embedder else {
            try await services.library.reload(from: app.db)
            return
        }
        do {
            try await embedder.prepare()
            let chunks = try await BookChunkRecord.query(on: app.db).all().map(\.chunk)
            // Cut once: tokenising the whole book is not repeated to build the vector store.
            let windows = try await ChunkVectors.windows(of: chunks, embedder: embedder)
            let embedded = try await ChunkVectors.embedMissing(windows, embedder: embedder, db: app.db, writes: services.writes,
                                                               progress: embeddingProgress)
            if embedded > 0 { app.logger.notice("Embedded \(embedded) chunk texts with \(embedder.identifier)") }
            try await services.library.reload(from: app.db, embedder: embedder, cut: windows)
        } catch {
            services.retrievalNote.withLockedValue { $0 = "lexical search only: embedding with \(embedder.identifier) failed (\(error))" }
            app.logger.warning("Embedding with \(embedder.identifier) failed; search is lexical only: \(error)")
            try await services.library.reload(from: app.db)
        }
    }

    /// At start-up: ingest the configured book if it exists, then load the indexes.
    static func prepareForServing(_ app: Application) async throws {
        let directory = app.primer.settings.bookDirectory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue {
            let report = try await ingest(directory: directory, on: app)
            app.logger.notice("Book \(directory): \(report)")
        } else {
            try await loadIndexes(app)
            app.logger.warning("Book folder \(directory) not found: serving the stored index (\(app.primer.library.snapshot.book.pages.count) pages)")
        }
        let snapshot = app.primer.library.snapshot
        app.logger.notice("Retrieval: \(snapshot.engine.defaultMode.rawValue) — \(app.primer.retrievalNote.withLockedValue { $0 }) (\(snapshot.engine.dense?.count ?? 0) vectors)")
    }
}

import Fluent
import Foundation
import PrimerCore

/// What an ingest changed.
struct IngestReport: Sendable, Equatable, CustomStringConvertible {
    var added = 0
    var updated = 0
    var removed = 0
    var unchanged = 0
    var chunks = 0

    var description: String {
        "\(added) added, \(updated) updated, \(removed) removed, \(unchanged) unchanged; \(chunks) chunks written"
    }
}

/// Stores a loaded book in the database incrementally: pages whose fingerprint (file,
/// Markdown and chunks: ``Chunker/fingerprint(of:chunks:)``) is unchanged are skipped,
/// changed pages get their chunks rebuilt, deleted files drop their pages and chunks.
/// Everything happens in one transaction, so a crash or a kill mid-ingest leaves the
/// previous index intact.
struct BookIngester {
    let chunker: Chunker
    /// Called after each page is processed: (pages done, pages total).
    var progress: @Sendable (Int, Int) -> Void = { _, _ in }
    /// Test hook: runs inside the transaction after each page (a throw aborts the ingest).
    var afterPage: @Sendable (Int) throws -> Void = { _ in }

    init(chunker: Chunker = Chunker()) {
        self.chunker = chunker
    }

    func ingest(_ book: Book, on db: any Database, writes: WriteGate) async throws -> IngestReport {
        let chunker = self.chunker, progress = self.progress, afterPage = self.afterPage
        return try await writes.transaction(on: db) { db in
            var report = IngestReport()
            let stored = try await BookPageRecord.query(on: db).all()
            let storedByPath = Dictionary(uniqueKeysWithValues: stored.map { ($0.sourcePath, $0) })
            let current = Set(book.pages.map(\.sourcePath))

            // Drop pages whose files are gone (first, so their slugs can be reused).
            for record in stored where !current.contains(record.sourcePath) {
                try await BookChunkRecord.query(on: db).filter(\.$sourcePath == record.sourcePath).delete()
                try await record.delete(on: db)
                report.removed += 1
            }
            // Changed pages release their slugs before any page takes a new one.
            var changed: [(BookPage, BookPageRecord?, [BookChunk], String)] = []
            for page in book.pages {
                let chunks = chunker.chunks(for: page)
                let fingerprint = chunker.fingerprint(of: page, chunks: chunks)
                if let record = storedByPath[page.sourcePath] {
                    if record.contentHash == fingerprint && record.slug == page.slug {
                        report.unchanged += 1
                        continue
                    }
                    record.slug = "~" + (record.id?.uuidString ?? UUID().uuidString)  // temporary, unique
                    try await record.save(on: db)
                    changed.append((page, record, chunks, fingerprint))
                } else {
                    changed.append((page, nil, chunks, fingerprint))
                }
            }
            for (index, (page, record, pageChunks, fingerprint)) in changed.enumerated() {
                try await BookChunkRecord.query(on: db).filter(\.$sourcePath == page.sourcePath).delete()
                let stored = record ?? BookPageRecord(page)
                stored.set(page)
                stored.contentHash = fingerprint
                if record != nil {
                    try await stored.save(on: db)
                    report.updated += 1
                } else {
                    try await stored.create(on: db)
                    report.added += 1
                }
                let chunks = pageChunks.map(BookChunkRecord.init)
                if !chunks.isEmpty { try await chunks.create(on: db) }
                report.chunks += chunks.count
                try afterPage(index)
                progress(index + 1, changed.count)
            }
            // Category labels are small: replace them.
            try await BookCategoryRecord.query(on: db).delete()
            for category in book.categories { try await BookCategoryRecord(category).create(on: db) }
            return report
        }
    }
}

import Foundation
@testable import PrimerServer

/// The repository's sample book and the shared test corpus.
enum TestBooks {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let sample = repositoryRoot.appendingPathComponent("book")
    static let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book/book-source/docs")
}

extension TestServer {
    /// Ingests `book` into this server's database and loads it.
    @discardableResult
    func ingest(_ book: URL = TestBooks.sample) async throws -> IngestReport {
        try await BookSync.ingest(directory: book.path, on: app)
    }
}

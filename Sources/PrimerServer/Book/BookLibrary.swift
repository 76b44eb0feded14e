import Fluent
import Foundation
import NIOPosix
import PrimerCore
import Synchronization

/// The book as the server holds it in memory: pages, chunks and the lexical index, loaded
/// from the database at start-up and after each ingest. Readers take the current snapshot
/// (one reference, under a lock held only to read it) and use it without further locking.
final class BookLibrary: Sendable {
    /// An immutable view of the loaded book (a class: taking it costs one reference count).
    final class Snapshot: Sendable {
        let book: Book
        let chunks: [BookChunk]
        let chunksByID: [String: BookChunk]
        let lexical: BM25Index
        /// Each page's HTML and headings, rendered once per load.
        let rendered: [String: (html: String, headings: [PageRenderer.Heading])]
        /// The sidebar tree and the pages in reading order.
        let toc: [TOCEntry]
        let readingOrder: [BookPage]
        /// The book's own definitions of its key terms (glossary and chapters).
        let keyTerms: [KeyTerm]
        /// The questions an empty chat offers on each page (by slug).
        let starters: [String: [String]]
        /// The sections titled "What is …?", for "what is X" questions.
        let definitionSections: DefinitionSections
        /// Lexical, dense and hybrid search over the chunks (dense only with vectors).
        let engine: BookSearchEngine

        static let empty = Snapshot(book: Book(pages: [], categories: []), chunks: [])

        /// The passages an answer is composed from, for search hits that cover `question`:
        /// the book's "What is X?" section first when asked what X is, and the best passage's
        /// section whole (``SectionParts``).
        func answerPassages(_ hits: [SearchHit], for question: String) -> [SourcePassage] {
            let found = hits.compactMap { hit in chunksByID[hit.id].map { SourcePassage(chunk: $0, score: hit.score) } }
            let byID = chunksByID
            let chunk = { (id: String) in byID[id] }
            return SectionParts.joined(definitionSections.leading(found, for: question, chunk: chunk), chunk: chunk)
        }

        init(book: Book, chunks: [BookChunk], vectors: InMemoryVectorStore? = nil, embedder: (any Embedder)? = nil) {
            self.book = book
            self.chunks = chunks
            self.chunksByID = Dictionary(chunks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            self.lexical = BM25Index(documents: chunks.map {
                SearchDocument(id: $0.id, headings: $0.headings, body: $0.text, pageSlug: $0.pageSlug)
            })
            let rendered = Dictionary(uniqueKeysWithValues: book.pages.map { ($0.slug, PageRenderer.render($0)) })
            self.rendered = rendered
            self.toc = book.tableOfContents()
            self.readingOrder = book.readingOrder()
            let keyTerms = KeyTerms.definitions(in: book)
            self.keyTerms = keyTerms
            let termsByPage = Dictionary(grouping: keyTerms, by: \.pageSlug)
            self.starters = Dictionary(uniqueKeysWithValues: book.pages.map { page in
                (page.slug, StarterQuestions.questions(
                    for: page, headings: (rendered[page.slug]?.headings ?? []).filter { $0.level <= 3 }.map(\.text),
                    terms: (termsByPage[page.slug] ?? []).map(\.term)))
            })
            self.definitionSections = DefinitionSections(chunks: chunks)
            self.engine = BookSearchEngine(
                lexical: lexical, dense: vectors, embedder: vectors == nil ? nil : embedder,
                vocabulary: BookVocabulary(texts: chunks.flatMap { $0.headings + [$0.text] }))
        }
    }

    private let current = Mutex(Snapshot.empty)

    /// The book as last loaded.
    var snapshot: Snapshot { current.withLock { $0 } }

    /// Reloads pages, categories, chunks and (with an embedder) their vectors from the
    /// database and rebuilds the indexes. `cut`: windows already cut for these chunks.
    func reload(from db: any Database, embedder: (any Embedder)? = nil, cut: [ChunkVectors.Window] = []) async throws {
        let pages = try await BookPageRecord.query(on: db).all().map(\.page)
        let categories = try await BookCategoryRecord.query(on: db).all().map(\.category)
        let chunks = try await BookChunkRecord.query(on: db).sort(\.$sourcePath).sort(\.$ordinal).all().map(\.chunk)
        let vectors: InMemoryVectorStore? = if let embedder {
            try await ChunkVectors.store(for: chunks, embedder: embedder, db: db, cut: cut)
        } else {
            nil
        }
        // Indexing and rendering are CPU work: off the event loops.
        let snapshot = try await NIOThreadPool.singleton.runIfActive {
            Snapshot(book: Book(pages: pages, categories: categories), chunks: chunks, vectors: vectors, embedder: embedder)
        }
        current.withLock { $0 = snapshot }
    }
}

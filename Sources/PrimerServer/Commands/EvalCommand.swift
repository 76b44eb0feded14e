import Foundation
import PrimerCore
import Vapor

/// `primer eval --questions FILE [--book DIR]`: retrieval quality over a question set
/// (hit@1, hit@5, MRR) plus how well the "book doesn't cover this" gate behaves.
struct EvalCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "questions", short: "q", help: "JSON array of {id, question, source_path, section}")
        var questions: String?
        @Option(name: "book", short: "b", help: "The book folder (default: PRIMER_BOOK_DIR or ./book)")
        var book: String?
    }

    var help: String { "Measure retrieval (hit@1, hit@5, MRR) on a question set" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let path = signature.questions else {
            context.console.error("Give the question set: primer eval --questions FILE")
            throw ExitCode(2)
        }
        let app = context.application
        let bookPath = signature.book ?? app.primer.settings.bookDirectory
        let (questions, chunks) = try await app.threadPool.runIfActive {
            let questions = try JSONDecoder().decode([EvaluationQuestion].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let book = try BookLoader.load(directory: URL(fileURLWithPath: bookPath))
            return (questions, book.pages.flatMap { Chunker().chunks(for: $0) })
        }
        let snapshot = BookLibrary.Snapshot(book: Book(pages: [], categories: []), chunks: chunks)
        let result = RetrievalEvaluation.run(questions, inBook: { snapshot.lexical.documentFrequency(of: $0) > 0 }) { question in
            snapshot.lexical.rank(question, limit: 10, pageSlug: nil).compactMap { snapshot.chunksByID[$0.id] }
        }
        func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
        context.console.print("Retrieval on \(bookPath): \(result.questions) questions, \(chunks.count) chunks")
        context.console.print("  lexical (BM25)  hit@1 \(pct(result.hitAt1))  hit@5 \(pct(result.hitAt5))  MRR \(String(format: "%.3f", result.mrr))")
        context.console.print("  relevance gate  covered accepted \(pct(result.acceptedCovered))  not-covered refused \(pct(result.refusedUncovered))")
        if !result.wronglyAccepted.isEmpty {
            context.console.print("  not covered but answered: \(result.wronglyAccepted.joined(separator: ", "))")
        }
        let misses = result.ranks.filter { $0.value == nil }.keys.sorted()
        if !misses.isEmpty { context.console.print("  not in top 10: \(misses.joined(separator: ", "))") }
    }
}

import Foundation
import PrimerCore
import Vapor

/// `primer eval --questions FILE [--book DIR]`: retrieval quality over a question set
/// (hit@1, hit@5, MRR) for lexical, dense and hybrid search (dense and hybrid when an embedder
/// is configured), plus how well the "book doesn't cover this" decision behaves.
struct EvalCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "questions", short: "q", help: "JSON array of {id, question, source_path, section}")
        var questions: String?
        @Option(name: "book", short: "b", help: "The book folder (default: PRIMER_BOOK_DIR or ./book)")
        var book: String?
        @Option(name: "lexical-weight", help: "RRF weight of the BM25 list (default 1)")
        var lexicalWeight: Double?
        @Option(name: "dense-weight", help: "RRF weight of the embedding list (default 1)")
        var denseWeight: Double?
        @Option(name: "dense-accept", help: "Dense similarity that alone means 'covered'")
        var denseAccept: Double?
        @Option(name: "dense-floor", help: "Dense similarity below which a question is not covered")
        var denseFloor: Double?
        @Flag(name: "sweep", help: "Also try hybrid fusion settings (dense weight, gating), for tuning")
        var sweep: Bool
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
        context.console.print("Retrieval on \(bookPath): \(questions.filter { $0.sourcePath != nil }.count) answerable + "
            + "\(questions.filter { $0.sourcePath == nil }.count) not covered questions, \(chunks.count) chunks")

        var engine = snapshot.engine
        var modes: [BookSearchEngine.Mode] = [.lexical]
        if let embedder = app.primer.embedder {
            let start = ContinuousClock.now
            let vectors = try await embedder.embed(chunks.map(\.indexedText), purpose: .document)
            let store = try InMemoryVectorStore(zip(chunks, vectors).map { ChunkVector(id: $0.id, pageSlug: $0.pageSlug, vector: $1) })
            context.console.print("  embedded \(chunks.count) chunks with \(embedder.identifier) in \(String(format: "%.1f s", (ContinuousClock.now - start) / .milliseconds(1) / 1000))")
            engine = BookSearchEngine(lexical: snapshot.lexical, dense: store, embedder: embedder)
            modes += [.dense, .hybrid]
        } else {
            context.console.print("  \(app.primer.retrievalNote.withLockedValue { $0 })")
        }
        if let weight = signature.lexicalWeight { engine.fusion.lexicalWeight = weight }
        if let weight = signature.denseWeight { engine.fusion.denseWeight = weight }
        if let value = signature.denseAccept { engine.denseAccept = value }
        if let value = signature.denseFloor { engine.denseFloor = value }

        func pct(_ x: Double) -> String { String(format: "%5.1f%%", x * 100) }
        if signature.sweep, modes.contains(.hybrid) {
            var configurations: [(gated: Bool, factor: Double, coverage: Double, denseWeight: Double)] = []
            for denseWeight in [1.0, 1.5, 2, 3] {
                configurations.append((false, 1, 0, denseWeight))
                for factor in [0.3, 0.5] { for coverage in [0.5, 0.6, 0.75] { configurations.append((true, factor, coverage, denseWeight)) } }
            }
            for (gated, factor, coverage, denseWeight) in configurations {
                var tuned = engine
                tuned.fusion = RankFusion(lexicalWeight: 1, denseWeight: denseWeight)
                tuned.gatedFusion = gated
                tuned.weakLexicalFactor = factor
                tuned.strongLexicalCoverage = coverage
                let result = try await RetrievalEvaluation.run(questions) { question in
                    let found = try await tuned.search(question, terms: TextTokenizer.terms(question), limit: 10, pageSlug: nil, mode: .hybrid,
                                                       chunk: { snapshot.chunksByID[$0] })
                    return (found.hits.compactMap { snapshot.chunksByID[$0.id] }, found.relevant)
                }
                context.console.print("  sweep gated \(gated) factor \(factor) coverage \(coverage) dense \(denseWeight): hit@1 \(pct(result.hitAt1))  hit@5 \(pct(result.hitAt5))  MRR \(String(format: "%.3f", result.mrr))")
            }
        }
        for mode in modes {
            let result = try await RetrievalEvaluation.run(questions) { question in
                let found = try await engine.search(question, terms: TextTokenizer.terms(question), limit: 10, pageSlug: nil, mode: mode,
                                                    chunk: { snapshot.chunksByID[$0] })
                return (found.hits.compactMap { snapshot.chunksByID[$0.id] }, found.relevant)
            }
            let name = mode.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            context.console.print("  \(name) hit@1 \(pct(result.hitAt1))  hit@5 \(pct(result.hitAt5))  MRR \(String(format: "%.3f", result.mrr))"
                + "  | gate: covered accepted \(pct(result.acceptedCovered)), not covered refused \(pct(result.refusedUncovered))")
            if !result.wronglyAccepted.isEmpty {
                context.console.print("           not covered but answered: \(result.wronglyAccepted.joined(separator: ", "))")
            }
            let misses = result.ranks.filter { $0.value == nil }.keys.sorted()
            if !misses.isEmpty { context.console.print("           not in top 10: \(misses.joined(separator: ", "))") }
        }
    }
}

import Foundation
import PrimerCore
import PrimerEmbeddings
import Vapor

/// `primer eval`: retrieval quality on question sets — hit@1, hit@5 and MRR of lexical, dense
/// and hybrid search, answerable questions wrongly refused and not-covered questions refused.
///
/// - `--questions FILE --book DIR`: one book, with the shipped settings.
/// - `--tune-on FILE --tune-book DIR --report-on FILE --report-book DIR`: chooses the fusion
///   and coverage settings on the first book and reports them on the second (and the shipped
///   settings beside them), so no number is measured on the set it was tuned on.
///
/// Vectors are cached in the database like the served book's (by embedder and text hash), so
/// a second run does not embed again; the served book's vectors are left alone.
struct EvalCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "questions", short: "q", help: "Question set: JSON array of {id, question, source_path, section, style, kind}")
        var questions: String?
        @Option(name: "book", short: "b", help: "The book folder for --questions (default: PRIMER_BOOK_DIR or ./book)")
        var book: String?
        @Option(name: "tune-on", help: "Question set to tune fusion and coverage settings on")
        var tuneOn: String?
        @Option(name: "tune-book", help: "The book folder of --tune-on")
        var tuneBook: String?
        @Option(name: "report-on", help: "Question set to report the tuned settings on")
        var reportOn: String?
        @Option(name: "report-book", help: "The book folder of --report-on")
        var reportBook: String?
        @Flag(name: "answers", help: "With --questions: measure the extractive answers (key facts, dangling fragments, citations, selections, follow-ups, reader levels)")
        var answers: Bool
        @Flag(name: "verbose", short: "v", help: "List the questions each mode missed or wrongly refused (with --answers: print every answer)")
        var verbose: Bool
    }

    var help: String { "Measure retrieval and the coverage decision on question sets (optionally tuned on another book)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let console = context.console
        if let tuneOn = signature.tuneOn {
            guard let tuneBook = signature.tuneBook, let reportOn = signature.reportOn, let reportBook = signature.reportBook else {
                console.error("Cross-book evaluation needs --tune-on FILE --tune-book DIR --report-on FILE --report-book DIR")
                throw ExitCode(2)
            }
            let tuning = try await EvalBook.load(questions: tuneOn, book: tuneBook, app: app, console: console)
            let report = try await EvalBook.load(questions: reportOn, book: reportBook, app: app, console: console)
            guard tuning.hasDense, report.hasDense else {
                console.error("Tuning needs dense retrieval: \(app.primer.retrievalNote.withLockedValue { $0 })")
                throw ExitCode(1)
            }
            let choice = tuning.tuning.tune(chunk: tuning.chunk)
            console.print("Tuned on \(tuneBook):")
            console.print("  convex fusion: dense weight \(choice.convex.denseWeight), \(choice.convex.normalisation.rawValue) normalisation")
            console.print("  reciprocal-rank fusion: dense weight \(choice.reciprocalRank.denseWeight) (lexical 1, k 60)")
            console.print("  coverage: dense floor \(fmt(choice.coverage.denseFloor)), accept \(fmt(choice.coverage.denseAccept)), "
                + "lexical share \(fmt(choice.coverage.lexicalShare)); without dense retrieval, lexical share \(fmt(choice.coverage.lexicalOnlyShare)), "
                + "book vocabulary \(fmt(choice.coverage.lexicalOnlyVocabulary))")
            report.print(console: console, title: "Reported on \(reportBook) (settings tuned on \(tuneBook))",
                         convex: choice.convex, rrf: choice.reciprocalRank, coverage: choice.coverage, verbose: signature.verbose)
            report.printShipped(console: console, verbose: signature.verbose)
            return
        }
        guard let questions = signature.questions else {
            console.error("Give a question set: primer eval --questions FILE [--book DIR], or --tune-on/--report-on (see --help)")
            throw ExitCode(2)
        }
        let book = try await EvalBook.load(questions: questions, book: signature.book ?? app.primer.settings.bookDirectory, app: app, console: console)
        if signature.answers {
            let evaluation = AnswerEvaluation(questions: book.tuning.questions, snapshot: book.snapshot, mode: book.hasDense ? .hybrid : .lexical)
            console.print("  terms the book defines (glossary and bold definitions): \(book.snapshot.keyTerms.count)")
            let report = try await evaluation.run()
            Self.print(report, console: console, verbose: signature.verbose)
            return
        }
        book.printShipped(console: console, verbose: signature.verbose)
    }
}

extension EvalCommand {
    static func print(_ report: AnswerEvaluation.Report, console: any Console, verbose: Bool) {
        if verbose {
            for (id, text) in report.samples { console.print("--- \(id)\n\(text)\n") }
        }
        func share(_ count: Int, _ total: Int) -> String { total == 0 ? "-" : String(format: "%.2f (%d/%d)", Double(count) / Double(total), count, total) }
        func mean(_ values: [Double]) -> String { values.isEmpty ? "-" : String(format: "%.1f", values.reduce(0, +) / Double(values.count)) }
        console.print("Extractive answers (shipped settings):")
        console.print("  | measure | value |")
        console.print("  |---|---|")
        console.print("  | answered | \(report.answered) |")
        console.print("  | key facts (mean share of key phrases) | \(report.answered == 0 ? "-" : String(format: "%.2f", report.keyFacts / Double(report.answered))) |")
        console.print("  | key facts in the whole top retrieved chunk (for comparison) | \(report.answered == 0 ? "-" : String(format: "%.2f", report.topChunkKeyFacts / Double(report.answered))) |")
        console.print("  | answers with a dangling fragment | \(report.dangling.count)\(report.dangling.isEmpty ? "" : " (" + report.dangling.joined(separator: ", ") + ")") |")
        console.print("  | sources exactly the cited passages | \(share(report.citedOnly, report.answered)) |")
        console.print("  | selection answers that echo the selection | \(report.echoes.count) of \(report.selections)\(report.echoes.isEmpty ? "" : " (" + report.echoes.joined(separator: ", ") + ")") |")
        console.print("  | follow-up hit@5 (first question alone) | \(share(report.followUpHits, report.followUps)) (\(share(report.firstHits, report.followUps))) |")
        console.print("  | new topic in a conversation hit@5 (asked alone) | \(share(report.newTopicHits, report.newTopics)) (\(share(report.newTopicAlone, report.newTopics))) |")
        console.print("  | beginner and advanced answers differ | \(share(report.differ, report.pairs)) |")
        console.print("  | reading grade: beginner / signed out / advanced | \(mean(report.grades["beginner"] ?? [])) / \(mean(report.grades["signed out"] ?? [])) / \(mean(report.grades["advanced"] ?? [])) |")
    }
}

private func fmt(_ value: Double) -> String { String(format: "%.3f", value) }
private func pct(_ value: Double) -> String { String(format: "%5.1f%%", value * 100) }

/// One book and its question set, searched once per question (the evidence every setting is
/// scored from).
private struct EvalBook {
    let tuning: RetrievalTuning
    let chunksByID: [String: BookChunk]
    let hasDense: Bool
    let snapshot: BookLibrary.Snapshot

    func chunk(_ id: String) -> BookChunk? { chunksByID[id] }

    static func load(questions path: String, book directory: String, app: Application, console: any Console) async throws -> EvalBook {
        let (questions, book, chunks) = try await app.threadPool.runIfActive {
            let questions = try JSONDecoder().decode([EvaluationQuestion].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let book = try BookLoader.load(directory: URL(fileURLWithPath: directory))
            return (questions, book, book.pages.flatMap { Chunker().chunks(for: $0) })
        }
        let covered = questions.filter(\.isCovered).count
        let near = questions.filter { $0.kind == "near_domain" }.count
        console.print("\(directory): \(book.pages.count) pages, \(chunks.count) chunks; \(path): \(covered) answerable, "
            + "\(questions.count - covered) not covered (\(near) near-domain)")
        var vectors: InMemoryVectorStore?
        var embedder = app.primer.embedder
        if let chosen = embedder {
            do {
                try await app.autoMigrate()
                try await chosen.prepare()
                let start = ContinuousClock.now
                let windows = try await ChunkVectors.windows(of: chunks, embedder: chosen)
                let embedded = try await ChunkVectors.embedMissing(windows, embedder: chosen, db: app.db, writes: app.primer.writes, dropStale: false)
                vectors = try await ChunkVectors.store(for: chunks, embedder: chosen, db: app.db, cut: windows)
                let seconds = (ContinuousClock.now - start) / .milliseconds(1) / 1000
                console.print("  \(chosen.identifier): \(vectors?.vectorCount ?? 0) vectors for \(chunks.count) chunks "
                    + "(\(embedded) embedded now, \(String(format: "%.1f s", seconds)))")
                if let local = chosen as? LazyLocalEmbedder {
                    let (before, after) = try await local.truncation(chunks)
                    console.print("  chunks longer than the model's \(WordPieceTokenizer.maxLength) word pieces: \(before) of \(chunks.count) "
                        + "(each would be cut); windows still cut: \(after)")
                }
            } catch {
                console.warning("  no dense retrieval: \(error)")
                embedder = nil
            }
        }
        let snapshot = BookLibrary.Snapshot(book: book, chunks: chunks, vectors: vectors, embedder: embedder)
        let engine = snapshot.engine
        let mode: BookSearchEngine.Mode = vectors == nil ? .lexical : .hybrid
        var evidence: [String: BookSearchEngine.Evidence] = [:]
        for question in questions {
            evidence[question.id] = try await engine.gather(question.question, terms: TextTokenizer.terms(question.question), limit: 10,
                                                            pageSlug: nil, mode: mode, chunk: { snapshot.chunksByID[$0] })
        }
        return EvalBook(tuning: RetrievalTuning(questions: questions, evidence: evidence, engine: engine),
                        chunksByID: snapshot.chunksByID, hasDense: vectors != nil, snapshot: snapshot)
    }

    /// The table for the shipped fusion and coverage settings.
    func printShipped(console: any Console, verbose: Bool) {
        guard case .convex(let convex) = BookSearchEngine.standardFusion else { return }
        print(console: console, title: "Shipped settings", convex: convex, rrf: RankFusion(), coverage: .standard, verbose: verbose)
    }

    /// The ids with the coverage evidence: best dense similarity and the names found absent.
    func explain(_ ids: [String], mode: BookSearchEngine.Mode, coverage: CoveragePolicy) -> String {
        ids.map { id in
            guard let question = tuning.questions.first(where: { $0.id == id }), let found = tuning.evidence[id] else { return id }
            let decision = tuning.engine.decide(found, policy: coverage)
            let dense = found.denseTop.map { String(format: "%.2f", $0) } ?? "-"
            return "\(id) (dense \(dense), lexical \(String(format: "%.2f", found.lexicalEvidence))" + (decision.missing.isEmpty ? ")" : ", absent: \(decision.missing.joined(separator: "; ")))")
        }.joined(separator: ", ")
    }

    func print(console: any Console, title: String, convex: ConvexFusion, rrf: RankFusion, coverage: CoveragePolicy, verbose: Bool) {
        console.print(title + ":")
        console.print("  | mode | hit@1 | hit@5 | MRR | answerable refused | not covered refused | near-domain refused |")
        console.print("  |---|---|---|---|---|---|---|")
        var rows: [(String, BookSearchEngine.Mode, BookSearchEngine.Fusion)] = [("lexical", .lexical, .convex(convex))]
        if hasDense {
            rows += [("dense", .dense, .convex(convex)),
                     ("hybrid, RRF (dense ×\(rrf.denseWeight))", .hybrid, .reciprocalRank(rrf)),
                     ("hybrid, convex (dense \(convex.denseWeight))", .hybrid, .convex(convex))]
        }
        for (name, mode, fusion) in rows {
            let result = tuning.evaluate(mode: mode, fusion: fusion, coverage: coverage, chunk: chunk)
            console.print("  | \(name) | \(pct(result.hitAt1)) | \(pct(result.hitAt5)) | \(fmt(result.mrr)) | \(pct(result.wronglyRefused)) "
                + "| \(pct(result.refusedUncovered)) | \(pct(result.refusedNearDomain)) |")
            if verbose {
                let misses = result.ranks.filter { $0.value.map { $0 > 5 } ?? true }.keys.sorted()
                if !misses.isEmpty { console.print("      not in top 5: \(misses.joined(separator: ", "))") }
                if mode == .hybrid, case .convex = fusion {
                    for id in misses {
                        guard let question = tuning.questions.first(where: { $0.id == id }), let found = tuning.evidence[id] else { continue }
                        var engine = tuning.engine
                        engine.fusion = fusion
                        let top = engine.fuse(found, limit: 3, mode: .hybrid).compactMap { chunk($0.id) }
                        console.print("      \(id) \(question.question)\n        expected \(question.sourcePaths.joined(separator: " | ")) › \(question.sections.joined(separator: " | "))")
                        for hit in top { console.print("        got \(hit.sourcePath) › \(hit.headings.dropFirst().joined(separator: " › "))") }
                    }
                }
                if !result.wronglyRefusedIDs.isEmpty { console.print("      wrongly refused: \(explain(result.wronglyRefusedIDs, mode: mode, coverage: coverage))") }
                if !result.wronglyAccepted.isEmpty { console.print("      not covered but answered: \(explain(result.wronglyAccepted, mode: mode, coverage: coverage))") }
            }
        }
    }
}

import Fluent
import Foundation
import PrimerCore
import Vapor

/// "Personalise this chapter": the chapter adapted to the reader's level, section by section.
/// With a language model (`LLM_PROVIDER` openai/cohere) each section is rewritten for the
/// reader; with the extractive default the adaptation is deterministic (`ChapterAdapter`).
/// Results are cached per (chapter content hash, level, provider), so the second request for
/// the same chapter and level is served from the database at once.
struct ChapterPersonalizer {
    let request: Request

    /// What the stream carries.
    enum Event: Sendable {
        /// The sanitised HTML of the next section.
        case section(String)
        case done(level: String, cached: Bool, provider: String)
    }

    func stream(page: BookPage, reader: AuthenticatedReader) -> AsyncThrowingStream<Event, any Error> {
        let profile = reader.readerProfile
        let level = profile.softwareExperience
        let model = request.primer.generator as? any ChatModel
        let provider = model?.name ?? ExtractiveGenerator().name
        let db = request.db, logger = request.logger
        let keyTerms = request.primer.library.snapshot.keyTerms
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    if let cached = try await ChapterAdaptation.query(on: db).filter(\.$contentHash == page.contentHash)
                        .filter(\.$level == level.rawValue).filter(\.$provider == provider).first() {
                        for section in cached.sections { continuation.yield(.section(section)) }
                        continuation.yield(.done(level: level.rawValue, cached: true, provider: provider))
                        continuation.finish()
                        return
                    }
                    var sections: [String] = []
                    var complete = true
                    if let model {
                        for part in Self.sections(of: page.markdown) {
                            let html: String
                            do {
                                var text = ""
                                for try await piece in model.chat(PromptBuilder.rewriteMessages(section: part, chapterTitle: page.title, profile: profile)) {
                                    text += piece
                                }
                                html = PageRenderer.html(markdown: text)
                            } catch {
                                try Task.checkCancellation()
                                logger.warning("Chapter rewrite by \(provider) failed; showing the original section",
                                               metadata: ["error": .string("\(error)")])
                                complete = false
                                html = PageRenderer.html(markdown: part)
                            }
                            sections.append(html)
                            continuation.yield(.section(html))
                        }
                    } else {
                        let adapted = ChapterAdapter.adapt(page, level: level, keyTerms: keyTerms)
                        for block in adapted.blocks {
                            let html = Self.html(block)
                            sections.append(html)
                            continuation.yield(.section(html))
                        }
                    }
                    if complete {
                        let record = try ChapterAdaptation(pageSlug: page.slug, contentHash: page.contentHash, level: level.rawValue,
                                                           provider: provider, sections: sections)
                        do {
                            try await record.create(on: db)
                        } catch let error as any DatabaseError where error.isConstraintFailure {
                            // Another request cached the same adaptation first.
                        }
                    }
                    continuation.yield(.done(level: level.rawValue, cached: false, provider: provider))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The chapter split before each `#`/`##` heading (never inside code), for rewriting one
    /// section at a time.
    static func sections(of markdown: String) -> [String] {
        var sections: [[String]] = [[]]
        for line in MarkdownLine.classify(markdown) {
            if case let .heading(level, _) = line.kind, level <= 2, !(sections.last ?? []).allSatisfy({ $0.trimmingWhitespace().isEmpty }) {
                sections.append([])
            }
            sections[sections.count - 1].append(line.line)
        }
        return sections.map { $0.joined(separator: "\n") }.filter { !$0.trimmingWhitespace().isEmpty }
    }

    /// One block of an adapted chapter as HTML.
    static func html(_ block: AdaptedChapter.Block) -> String {
        switch block {
        case .keyTerms(let terms):
            let items: [HTML] = terms.map { term in
                "<dt><a href=\"\(term.url)\">\(term.term)</a></dt><dd>\(term.definition)</dd>"
            }
            return HTML("<aside class=\"key-terms\"><h2>Key terms</h2><dl>\(items)</dl></aside>").raw
        case .markdown(let markdown):
            return PageRenderer.html(markdown: markdown)
        case let .folded(summary, markdown):
            return HTML("<details class=\"folded\"><summary>\(summary)</summary>\(HTML.trusted(PageRenderer.html(markdown: markdown)))</details>").raw
        }
    }
}

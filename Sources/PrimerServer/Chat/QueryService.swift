import Fluent
import Foundation
import NIOCore
import PrimerCore
import Vapor

/// The chatbot pipeline shared by `/query` and `/query/stream`: resolve the reader (never
/// failing because of auth or profiles), apply the query rate limit, load the conversation,
/// retrieve passages, generate (falling back to the extractive generator when a provider
/// fails) and record the query.
struct QueryService {
    let request: Request
    /// Taken when the request starts: a stream still running while the server shuts down
    /// keeps its services.
    let services: PrimerServices

    init(request: Request) {
        self.request = request
        self.services = request.primer
    }

    /// Everything decided before generation starts.
    struct Prepared: Sendable {
        let input: QueryInput
        let userID: UUID?
        let profile: ReaderProfile?
        let personalizationApplied: Bool
        let conversationID: UUID
        let history: [ConversationTurn]
        /// What the answer may cite, numbered from [1].
        let passages: [SourcePassage]
        /// With a refusal, the closest sections (role `closest`); otherwise empty: an answer's
        /// sources are the passages it cites.
        let closest: [SourceResponse]
        /// Whether and how far the book covers the question: refused questions get no answer
        /// composed, only what is missing and the closest sections.
        let coverage: Coverage
        let keyTerms: [KeyTerm]
        /// The selected text when it was found in the book (then the only passage is the part holding it).
        let selection: String?
        var relevant: Bool { coverage.answers }
        /// What a partly covered answer opens with (says what the book lacks); empty otherwise.
        var opening: String {
            if case .partial(let missing, _) = coverage { return QueryService.partlyCovered(missing: missing) }
            return ""
        }
        let start: NIODeadline

        var answerRequest: AnswerRequest {
            AnswerRequest(question: input.query, passages: passages, profile: profile, history: history, keyTerms: keyTerms,
                          selection: selection)
        }

        /// The sources of an answer that cites `cited` (0-based passage indices, in citation order).
        func sources(cited: [Int]) -> [SourceResponse] {
            QueryService.sources(cited.filter { passages.indices.contains($0) }.map { passages[$0] }, role: .citation)
        }
    }

    /// A finished answer: its text (citations numbered from [1]), who wrote it and which
    /// passages it cites, in order.
    struct Generated: Sendable {
        var answer: String
        var provider: String
        var cited: [Int]
    }

    /// What generation produced.
    enum Event: Sendable {
        /// A piece of the answer, citations already renumbered.
        case delta(String)
        /// The provider failed; what was sent so far is void and the extractive answer follows.
        case fellBack
        /// The finished answer (which may replace the streamed text, e.g. when a model cited nothing).
        case finished(Generated)
    }

    static let historyLimit = 6

    func prepare() async throws -> Prepared {
        let start = NIODeadline.now()
        let input = try request.decodeJSON(QueryRequest.self).validated()
        let (userID, profile) = await readerAndProfile()
        try await enforceRateLimit(userID: userID)

        let snapshot = services.library.snapshot
        if let chapter = input.chapter, snapshot.book.page(slug: chapter) == nil {
            throw APIError.notFound("No page with slug '\(chapter)'")
        }
        let (conversationID, history) = try await conversation(input.conversationID, userID: userID)

        let passages: [SourcePassage]
        let coverage: Coverage
        var closest: [SourceResponse] = []
        var selection: String?
        if let selected = input.selectedText, let found = SelectionLocator.passages(for: selected, chapter: input.chapter, in: snapshot) {
            // "Ask about this": explained from the part of the book that holds it (and the rest of its section).
            selection = selected
            passages = found
            coverage = .covered
        } else {
            // Instructions ("explain simply") are not search terms; a follow-up borrows the subject it refers to.
            // A selection the book doesn't hold (pasted from elsewhere) is searched for with the question.
            let asked = QuestionIntent(question: input.query).searchText + (input.selectedText.map { " " + $0 } ?? "")
            let query = QueryRewriter.retrievalQuery(asked, history: history)
            let result = try await search(query, question: input.query, limit: input.maxResults, chapter: input.chapter, in: snapshot)
            // (A partly covered question's hits are about its covered part alone.)
            coverage = result.coverage
            if coverage.answers {
                passages = snapshot.answerPassages(result.hits, for: input.query)
            } else {
                // Nothing is composed from them: they are offered as the closest reading, one per section.
                passages = []
                let found = result.hits.compactMap { hit in snapshot.chunksByID[hit.id].map { SourcePassage(chunk: $0, score: hit.score) } }
                var seen = Set<String>()
                closest = Self.sources(found.filter { seen.insert($0.chunk.url).inserted }.prefix(Self.closestLimit), role: .closest)
            }
        }
        return Prepared(
            input: input, userID: userID, profile: profile, personalizationApplied: profile != nil,
            conversationID: conversationID, history: history, passages: passages, closest: closest,
            coverage: coverage, keyTerms: snapshot.keyTerms, selection: selection, start: start)
    }

    /// How many closest sections a refusal offers.
    static let closestLimit = 3

    /// Hybrid search (lexical when the embedder fails, e.g. a hosted API is down).
    private func search(_ query: String, question: String, limit: Int, chapter: String?,
                        in snapshot: BookLibrary.Snapshot) async throws -> BookSearchEngine.Result {
        let terms = TextTokenizer.terms(query)
        do {
            return try await snapshot.engine.search(query, terms: terms, limit: limit, pageSlug: chapter, question: question,
                                                    chunk: { snapshot.chunksByID[$0] })
        } catch {
            request.logger.warning("Dense retrieval failed; using lexical search", metadata: ["error": .string("\(error)")])
            return try await snapshot.engine.search(query, terms: terms, limit: limit, pageSlug: chapter, mode: .lexical, question: question,
                                                    chunk: { snapshot.chunksByID[$0] })
        }
    }

    /// The passages as listed sources, scores relative to the best.
    static func sources(_ passages: some Collection<SourcePassage>, role: SourceResponse.Role) -> [SourceResponse] {
        let top = passages.map(\.score).max() ?? 1
        return passages.map { passage in
            SourceResponse(
                pageURL: passage.chunk.pageSlug.isEmpty ? "" : passage.chunk.url, pageTitle: passage.chunk.pageTitle, section: passage.chunk.section,
                sourcePath: passage.chunk.sourcePath, chunkText: passage.chunk.text,
                relevanceScore: top > 0 ? (passage.score / top * 10_000).rounded() / 10_000 : 0, role: role)
        }
    }

    /// The signed-in reader's id and profile. A missing, invalid or expired token means
    /// signed out; any other failure is logged and answered with the default prompt.
    private func readerAndProfile() async -> (UUID?, ReaderProfile?) {
        do {
            guard let reader = try await request.resolveReader() else { return (nil, nil) }
            return (reader.userID, reader.readerProfile)
        } catch let error as APIError where error.status == .unauthorized || error.status == .forbidden {
            return (nil, nil)
        } catch {
            request.logger.warning("Could not load the reader's profile; answering without personalisation",
                                   metadata: ["error": .string(String(reflecting: type(of: error)))])
            return (nil, nil)
        }
    }

    private func enforceRateLimit(userID: UUID?) async throws {
        let limits = services.settings.rateLimits
        let (key, rule) = userID.map { ("reader|\($0)|query", limits.query) }
            ?? ("\(request.clientAddress)|query", limits.queryAnonymous)
        if case let .limited(retryAfter) = await services.rateLimits.consume(key: key, rule: rule, now: Date()) {
            throw APIError.tooManyRequests(
                code: "rate_limited", detail: "Too many questions: the limit is \(rule). Try again shortly.", retryAfter: retryAfter)
        }
    }

    /// The conversation id to use and its last turns. Another reader's conversation is not found.
    private func conversation(_ id: UUID?, userID: UUID?) async throws -> (UUID, [ConversationTurn]) {
        guard let id else { return (UUID(), []) }
        let previous = try await ChatQuery.query(on: request.db).filter(\.$conversationID == id)
            .sort(\.$createdAt, .descending).limit(Self.historyLimit).all()
        if previous.contains(where: { $0.userID != userID }) {
            throw APIError.notFound("No such conversation")
        }
        let cipher = services.dataCipher  // a reader's turns are stored encrypted
        return (id, try previous.reversed().map { row in
            row.userID == nil ? ConversationTurn(question: row.query, answer: row.answer)
                : ConversationTurn(question: try cipher.decrypt(row.query), answer: try cipher.decrypt(row.answer))
        })
    }

    /// The whole answer, its provider and what it cites, falling back to the extractive
    /// generator if the provider fails (what it wrote so far is dropped: nothing was shown) or
    /// answers without citing any passage.
    func complete(_ prepared: Prepared) async throws -> Generated {
        let primary = services.generator
        let request = prepared.answerRequest
        var generated: Generated
        do {
            generated = Self.numbered(try await primary.complete(request), provider: primary.name, passages: prepared.passages.count)
        } catch {
            try Task.checkCancellation()
            if error is CancellationError { throw error }
            let fallback = Self.fallBack(from: primary, error: error, logger: self.request.logger)
            generated = Self.numbered(fallback.compose(request), provider: fallback.name, passages: prepared.passages.count)
        }
        if generated.cited.isEmpty, let replacement = Self.uncitedReplacement(generated, request: request, logger: self.request.logger) {
            generated = replacement
        }
        if !generated.answer.isEmpty { generated.answer = prepared.opening + generated.answer }
        return generated
    }

    /// `text` with its citations renumbered from [1] and markers to no passage removed.
    static func numbered(_ text: String, provider: String, passages: Int) -> Generated {
        let (answer, cited) = CitationNumbering.renumber(text, passageCount: passages)
        return Generated(answer: answer, provider: provider, cited: cited)
    }

    /// A model's answer that cites no passage is replaced by the extractive answer (logged);
    /// nil when the extractive generator wrote it already or the passages are the selection.
    static func uncitedReplacement(_ generated: Generated, request: AnswerRequest, logger: Logger) -> Generated? {
        let extractive = ExtractiveGenerator()
        guard generated.provider != extractive.name, !request.passages.isEmpty else { return nil }
        logger.warning("Answer provider \(generated.provider) cited no passage; answering extractively")
        return numbered(extractive.compose(request), provider: extractive.name, passages: request.passages.count)
    }

    /// Generates the answer piece by piece with its citations renumbered as they arrive,
    /// falling back to the extractive generator if the provider fails; ends with `.finished`.
    func generate(_ prepared: Prepared) -> AsyncThrowingStream<Event, any Error> {
        let primary = services.generator
        let logger = request.logger
        let answerRequest = prepared.answerRequest
        let opening = prepared.opening
        let count = prepared.passages.count
        return AsyncThrowingStream { continuation in
            let task = Task {
                if !opening.isEmpty { continuation.yield(.delta(opening)) }
                /// Streams `generator`'s answer; returns it renumbered.
                func run(_ generator: any AnswerGenerator) async throws -> Generated {
                    var numbering = CitationNumbering(passageCount: count)
                    var text = ""
                    for try await piece in generator.answer(answerRequest) {
                        let shown = numbering.feed(piece)
                        text += shown
                        if !shown.isEmpty { continuation.yield(.delta(shown)) }
                    }
                    let rest = numbering.finish()
                    if !rest.isEmpty { continuation.yield(.delta(rest)) }
                    return Generated(answer: text + rest, provider: generator.name, cited: numbering.cited)
                }
                do {
                    var generated: Generated
                    do {
                        generated = try await run(primary)
                    } catch is CancellationError {
                        continuation.finish()
                        return
                    } catch {
                        if Task.isCancelled { continuation.finish(); return }
                        continuation.yield(.fellBack)
                        generated = try await run(Self.fallBack(from: primary, error: error, logger: logger))
                    }
                    if generated.cited.isEmpty, let replacement = Self.uncitedReplacement(generated, request: answerRequest, logger: logger) {
                        generated = replacement
                    }
                    if !generated.answer.isEmpty { generated.answer = opening + generated.answer }
                    continuation.yield(.finished(generated))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Logs a provider failure and returns the generator that answers instead.
    private static func fallBack(from primary: any AnswerGenerator, error: any Error, logger: Logger) -> ExtractiveGenerator {
        logger.warning("Answer provider \(primary.name) failed; answering extractively", metadata: ["error": .string("\(error)")])
        return ExtractiveGenerator()
    }

    /// The text shown when the book doesn't cover the question: what it lacks, in the reader's
    /// words, and where the closest sections are (listed as sources with the role `closest`).
    static func notCovered(_ question: String, missing: [String], hasClosest: Bool) -> String {
        let subject: String
        if missing.isEmpty {
            let shown = question.count > 120 ? question.prefix(117) + "…" : Substring(question)
            subject = "\"\(shown)\""
        } else {
            subject = EnglishList.joined(missing)
        }
        return "The book doesn't cover \(subject)."
            + (hasClosest ? " The closest sections it has are listed below; they don't answer the question."
                          : " Try rephrasing the question, or browse the table of contents.")
    }

    /// The sentence that opens a partly covered answer.
    static func partlyCovered(missing: [String]) -> String {
        "The book doesn't cover \(EnglishList.joined(missing)), so this answers only the rest of your question.\n\n"
    }

    /// Records the query and builds the final response.
    func finish(_ prepared: Prepared, generated: Generated) async throws -> QueryResponse {
        let answered = prepared.relevant && !generated.answer.trimmingWhitespace().isEmpty
        // Formulas in their readable form: the chat shows text, never TeX commands.
        let text = answered ? MathSpans.readable(generated.answer)
            : Self.notCovered(prepared.input.query, missing: prepared.coverage.missing, hasClosest: !prepared.closest.isEmpty)
        let sources = answered ? prepared.sources(cited: generated.cited) : prepared.closest
        let latency = Double((NIODeadline.now() - prepared.start).nanoseconds) / 1_000_000
        let id = UUID()
        try await services.queryLog.record(QueryRecord(
            id: id, userID: prepared.userID, conversationID: prepared.conversationID, query: prepared.input.query, answer: text,
            answered: answered, personalizationApplied: prepared.personalizationApplied, provider: generated.provider,
            latencyMs: latency, sourcesCount: sources.count, createdAt: Date()), on: request.db)
        return QueryResponse(
            queryID: id, conversationID: prepared.conversationID, answer: text, answered: answered,
            notCovered: prepared.coverage.missing, sources: sources,
            personalizationApplied: prepared.personalizationApplied,
            personalizedFor: prepared.profile.map(PersonalizedFor.init(profile:)), chunksRetrieved: prepared.passages.count,
            responseTimeMs: (latency * 100).rounded() / 100)
    }
}

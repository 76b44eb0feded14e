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
        let passages: [SourcePassage]
        /// The cited passages' sources, or (not covered) the closest sections.
        let sources: [SourceResponse]
        /// Whether and how far the book covers the question: refused questions get no answer
        /// composed, only what is missing and the closest sections.
        let coverage: Coverage
        var relevant: Bool { coverage.answers }
        /// What a partly covered answer opens with (says what the book lacks); empty otherwise.
        var opening: String {
            if case .partial(let missing, _) = coverage { return QueryService.partlyCovered(missing: missing) }
            return ""
        }
        /// The closest sections offered with a refusal.
        var closest: [SourceResponse] { sources.filter { $0.role == .closest } }
        let start: NIODeadline

        var answerRequest: AnswerRequest {
            AnswerRequest(question: input.query, passages: passages, profile: profile, history: history,
                          fromSelection: input.selectedText != nil)
        }
    }

    /// What generation produced.
    enum Event: Sendable {
        case delta(String)
        /// The provider failed; what follows comes from the extractive generator.
        case fellBack
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
        var sources: [SourceResponse]
        if let selection = input.selectedText {
            passages = [SelectionLocator.passage(for: selection, in: snapshot)]
            coverage = .covered
            sources = Self.sources(passages, role: .citation)
        } else {
            let query = QueryRewriter.retrievalQuery(input.query, history: history)
            let result = try await search(query, question: input.query, limit: input.maxResults, chapter: input.chapter, in: snapshot)
            // (A partly covered question's hits are about its covered part alone.)
            coverage = result.coverage
            let found = result.hits.compactMap { hit in snapshot.chunksByID[hit.id].map { SourcePassage(chunk: $0, score: hit.score) } }
            if coverage.answers {
                passages = found
                sources = Self.sources(found, role: .citation)
            } else {
                // Nothing is composed from them: they are offered as the closest reading, one per section.
                passages = []
                var seen = Set<String>()
                sources = Self.sources(found.filter { seen.insert($0.chunk.url).inserted }.prefix(Self.closestLimit), role: .closest)
            }
        }
        return Prepared(
            input: input, userID: userID, profile: profile, personalizationApplied: profile != nil,
            conversationID: conversationID, history: history, passages: passages, sources: sources,
            coverage: coverage, start: start)
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
        return (id, previous.reversed().map { ConversationTurn(question: $0.query, answer: $0.answer) })
    }

    /// The whole answer and the provider that wrote it, falling back to the extractive
    /// generator if the provider fails (what it wrote so far is dropped: nothing was shown).
    func complete(_ prepared: Prepared) async throws -> (answer: String, provider: String) {
        let primary = services.generator
        let opening = prepared.opening
        do {
            return (opening + (try await primary.complete(prepared.answerRequest)), primary.name)
        } catch {
            try Task.checkCancellation()
            if error is CancellationError { throw error }
            let fallback = Self.fallBack(from: primary, error: error, logger: request.logger)
            return (opening + fallback.compose(prepared.answerRequest), fallback.name)
        }
    }

    /// Generates the answer piece by piece, falling back to the extractive generator if the
    /// provider fails.
    func generate(_ prepared: Prepared) -> AsyncThrowingStream<Event, any Error> {
        let primary = services.generator
        let logger = request.logger
        let answerRequest = prepared.answerRequest
        let opening = prepared.opening
        return AsyncThrowingStream { continuation in
            let task = Task {
                if !opening.isEmpty { continuation.yield(.delta(opening)) }
                do {
                    for try await piece in primary.answer(answerRequest) { continuation.yield(.delta(piece)) }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    if Task.isCancelled { continuation.finish(); return }
                    let fallback = Self.fallBack(from: primary, error: error, logger: logger)
                    continuation.yield(.fellBack)
                    do {
                        for try await piece in fallback.answer(answerRequest) { continuation.yield(.delta(piece)) }
                        continuation.finish()
                    } catch {
                        continuation.finish(throwing: error)
                    }
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
            subject = Self.list(missing)
        }
        return "The book doesn't cover \(subject)."
            + (hasClosest ? " The closest sections it has are listed below; they don't answer the question."
                          : " Try rephrasing the question, or browse the table of contents.")
    }

    /// The sentence that opens a partly covered answer.
    static func partlyCovered(missing: [String]) -> String {
        "The book doesn't cover \(list(missing)), so this answers only the rest of your question.\n\n"
    }

    /// "A", "A and B", "A, B and C".
    static func list(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// Records the query and builds the final response.
    func finish(_ prepared: Prepared, answer: String, provider: String) async throws -> QueryResponse {
        let answered = prepared.relevant && !answer.trimmingWhitespace().isEmpty
        let text = answered ? answer
            : Self.notCovered(prepared.input.query, missing: prepared.coverage.missing, hasClosest: !prepared.closest.isEmpty)
        let sources = answered ? prepared.sources : prepared.closest
        let latency = Double((NIODeadline.now() - prepared.start).nanoseconds) / 1_000_000
        let id = UUID()
        try await services.queryLog.record(QueryRecord(
            id: id, userID: prepared.userID, conversationID: prepared.conversationID, query: prepared.input.query, answer: text,
            answered: answered, personalizationApplied: prepared.personalizationApplied, provider: provider,
            latencyMs: latency, sourcesCount: sources.count, createdAt: Date()), on: request.db)
        return QueryResponse(
            queryID: id, conversationID: prepared.conversationID, answer: text, answered: answered,
            notCovered: prepared.coverage.missing, sources: sources,
            personalizationApplied: prepared.personalizationApplied, chunksRetrieved: prepared.passages.count,
            responseTimeMs: (latency * 100).rounded() / 100)
    }
}

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
        let sources: [SourceResponse]
        /// False when the book has nothing relevant: the answer says so instead of inventing.
        let relevant: Bool
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
        let relevant: Bool
        if let selection = input.selectedText {
            passages = [SelectionLocator.passage(for: selection, in: snapshot)]
            relevant = true
        } else {
            let query = QueryRewriter.retrievalQuery(input.query, history: history)
            let terms = TextTokenizer.terms(query)
            let result: BookSearchEngine.Result
            do {
                result = try await snapshot.engine.search(query, terms: terms, limit: input.maxResults, pageSlug: input.chapter,
                                                          chunk: { snapshot.chunksByID[$0] })
            } catch {
                // The embedder failed (e.g. a hosted API is down): answer from lexical search.
                request.logger.warning("Dense retrieval failed; using lexical search", metadata: ["error": .string("\(error)")])
                result = try await snapshot.engine.search(query, terms: terms, limit: input.maxResults, pageSlug: input.chapter,
                                                          mode: .lexical, chunk: { snapshot.chunksByID[$0] })
            }
            let found = result.hits.compactMap { hit in snapshot.chunksByID[hit.id].map { SourcePassage(chunk: $0, score: hit.score) } }
            relevant = result.relevant
            passages = relevant ? found : []
        }
        let top = passages.map(\.score).max() ?? 1
        let sources = passages.map { passage in
            SourceResponse(
                pageURL: passage.chunk.pageSlug.isEmpty ? "" : passage.chunk.url, pageTitle: passage.chunk.pageTitle, section: passage.chunk.section,
                sourcePath: passage.chunk.sourcePath, chunkText: passage.chunk.text,
                relevanceScore: top > 0 ? (passage.score / top * 10_000).rounded() / 10_000 : 0)
        }
        return Prepared(
            input: input, userID: userID, profile: profile, personalizationApplied: profile != nil,
            conversationID: conversationID, history: history, passages: passages, sources: sources,
            relevant: relevant, start: start)
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
        do {
            return (try await primary.complete(prepared.answerRequest), primary.name)
        } catch {
            try Task.checkCancellation()
            if error is CancellationError { throw error }
            let fallback = Self.fallBack(from: primary, error: error, logger: request.logger)
            return (fallback.compose(prepared.answerRequest), fallback.name)
        }
    }

    /// Generates the answer piece by piece, falling back to the extractive generator if the
    /// provider fails.
    func generate(_ prepared: Prepared) -> AsyncThrowingStream<Event, any Error> {
        let primary = services.generator
        let logger = request.logger
        let answerRequest = prepared.answerRequest
        return AsyncThrowingStream { continuation in
            let task = Task {
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

    /// The text shown when the book has nothing on the question.
    static func notCovered(_ question: String) -> String {
        let shown = question.count > 120 ? question.prefix(117) + "…" : Substring(question)
        return "The book doesn't cover \"\(shown)\". Try rephrasing the question, or browse the table of contents."
    }

    /// Records the query and builds the final response.
    func finish(_ prepared: Prepared, answer: String, provider: String) async throws -> QueryResponse {
        let answered = prepared.relevant && !answer.trimmingWhitespace().isEmpty
        let text = answered ? answer : Self.notCovered(prepared.input.query)
        let sources = answered ? prepared.sources : []
        let latency = Double((NIODeadline.now() - prepared.start).nanoseconds) / 1_000_000
        let id = UUID()
        try await services.queryLog.record(QueryRecord(
            id: id, userID: prepared.userID, conversationID: prepared.conversationID, query: prepared.input.query, answer: text,
            answered: answered, personalizationApplied: prepared.personalizationApplied, provider: provider,
            latencyMs: latency, sourcesCount: sources.count, createdAt: Date()), on: request.db)
        return QueryResponse(
            queryID: id, conversationID: prepared.conversationID, answer: text, answered: answered, sources: sources,
            personalizationApplied: prepared.personalizationApplied, chunksRetrieved: prepared.passages.count,
            responseTimeMs: (latency * 100).rounded() / 100)
    }
}

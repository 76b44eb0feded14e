import Fluent
import Synchronization
import PrimerCore
import Vapor

/// `/api/v1/query`: questions to the chatbot, as JSON or as a server-sent event stream, and
/// feedback on answers. Authentication is optional.
struct QueryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let query = routes.grouped("query")
        query.post(use: ask)
        query.post("stream", use: stream)
        query.post(":queryID", "feedback", use: feedback)
    }

    @Sendable
    func ask(req: Request) async throws -> QueryResponse {
        let service = QueryService(request: req)
        let prepared = try await service.prepare()
        let generated = prepared.relevant ? try await service.complete(prepared)
            : QueryService.Generated(answer: "", provider: req.primer.generator.name, cited: [])
        return try await service.finish(prepared, generated: generated)
    }

    /// Events: `delta` pieces (`{"text": …}`, citations numbered from [1] as they arrive),
    /// then `sources` (exactly the cited passages in citation order, or with a refusal the
    /// closest sections), then `done` with the full response, or `error`. `done.answer` is the
    /// final text: it replaces what was streamed when a provider failed or cited nothing. A
    /// client that disconnects cancels generation.
    @Sendable
    func stream(req: Request) async throws -> Response {
        let service = QueryService(request: req)
        let prepared = try await service.prepare()
        let state = StreamState(provider: req.primer.generator.name)
        let failure = ErrorBody(detail: "The answer could not be completed", code: "stream_failed", fields: nil)
        return EventStreamResponse.events(req, failure: failure, onFailure: {
            // The question is still recorded, with the part of the answer that was sent.
            if let generated = state.unrecorded() { _ = try? await service.finish(prepared, generated: generated) }
        }) { events in
            if prepared.relevant {
                for try await event in service.generate(prepared) {
                    switch event {
                    case .delta(let text):
                        state.append(text)
                        try await events.send("delta", ["text": text])
                    case .fellBack:
                        state.restart(provider: ExtractiveGenerator().name)
                    case .finished(let final):
                        state.set(final)
                    }
                }
            }
            let final = try await service.finish(prepared, generated: state.recorded())
            if !final.answered { try await events.send("delta", ["text": final.answer]) }
            try await events.send("sources", final.sources)
            try await events.send("done", final)
        }
    }

    /// What a stream has produced so far, shared with its failure handler.
    final class StreamState: Sendable {
        private let state: Mutex<(generated: QueryService.Generated, recorded: Bool)>

        init(provider: String) {
            state = Mutex((QueryService.Generated(answer: "", provider: provider, cited: []), false))
        }

        func append(_ text: String) { state.withLock { $0.generated.answer += text } }
        func restart(provider: String) { state.withLock { $0.generated = QueryService.Generated(answer: "", provider: provider, cited: []) } }
        func set(_ generated: QueryService.Generated) { state.withLock { $0.generated = generated } }
        /// The answer, marked as recorded.
        func recorded() -> QueryService.Generated { state.withLock { $0.recorded = true; return $0.generated } }
        /// The answer so far, unless it was recorded already.
        func unrecorded() -> QueryService.Generated? { state.withLock { $0.recorded ? nil : $0.generated } }
    }

    @Sendable
    func feedback(req: Request) async throws -> MessageResponse {
        guard let id = req.parameters.get("queryID", as: UUID.self),
              let query = try await ChatQuery.find(id, on: req.db)
        else { throw APIError.notFound("No such query") }
        let body = try req.decodeJSON(FeedbackRequest.self)
        var failure = ValidationFailure()
        if body.helpful == nil { failure.add("helpful", "is required") }
        let comment = body.comment?.trimmingWhitespace()
        if let comment, !TextLimit.question.admits(comment) { failure.add("comment", "must be at most \(TextLimit.question.maxScalars) characters") }
        try failure.throwIfAny()
        // Feedback on a signed-in reader's answer comes from that reader only.
        if let owner = query.userID {
            let reader = try? await req.resolveReader()
            guard reader?.userID == owner else { throw APIError.notFound("No such query") }
        }
        query.helpful = body.helpful
        // A reader's comment is encrypted like their question; an anonymous one belongs to nobody.
        let kept = comment?.isEmpty == false ? comment : nil
        query.feedbackComment = try query.userID == nil ? kept : req.primer.dataCipher.encryptIfPresent(kept)
        try await req.primer.writes.serialised { try await query.save(on: req.db) }
        return MessageResponse(message: "Thanks for the feedback")
    }
}


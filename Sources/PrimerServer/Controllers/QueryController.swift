import Fluent
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
        let (answer, provider) = prepared.relevant ? try await service.complete(prepared) : ("", req.primer.generator.name)
        return try await service.finish(prepared, answer: answer, provider: provider)
    }

    /// Events: `sources` (cited passages, or with a refusal the closest sections), then `delta`
    /// pieces (`{"text": …}`), then `done` with the full response, or `error`. A client that
    /// disconnects cancels generation.
    @Sendable
    func stream(req: Request) async throws -> Response {
        let service = QueryService(request: req)
        let prepared = try await service.prepare()
        let primaryName = req.primer.generator.name
        let logger = req.logger
        return EventStreamResponse.make(req) { writer in
            var answer = "", provider = primaryName, recorded = false
            do {
                // Cited passages, or with a refusal the closest sections (role "closest").
                try await writer.writeBuffer(ServerSentEvent.encode("sources", prepared.sources))
                if prepared.relevant {
                    for try await event in service.generate(prepared) {
                        switch event {
                        case .delta(let text):
                            answer += text
                            try await writer.writeBuffer(ServerSentEvent.encode("delta", ["text": text]))
                        case .fellBack:
                            provider = ExtractiveGenerator().name
                            if !answer.isEmpty {
                                answer += "\n\n"
                                try await writer.writeBuffer(ServerSentEvent.encode("delta", ["text": "\n\n"]))
                            }
                        }
                    }
                }
                let final = try await service.finish(prepared, answer: answer, provider: provider)
                recorded = true
                if !final.answered {
                    try await writer.writeBuffer(ServerSentEvent.encode("delta", ["text": final.answer]))
                }
                try await writer.writeBuffer(ServerSentEvent.encode("done", final))
                try await writer.write(.end)
            } catch {
                // Usually the client went away (which also cancelled generation); the question
                // is still recorded, with the part of the answer that was sent.
                logger.info("Answer stream ended early: \(String(reflecting: type(of: error)))")
                if !recorded { _ = try? await service.finish(prepared, answer: answer, provider: provider) }
                let body = ErrorBody(detail: "The answer could not be completed", code: "stream_failed", fields: nil)
                try? await writer.writeBuffer(ServerSentEvent.encode("error", body))
                try? await writer.write(.end)
            }
        }
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
        query.feedbackComment = comment?.isEmpty == false ? comment : nil
        try await req.primer.writes.serialised { try await query.save(on: req.db) }
        return MessageResponse(message: "Thanks for the feedback")
    }
}

/// Server-sent event framing: `event: <name>\ndata: <json>\n\n`.
enum ServerSentEvent {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func encode(_ event: String, _ value: some Encodable) throws -> ByteBuffer {
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        // JSON has no raw newlines, so one data line suffices.
        return ByteBuffer(string: "event: \(event)\ndata: \(json)\n\n")
    }
}

import PrimerCore
import Vapor

/// Body of `POST /api/v1/query` and `/query/stream`.
struct QueryRequest: Content {
    var query: String?
    var max_results: Int?
    var selected_text: String?
    var chapter: String?
    var conversation_id: String?

    /// The validated question, or every field problem at once.
    func validated() throws(ValidationFailure) -> QueryInput {
        var failure = ValidationFailure()
        let text = failure.check("query") { () throws(FieldProblem) in
            let value = try required(query?.trimmingWhitespace())
            try TextLimit.question.check(value)
            return value
        }
        let limit = failure.check("max_results") { () throws(FieldProblem) in
            let value = max_results ?? 5
            guard (1...20).contains(value) else { throw FieldProblem("must be from 1 to 20") }
            return value
        }
        let selection = failure.check("selected_text") { () throws(FieldProblem) in
            guard let value = selected_text?.trimmingWhitespace(), !value.isEmpty else { return String?.none }
            try TextLimit.selection.check(value)
            return value
        }
        let slug = failure.check("chapter") { () throws(FieldProblem) in
            guard let value = self.chapter?.trimmingWhitespace() else { return String?.none }
            try TextLimit.slug.check(value)
            let slug = value.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return slug.isEmpty ? nil : slug
        }
        let conversation = failure.check("conversation_id") { () throws(FieldProblem) in
            guard let raw = conversation_id else { return UUID?.none }
            guard let id = UUID(uuidString: raw) else { throw FieldProblem("must be a UUID") }
            return id
        }
        try failure.throwIfAny()
        return QueryInput(query: text!, maxResults: limit!, selectedText: selection!, chapter: slug!,
                          conversationID: conversation!)
    }
}

/// A validated question.
struct QueryInput: Sendable {
    let query: String
    let maxResults: Int
    let selectedText: String?
    let chapter: String?
    let conversationID: UUID?
}

/// A source listed with an answer: a cited passage, or (when the book doesn't cover the
/// question) one of the closest sections it has.
struct SourceResponse: Content, Equatable {
    /// Why a source is listed.
    enum Role: String, Codable, Sendable {
        /// The answer is built from it.
        case citation
        /// The book doesn't cover the question; this is the nearest section it has.
        case closest
    }

    let pageURL: String
    let pageTitle: String
    let section: String
    let sourcePath: String
    let chunkText: String
    let relevanceScore: Double
    var role: Role = .citation

    enum CodingKeys: String, CodingKey {
        case pageURL = "page_url", pageTitle = "page_title", section, sourcePath = "source_path"
        case chunkText = "chunk_text", relevanceScore = "relevance_score", role
    }
}

/// The answer to `POST /api/v1/query` (and the `done` event of the stream).
struct QueryResponse: Content {
    let queryID: UUID
    let conversationID: UUID
    let answer: String
    let answered: Bool
    /// What the question names that the book never mentions, as the reader wrote it.
    let notCovered: [String]
    let sources: [SourceResponse]
    let personalizationApplied: Bool
    let chunksRetrieved: Int
    let responseTimeMs: Double

    enum CodingKeys: String, CodingKey {
        case queryID = "query_id", conversationID = "conversation_id", answer, answered, notCovered = "not_covered", sources
        case personalizationApplied = "personalization_applied", chunksRetrieved = "chunks_retrieved"
        case responseTimeMs = "response_time_ms"
    }
}

/// Body of `POST /api/v1/query/{id}/feedback`.
struct FeedbackRequest: Content {
    var helpful: Bool?
    var comment: String?
}

extension QueryResponse {
    /// The same JSON as the `Codable` encoding, written directly (the chatbot's hot path).
    var json: ByteBuffer {
        var writer = JSONWriter(capacity: 512 + sources.reduce(answer.utf8.count) { $0 + $1.chunkText.utf8.count + 256 })
        writer.object { out in
            out.field("query_id", queryID.uuidString)
            out.field("conversation_id", conversationID.uuidString)
            out.field("answer", answer)
            out.field("answered", answered)
            out.array("not_covered", notCovered) { out, name in out.value(name) }
            out.array("sources", sources) { out, source in
                out.object { out in
                    out.field("page_url", source.pageURL)
                    out.field("page_title", source.pageTitle)
                    out.field("section", source.section)
                    out.field("source_path", source.sourcePath)
                    out.field("chunk_text", source.chunkText)
                    out.field("relevance_score", source.relevanceScore)
                    out.field("role", source.role.rawValue)
                }
            }
            out.field("personalization_applied", personalizationApplied)
            out.field("chunks_retrieved", chunksRetrieved)
            out.field("response_time_ms", responseTimeMs)
        }
        return writer.buffer
    }

    func encodeResponse(for request: Request) async throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(buffer: json))
    }
}

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
    /// Whom the answer was shaped for (signed-in readers only): what the site shows as
    /// "Personalised for a Beginner · interests: drones".
    let personalizedFor: PersonalizedFor?
    let chunksRetrieved: Int
    let responseTimeMs: Double

    enum CodingKeys: String, CodingKey {
        case queryID = "query_id", conversationID = "conversation_id", answer, answered, notCovered = "not_covered", sources
        case personalizationApplied = "personalization_applied", personalizedFor = "personalized_for"
        case chunksRetrieved = "chunks_retrieved", responseTimeMs = "response_time_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(queryID, forKey: .queryID)
        try container.encode(conversationID, forKey: .conversationID)
        try container.encode(answer, forKey: .answer)
        try container.encode(answered, forKey: .answered)
        try container.encode(notCovered, forKey: .notCovered)
        try container.encode(sources, forKey: .sources)
        try container.encode(personalizationApplied, forKey: .personalizationApplied)
        try container.encode(personalizedFor, forKey: .personalizedFor)  // null when signed out
        try container.encode(chunksRetrieved, forKey: .chunksRetrieved)
        try container.encode(responseTimeMs, forKey: .responseTimeMs)
    }
}

/// The reader profile an answer was shaped for: software level and interests.
struct PersonalizedFor: Content, Equatable {
    /// `beginner`, `intermediate` or `advanced`.
    let level: String
    let interests: [String]

    init(profile: ReaderProfile) {
        level = profile.softwareExperience.rawValue.lowercased()
        interests = profile.interests
    }
}

/// Body of `POST /api/v1/query/{id}/feedback`.
struct FeedbackRequest: Content {
    var helpful: Bool?
    var comment: String?
}


import Fluent
import Foundation

/// One question asked of the chatbot (table `chat_queries`, the plan's `ChatbotQuery`). With a
/// `userID`, `query`, `answer` and `feedbackComment` are stored encrypted (`DataCipher`);
/// questions asked signed out are plaintext.
final class ChatQuery: Model, @unchecked Sendable {
    static let schema = "chat_queries"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "conversation_id") var conversationID: UUID
    @Field(key: "query") var query: String
    @Field(key: "answer") var answer: String
    @Field(key: "answered") var answered: Bool
    @Field(key: "personalization_applied") var personalizationApplied: Bool
    @Field(key: "provider") var provider: String
    @Field(key: "latency_ms") var latencyMs: Double
    @Field(key: "sources_count") var sourcesCount: Int
    @OptionalField(key: "helpful") var helpful: Bool?
    @OptionalField(key: "feedback_comment") var feedbackComment: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(id: UUID, userID: UUID?, conversationID: UUID, query: String, answer: String, answered: Bool,
         personalizationApplied: Bool, provider: String, latencyMs: Double, sourcesCount: Int) {
        self.id = id
        self.userID = userID
        self.conversationID = conversationID
        self.query = query
        self.answer = answer
        self.answered = answered
        self.personalizationApplied = personalizationApplied
        self.provider = provider
        self.latencyMs = latencyMs
        self.sourcesCount = sourcesCount
    }
}

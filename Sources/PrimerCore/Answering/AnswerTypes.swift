/// A chunk handed to an answer generator, numbered for citation (`[1]` is the first).
public struct SourcePassage: Sendable, Equatable {
    public let chunk: BookChunk
    public let score: Double

    public init(chunk: BookChunk, score: Double) {
        self.chunk = chunk
        self.score = score
    }
}

/// One earlier exchange of a conversation.
public struct ConversationTurn: Sendable, Equatable {
    public let question: String
    public let answer: String

    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

/// Everything a generator needs to answer: the question, numbered passages, the reader's
/// profile (nil when signed out or when it could not be loaded), earlier turns, the terms the
/// book defines (for a "Key terms" line and for explaining a selection) and, for "Ask about
/// this", the text the reader selected (then the first passage is the part of the book that
/// holds it).
public struct AnswerRequest: Sendable {
    public let question: String
    public let passages: [SourcePassage]
    public let profile: ReaderProfile?
    public let history: [ConversationTurn]
    /// The terms the book defines (its glossary and bold definitions).
    public let keyTerms: [KeyTerm]
    /// The text the reader selected, when the question is about a selection.
    public let selection: String?
    /// True when the question is about the reader's selected text (answer from its part of the book only).
    public var fromSelection: Bool { selection != nil }

    public init(question: String, passages: [SourcePassage], profile: ReaderProfile?, history: [ConversationTurn] = [],
                keyTerms: [KeyTerm] = [], selection: String? = nil) {
        self.question = question
        self.passages = passages
        self.profile = profile
        self.history = history
        self.keyTerms = keyTerms
        self.selection = selection
    }
}

/// Produces an answer as a stream of text pieces.
public protocol AnswerGenerator: Sendable {
    /// Stable name stored with each query (`extractive`, `openai`, `cohere`).
    var name: String { get }
    /// The answer, piece by piece. Errors end the stream.
    func answer(_ request: AnswerRequest) -> AsyncThrowingStream<String, any Error>
    /// The whole answer at once (by default, the pieces of ``answer(_:)`` joined).
    func complete(_ request: AnswerRequest) async throws -> String
}

extension AnswerGenerator {
    public func complete(_ request: AnswerRequest) async throws -> String {
        var text = ""
        for try await piece in answer(request) { text += piece }
        return text
    }
}

/// A language model that takes chat messages as they are (the hosted providers). Used where
/// the messages are not a question about passages, e.g. rewriting a chapter for a reader.
public protocol ChatModel: Sendable {
    /// Stable name (`openai`, `cohere`).
    var name: String { get }
    /// The reply to `messages`, piece by piece. Errors end the stream.
    func chat(_ messages: [ChatMessage]) -> AsyncThrowingStream<String, any Error>
}

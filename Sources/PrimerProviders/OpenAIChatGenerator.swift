import AsyncHTTPClient
import Foundation
import PrimerCore

/// Answers with any server that speaks the OpenAI Chat Completions API with streaming:
/// OpenAI itself, Ollama, the llama.cpp server and vLLM.
///
/// It POSTs `<baseURL>/chat/completions` with `{model, messages, stream: true}` (the
/// messages from `PromptBuilder`), then reads the server-sent events: each
/// `data: {json}` chunk's `choices[0].delta.content` is a piece of the answer, and
/// `data: [DONE]` ends it. The `Authorization: Bearer` header is sent only when an API key
/// is set (local servers need none).
public struct OpenAIChatGenerator: AnswerGenerator, ChatModel, CustomStringConvertible, CustomReflectable {
    public let name = "openai"
    /// The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1` (Ollama).
    public var baseURL: String
    /// The API key; nil or empty sends no `Authorization` header.
    public var apiKey: String?
    /// The model name, e.g. `gpt-4o-mini` or `llama3.2`.
    public var model: String
    /// The sampling temperature; nil leaves the server's default.
    public var temperature: Double?
    /// Longest reply in tokens (`max_tokens`); nil leaves the server's default.
    public var maxTokens: Int?
    /// Longest wait for the response to start (connecting included) and between two pieces.
    public var timeout: Duration
    /// The HTTP client the requests go through.
    public var client: HTTPClient

    /// The OpenAI API root.
    public static let defaultBaseURL = "https://api.openai.com/v1"

    public init(
        baseURL: String = OpenAIChatGenerator.defaultBaseURL, apiKey: String? = nil, model: String,
        temperature: Double? = nil, maxTokens: Int? = nil, timeout: Duration = .seconds(60), client: HTTPClient = .shared
    ) {
        self.maxTokens = maxTokens
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.temperature = temperature
        self.timeout = timeout
        self.client = client
    }

    /// `<baseURL>/chat/completions`.
    public var endpoint: String { Self.trimmingSlashes(baseURL) + "/chat/completions" }

    public func answer(_ request: AnswerRequest) -> AsyncThrowingStream<String, any Error> {
        chat(PromptBuilder.messages(for: request))
    }

    /// Streams the reply to `messages`, sent as they are.
    public func chat(_ messages: [ChatMessage]) -> AsyncThrowingStream<String, any Error> {
        let body = StreamingChatRequest.chatBody(model: model, messages: messages, temperature: temperature, maxTokens: maxTokens)
        return StreamingChatRequest(provider: name, client: client, url: endpoint, apiKey: apiKey, body: body, timeout: timeout)
            .stream(OpenAIStreamDecoder(provider: name))
    }


    static func trimmingSlashes(_ url: String) -> String {
        var url = url.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    public var description: String {
        "OpenAIChatGenerator(baseURL: \(baseURL), model: \(model), apiKey: \(apiKey?.isEmpty == false ? "set" : "none"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "model": model, "apiKey": apiKey?.isEmpty == false ? "set" : "none"])
    }
}

/// Decodes Chat Completions chunks: `choices[0].delta.content` pieces until `[DONE]`.
struct OpenAIStreamDecoder: StreamDecoder {
    let provider: String
    private var finished = false

    init(provider: String) {
        self.provider = provider
    }

    private struct Chunk: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                let content: String?
            }
            let delta: Message?
            /// A server that ignored `stream` and sent a whole completion.
            let message: Message?
            let finish_reason: String?
        }
        let choices: [Choice]?
        let error: StreamedError?
    }

    mutating func decode(_ event: ServerSentEvent) throws -> StreamStep {
        let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
        if data == "[DONE]" { return .finish }
        if data.isEmpty { return .skip }
        let chunk: Chunk
        do {
            chunk = try JSONDecoder().decode(Chunk.self, from: Data(data.utf8))
        } catch {
            throw ProviderError.malformedStream(provider: provider, detail: "an event is not a JSON chunk: \(data.prefix(80))")
        }
        if let error = chunk.error {
            throw ProviderError.streamError(provider: provider, message: error.message ?? "unknown error")
        }
        guard let choices = chunk.choices else {
            throw ProviderError.malformedStream(provider: provider, detail: "a chunk has no choices")
        }
        guard let choice = choices.first else { return .skip }  // e.g. a final usage-only chunk
        if choice.finish_reason != nil { finished = true }
        if let content = choice.delta?.content ?? choice.message?.content, !content.isEmpty { return .text(content) }
        return .skip
    }

    func endOfStream() throws {
        // Servers end with `data: [DONE]`; a finish reason without it is accepted from lenient ones.
        if !finished {
            throw ProviderError.malformedStream(provider: provider, detail: "the stream ended before data: [DONE]")
        }
    }
}

/// An error reported inside a stream: `{"error": {"message": …}}` or `{"error": "…"}`.
struct StreamedError: Decodable {
    let message: String?

    private enum Keys: String, CodingKey { case message }

    init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            message = text
        } else {
            message = try decoder.container(keyedBy: Keys.self).decodeIfPresent(String.self, forKey: .message)
        }
    }
}

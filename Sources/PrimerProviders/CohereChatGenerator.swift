import AsyncHTTPClient
import Foundation
import PrimerCore

/// Answers with Cohere's Chat API v2.
///
/// It POSTs `<baseURL>/chat` (`https://api.cohere.com/v2/chat`) with
/// `Authorization: Bearer <key>` and `{model, messages, stream: true}` (the messages from
/// `PromptBuilder`), then reads the server-sent events, each a JSON object with a `type`:
/// `message-start`, `content-start`, `content-delta` (a piece of the answer at
/// `delta.message.content.text`), `content-end` and `message-end`, which ends the answer
/// (with `delta.finish_reason` `ERROR` and `delta.error` when generation failed). Other
/// event types (citations, tool calls) are ignored.
public struct CohereChatGenerator: AnswerGenerator, ChatModel, CustomStringConvertible, CustomReflectable {
    public let name = "cohere"
    /// The API root, `https://api.cohere.com/v2` (settable for tests and compatible servers).
    public var baseURL: String
    /// The Cohere API key (`COHERE_API_KEY`).
    public var apiKey: String
    /// The model name.
    public var model: String
    /// The sampling temperature; nil leaves Cohere's default.
    public var temperature: Double?
    /// Longest reply in tokens (`max_tokens`); nil leaves the server's default.
    public var maxTokens: Int?
    /// Longest wait for the response to start (connecting included) and between two pieces.
    public var timeout: Duration
    /// The HTTP client the requests go through.
    public var client: HTTPClient

    /// Cohere's v2 API root.
    public static let defaultBaseURL = "https://api.cohere.com/v2"
    /// The default model: small, fast and made for retrieval-augmented answers.
    public static let defaultModel = "command-r7b-12-2024"

    public init(
        apiKey: String, model: String = CohereChatGenerator.defaultModel, baseURL: String = CohereChatGenerator.defaultBaseURL,
        temperature: Double? = nil, maxTokens: Int? = nil, timeout: Duration = .seconds(60), client: HTTPClient = .shared
    ) {
        self.maxTokens = maxTokens
        self.apiKey = apiKey
        self.model = model
        self.baseURL = baseURL
        self.temperature = temperature
        self.timeout = timeout
        self.client = client
    }

    /// `<baseURL>/chat`.
    public var endpoint: String { OpenAIChatGenerator.trimmingSlashes(baseURL) + "/chat" }

    public func answer(_ request: AnswerRequest) -> AsyncThrowingStream<String, any Error> {
        chat(PromptBuilder.messages(for: request))
    }

    /// Streams the reply to `messages`, sent as they are.
    public func chat(_ messages: [ChatMessage]) -> AsyncThrowingStream<String, any Error> {
        let body = StreamingChatRequest.chatBody(model: model, messages: messages, temperature: temperature, maxTokens: maxTokens)
        return StreamingChatRequest(provider: name, client: client, url: endpoint, apiKey: apiKey, body: body, timeout: timeout)
            .stream(CohereStreamDecoder(provider: name))
    }


    public var description: String {
        "CohereChatGenerator(baseURL: \(baseURL), model: \(model), apiKey: \(apiKey.isEmpty ? "none" : "set"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["baseURL": baseURL, "model": model, "apiKey": apiKey.isEmpty ? "none" : "set"])
    }
}

/// Decodes Cohere v2 chat stream events: `content-delta` texts until `message-end`.
struct CohereStreamDecoder: StreamDecoder {
    let provider: String

    /// Every event has a `type`; the rest of its shape depends on it (`delta.message.content`
    /// is an array in `message-start` but an object in `content-delta`), so it is read first.
    private struct Header: Decodable {
        let type: String?
    }

    private struct ContentDelta: Decodable {
        struct Delta: Decodable {
            struct Message: Decodable {
                struct Content: Decodable {
                    let text: String?
                }
                let content: Content?
            }
            let message: Message?
        }
        let delta: Delta?
    }

    private struct MessageEnd: Decodable {
        struct Delta: Decodable {
            let finish_reason: String?
            let error: String?
        }
        let delta: Delta?
    }

    mutating func decode(_ event: ServerSentEvent) throws -> StreamStep {
        let data = Data(event.data.utf8)
        if event.data.trimmingCharacters(in: .whitespacesAndNewlines) == "[DONE]" { return .finish }
        let type: String?
        do {
            type = try JSONDecoder().decode(Header.self, from: data).type ?? event.event
        } catch {
            throw ProviderError.malformedStream(provider: provider, detail: "an event is not JSON: \(event.data.prefix(80))")
        }
        switch type {
        case "content-delta":
            guard let delta = try? JSONDecoder().decode(ContentDelta.self, from: data) else {
                throw ProviderError.malformedStream(provider: provider, detail: "a content-delta event has no delta.message.content")
            }
            if let text = delta.delta?.message?.content?.text, !text.isEmpty { return .text(text) }
            return .skip  // e.g. a reasoning model's thinking
        case "message-end":
            let end = try? JSONDecoder().decode(MessageEnd.self, from: data)
            if end?.delta?.finish_reason?.uppercased() == "ERROR" {
                throw ProviderError.streamError(provider: provider, message: end?.delta?.error ?? "generation failed")
            }
            return .finish
        case nil:
            throw ProviderError.malformedStream(provider: provider, detail: "an event has no type")
        default:
            return .skip
        }
    }

    func endOfStream() throws {
        throw ProviderError.malformedStream(provider: provider, detail: "the stream ended before message-end")
    }
}

import Foundation

/// Why a language-model provider could not produce (the rest of) an answer.
///
/// Descriptions name the provider and what went wrong, never the API key: messages taken
/// from a provider's response have any occurrence of the key replaced before they are stored.
public enum ProviderError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The provider answered with a non-2xx HTTP status; `message` is the error message from
    /// its JSON error body when there was one.
    case http(provider: String, status: Int, message: String?)
    /// The provider reported an error inside an otherwise successful stream.
    case streamError(provider: String, message: String)
    /// The response was not the streaming format the provider documents.
    case malformedStream(provider: String, detail: String)
    /// Nothing arrived for `seconds` (connecting, waiting for the response, or between two
    /// pieces of the stream).
    case timeout(provider: String, seconds: Double)
    /// The request could not be sent or the connection failed (refused, reset, TLS, …).
    case transport(provider: String, detail: String)

    /// The provider's name (`openai`, `cohere`).
    public var provider: String {
        switch self {
        case .http(let provider, _, _), .streamError(let provider, _), .malformedStream(let provider, _),
             .timeout(let provider, _), .transport(let provider, _):
            return provider
        }
    }

    /// The HTTP status of an `.http` error.
    public var status: Int? {
        if case .http(_, let status, _) = self { return status }
        return nil
    }

    /// The provider's own message, when it sent one.
    public var message: String? {
        switch self {
        case .http(_, _, let message): return message
        case .streamError(_, let message): return message
        default: return nil
        }
    }

    /// True for errors worth retrying later: rate limits, server errors, timeouts and
    /// connection failures.
    public var isTransient: Bool {
        switch self {
        case .http(_, let status, _): return status == 408 || status == 429 || status >= 500
        case .timeout, .transport: return true
        case .streamError, .malformedStream: return false
        }
    }

    public var description: String {
        switch self {
        case .http(let provider, let status, let message):
            return "\(provider) answered HTTP \(status)" + (message.map { ": \($0)" } ?? "")
        case .streamError(let provider, let message):
            return "\(provider) reported an error while streaming: \(message)"
        case .malformedStream(let provider, let detail):
            return "\(provider) sent a malformed stream: \(detail)"
        case .timeout(let provider, let seconds):
            return "\(provider) timed out: nothing received for \(Self.format(seconds)) s"
        case .transport(let provider, let detail):
            return "could not reach \(provider): \(detail)"
        }
    }

    public var errorDescription: String? { description }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    /// Longest provider message kept, in characters.
    static let maxMessageLength = 500

    /// `text` trimmed, shortened and with `secret` (the API key) replaced; nil when empty.
    static func clean(_ text: String?, hiding secret: String?) -> String? {
        guard var text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        if let secret, !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "[redacted]") }
        if text.count > maxMessageLength { text = String(text.prefix(maxMessageLength)) + "…" }
        return text
    }

    /// The error message in a JSON error body, in any of the shapes providers use:
    /// `{"error": {"message": …}}` (OpenAI, Ollama, llama.cpp, vLLM), `{"error": "…"}`,
    /// `{"message": …}` (Cohere, older vLLM) or `{"detail": …}`.
    static func message(inErrorBody body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let error = object["error"] as? [String: Any], let message = error["message"] as? String { return message }
        if let error = object["error"] as? String { return error }
        if let message = object["message"] as? String { return message }
        if let detail = object["detail"] as? String { return detail }
        if let details = object["detail"] as? [[String: Any]], let first = details.first?["msg"] as? String { return first }
        return nil
    }
}

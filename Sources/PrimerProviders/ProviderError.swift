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
    /// The provider refused the credentials (HTTP 401 or 403): a missing, wrong or revoked API
    /// key, or one without access to the model. Reported by the embedders; the chat generators
    /// report these statuses as `.http` (`isAuthenticationFailure` covers both).
    case authentication(provider: String, status: Int, message: String?)
    /// The provider is limiting the rate of requests (HTTP 429); `retryAfter` is its
    /// `Retry-After` (or `retry-after-ms`) in seconds, when it sent one. Reported by the
    /// embedders; the chat generators report 429 as `.http` (`isRateLimited` covers both).
    case rateLimited(provider: String, message: String?, retryAfter: Double?)
    /// A complete (not streamed) response was not the JSON the provider documents, or did not
    /// fit the request (a wrong number of vectors, vectors of different or zero length).
    case malformedResponse(provider: String, detail: String)

    /// The provider's name (`openai`, `cohere`).
    public var provider: String {
        switch self {
        case .http(let provider, _, _), .streamError(let provider, _), .malformedStream(let provider, _),
             .timeout(let provider, _), .transport(let provider, _), .authentication(let provider, _, _),
             .rateLimited(let provider, _, _), .malformedResponse(let provider, _):
            return provider
        }
    }

    /// The HTTP status of an `.http`, `.authentication` or `.rateLimited` error.
    public var status: Int? {
        switch self {
        case .http(_, let status, _), .authentication(_, let status, _): return status
        case .rateLimited: return 429
        default: return nil
        }
    }

    /// The provider's own message, when it sent one.
    public var message: String? {
        switch self {
        case .http(_, _, let message): return message
        case .streamError(_, let message): return message
        case .authentication(_, _, let message), .rateLimited(_, let message, _): return message
        default: return nil
        }
    }

    /// True for errors worth retrying later: rate limits, server errors, timeouts and
    /// connection failures.
    public var isTransient: Bool {
        switch self {
        case .http(_, let status, _): return status == 408 || status == 429 || status >= 500
        case .timeout, .transport, .rateLimited: return true
        case .streamError, .malformedStream, .authentication, .malformedResponse: return false
        }
    }

    /// True when the provider refused the credentials: `.authentication`, or `.http` with
    /// status 401 or 403.
    public var isAuthenticationFailure: Bool {
        switch self {
        case .authentication: return true
        case .http(_, let status, _): return status == 401 || status == 403
        default: return false
        }
    }

    /// True when the provider is limiting the rate of requests: `.rateLimited`, or `.http`
    /// with status 429.
    public var isRateLimited: Bool {
        switch self {
        case .rateLimited: return true
        case .http(_, let status, _): return status == 429
        default: return false
        }
    }

    /// How long the provider asked to wait before trying again, in seconds (`.rateLimited` only).
    public var retryAfter: Double? {
        if case .rateLimited(_, _, let retryAfter) = self { return retryAfter }
        return nil
    }

    /// The error for a non-2xx answer: `.authentication` for 401 and 403, `.rateLimited` for
    /// 429, `.http` otherwise. `message` should already be `clean`ed.
    static func forStatus(_ status: Int, provider: String, message: String?, retryAfter: Double?) -> ProviderError {
        switch status {
        case 401, 403: return .authentication(provider: provider, status: status, message: message)
        case 429: return .rateLimited(provider: provider, message: message, retryAfter: retryAfter)
        default: return .http(provider: provider, status: status, message: message)
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
        case .authentication(let provider, let status, let message):
            return "\(provider) refused the credentials (HTTP \(status))" + (message.map { ": \($0)" } ?? "")
        case .rateLimited(let provider, let message, let retryAfter):
            return "\(provider) is limiting the rate of requests (HTTP 429"
                + (retryAfter.map { "; retry after \(Self.format($0)) s" } ?? "") + ")" + (message.map { ": \($0)" } ?? "")
        case .malformedResponse(let provider, let detail):
            return "\(provider) sent a malformed response: \(detail)"
        }
    }

    public var errorDescription: String? { description }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }

    /// The seconds to wait from a `Retry-After` header value: delay-seconds (`"20"`) or an
    /// HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`, counted from `now`, never negative);
    /// nil when it is neither.
    static func retryAfterSeconds(_ value: String?, now: Date = Date()) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return seconds.isFinite && seconds >= 0 ? seconds : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now).rounded())
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

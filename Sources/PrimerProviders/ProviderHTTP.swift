import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The HTTP plumbing that the streamed chat requests and the JSON embedding requests share:
/// the POST itself and the mapping of client errors to `ProviderError`.
enum ProviderHTTP {
    /// Longest error body read to find the provider's message.
    static let maxErrorBody = 64 * 1024

    /// A JSON POST to `url` with `accept`, Primer's user agent and, when there is one, the
    /// key as a bearer token.
    static func post(_ url: String, body: [UInt8], accept: String, apiKey: String?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "Primer")
        if let apiKey, !apiKey.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    /// `error` as a `ProviderError`, with the key hidden from any text that came from the
    /// provider or the client (cancellation stays cancellation).
    static func mapped(_ error: any Error, provider: String, timeout: Duration, apiKey: String?) -> any Error {
        if case ProviderError.streamError(let provider, let message) = error {
            return ProviderError.streamError(provider: provider, message: ProviderError.clean(message, hiding: apiKey) ?? "unknown error")
        }
        if error is ProviderError || error is CancellationError { return error }
        if Task.isCancelled { return CancellationError() }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout:
                return ProviderError.timeout(provider: provider, seconds: StreamingChatRequest.seconds(timeout))
            case .cancelled:
                return CancellationError()
            default:
                break
            }
        }
        return ProviderError.transport(provider: provider, detail: ProviderError.clean(String(describing: error), hiding: apiKey) ?? "unknown error")
    }
}

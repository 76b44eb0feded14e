import Vapor

/// An answer body produced while it is sent (server-sent events). `PrimerHTTPServer` writes
/// each piece as it comes, cancels the producer when the client leaves, and keeps the
/// connection's client timeouts off while it runs. The same producer is also set as Vapor's
/// async-stream body, so the answer works on any Vapor server.
struct StreamedBody: Sendable {
    /// Where a response keeps its streamed body.
    struct Key: StorageKey { typealias Value = StreamedBody }

    let produce: @Sendable (any AsyncBodyStreamWriter) async throws -> Void
}

extension Response {
    /// Sets a body written piece by piece by `produce`.
    func stream(_ produce: @escaping @Sendable (any AsyncBodyStreamWriter) async throws -> Void) {
        body = .init(asyncStream: { writer in try await produce(writer) })
        storage[StreamedBody.Key.self] = StreamedBody(produce: produce)
    }
}

import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A local HTTP server standing in for a hosted LLM API: it speaks the provider's wire
/// format as scripted by the test and records the request bodies it was sent.
final class FakeProvider: Sendable {
    private let bodies = NIOLockedValueBox<[String]>([])
    private let closed = NIOLockedValueBox<Int>(0)
    private let url = NIOLockedValueBox<String>("")
    private let closes = AsyncStream<Void>.makeStream()

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { url.withLockedValue { $0 } }
    var requests: [String] { bodies.withLockedValue { $0 } }
    /// Streams whose client went away before the end.
    var closedEarly: Int { closed.withLockedValue { $0 } }

    func record(_ body: String) { bodies.withLockedValue { $0.append(body) } }
    func noteClosed() {
        closed.withLockedValue { $0 += 1 }
        closes.continuation.yield()
    }

    /// Returns once a stream's client has gone away (see ``noteClosed()``).
    func waitUntilClosed() async {
        for await _ in closes.stream { return }
    }

    /// Starts a fake whose routes `register` adds, runs `body`, then stops it.
    static func run(_ register: (Application, FakeProvider) -> Void, _ body: (FakeProvider) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        let fake = FakeProvider()
        register(app, fake)
        do {
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            fake.url.withLockedValue { $0 = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)" }
            try await body(fake)
        } catch {
            await app.server.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }

    /// An OpenAI-style event stream of `pieces`, ending with `[DONE]`.
    static func openAIStream(_ pieces: [String]) -> String {
        pieces.map(openAIChunk).joined() + "data: [DONE]\n\n"
    }

    /// One OpenAI-style `data:` event carrying `piece`.
    static func openAIChunk(_ piece: String) -> String {
        let json = try! JSONSerialization.data(withJSONObject: ["choices": [["index": 0, "delta": ["content": piece]]]])
        return "data: \(String(decoding: json, as: UTF8.self))\n\n"
    }
}

import Foundation
import NIOConcurrencyHelpers
import PrimerCore
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
        let fake = FakeProvider()
        try await withLocalApp({ register($0, fake) }) { base in
            fake.url.withLockedValue { $0 = base }
            try await body(fake)
        }
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

extension FakeProvider {
    /// Runs `body` against a Primer test server on `database` whose language model is an
    /// OpenAI-compatible fake: `POST /v1/chat/completions` records the request body, then
    /// answers with `answer`. `configure` adds settings of the test's own.
    static func withOpenAIChat(
        _ database: TestDatabase,
        configure: @escaping (inout PrimerSettings) -> Void = { _ in },
        answer: @escaping @Sendable (Request, FakeProvider) async throws -> Response,
        _ body: (TestServer, FakeProvider) async throws -> Void
    ) async throws {
        try await run({ app, fake in
            app.post("v1", "chat", "completions") { req async throws -> Response in
                fake.record(req.body.string ?? "")
                return try await answer(req, fake)
            }
        }) { fake in
            try await withServer(database, configure: {
                $0.llm.provider = .openai
                $0.llm.openAIBaseURL = fake.baseURL + "/v1"
                configure(&$0)
            }) { server in
                try await body(server, fake)
            }
        }
    }
}

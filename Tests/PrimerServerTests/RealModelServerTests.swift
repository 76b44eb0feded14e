import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing

/// Primer's `openai` provider against a real OpenAI-compatible model server (llama.cpp's
/// `llama-server` with SmolLM2-135M-Instruct, started by `scripts/llm-check`, which sets
/// `PRIMER_LLM_BASE_URL`). These check the plumbing — the stream arrives, citations map to
/// sources, follow-ups, selections and chapter rewrites complete — not the wit of a tiny model.
@Suite(.enabled(if: RealModelServer.baseURL != nil), .serialized)
struct RealModelServerTests {
    /// How long a request may take against the model: generous, so a busy machine (a build beside
    /// the tests) slows the run instead of failing it.
    static let modelTimeout: Duration = .seconds(300)

    func withModelServer(_ body: (TestServer) async throws -> Void) async throws {
        try await withServer(.sqlite, configure: {
            $0.llm.provider = .openai
            $0.llm.openAIBaseURL = RealModelServer.baseURL!
            $0.llm.openAIModel = RealModelServer.model
            $0.llm.maxTokens = 160  // a tiny model rambles; the plumbing is the same for 160 tokens
        }) { server in
            try await server.ingest()
            try await body(server)
        }
    }

    /// The answer's citations number its sources from [1], every source is cited, and the
    /// provider that wrote it is recorded (the model, or the extractive answer that replaced an uncited one).
    func expectConsistent(_ done: [String: Any], server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let answer = try #require(done["answer"] as? String, sourceLocation: sourceLocation)
        let sources = try #require(done["sources"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(done["answered"] as? Bool == true, sourceLocation: sourceLocation)
        #expect(!answer.trimmingWhitespace().isEmpty, sourceLocation: sourceLocation)
        #expect(!sources.isEmpty, sourceLocation: sourceLocation)
        #expect(AnswerChecks.citesExactly(answer, sourceCount: sources.count), "\(answer)", sourceLocation: sourceLocation)
        let id = try #require(done["query_id"] as? String, sourceLocation: sourceLocation)
        let row = try await server.sql.raw("SELECT provider FROM chat_queries WHERE id = \(bind: UUID(uuidString: id)!)").first()
        let provider = try row?.decode(column: "provider", as: String.self)
        #expect(provider == "openai" || provider == "extractive", sourceLocation: sourceLocation)
        if provider == "extractive" {
            #expect(server.logs.all.contains { $0.contains("cited no passage; answering extractively") }, sourceLocation: sourceLocation)
        }
    }

    @Test func aStreamedAnswerThenAFollowUpFromTheModel() async throws {
        try await withModelServer { server in
            let response = try await server.send(.POST, "/api/v1/query/stream", json: ["query": "What is a servo motor?"], timeout: Self.modelTimeout)
            #expect(response.status == .ok)
            let events = StreamingTests.events(response.text)
            let deltas = events.filter { $0.0 == "delta" }.compactMap { ($0.1 as? [String: Any])?["text"] as? String }
            #expect(deltas.count > 1, "the model's text arrives in pieces")
            #expect(events.suffix(2).map(\.0) == ["sources", "done"])
            let done = try #require(events.last?.1 as? [String: Any])
            try await expectConsistent(done, server: server)
            // Every [n] the model streamed (renumbered on the way) points at a listed source.
            let streamed = deltas.joined()
            let sources = try #require(done["sources"] as? [[String: Any]])
            #expect(AnswerChecks.citations(in: streamed).allSatisfy { (1...max(sources.count, 1)).contains($0) })

            let conversation = try #require(done["conversation_id"] as? String)
            let followUp = try await server.send(.POST, "/api/v1/query", json: ["query": "How does it know its angle?", "conversation_id": conversation], timeout: Self.modelTimeout)
            #expect(followUp.status == .ok)
            try await expectConsistent(followUp.json, server: server)
            #expect(followUp.json["conversation_id"] as? String == conversation)
        }
    }

    @Test func aSelectionIsAnsweredFromItsPart() async throws {
        try await withModelServer { server in
            let snapshot = server.app.primer.library.snapshot
            let home = try #require(snapshot.chunks.first { $0.text.contains("gear ratio") && !$0.text.contains("```") })
            let selection = Sentences.split(MarkdownText.plain(home.text)).first ?? ""
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "Explain this simply", "selected_text": selection], timeout: Self.modelTimeout)
            #expect(response.status == .ok)
            try await expectConsistent(response.json, server: server)
            let sources = try #require(response.json["sources"] as? [[String: Any]])
            // From the part of the book holding it: its chunk, the rest of its section and its place on that page.
            #expect(!sources.isEmpty && sources.allSatisfy { $0["source_path"] as? String == home.sourcePath }, "\(sources)")
        }
    }

    @Test func aChapterIsRewrittenByTheModel() async throws {
        try await withModelServer { server in
            let reader = try await server.signUp(extra: ["software_experience": "Beginner", "interests": ["drones"]])
            let response = try await server.send(.POST, "/api/v1/book/pages/intro/personalize", json: [:], token: reader.accessToken, timeout: Self.modelTimeout)
            #expect(response.status == .ok)
            let result = PersonalizeTests.read(response)
            #expect(!result.sections.isEmpty)
            #expect(result.done?["provider"] as? String == "openai")
            #expect(result.sections.allSatisfy { !$0.contains("<script") })
        }
    }
}

/// Where `scripts/llm-check` started the model server (nil: the real-model tests are skipped).
enum RealModelServer {
    static let baseURL = ProcessInfo.processInfo.environment["PRIMER_LLM_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let model = ProcessInfo.processInfo.environment["PRIMER_LLM_MODEL"] ?? "SmolLM2-135M-Instruct"
}

import AsyncHTTPClient
import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing
import Vapor

/// `POST /api/v1/query/stream` (server-sent events) and answers from LLM providers, tested
/// against a local server that speaks the OpenAI chat-completions wire format.
@Suite struct StreamingTests {
    /// Parses `event:`/`data:` frames.
    static func events(_ text: String) -> [(String, Any)] {
        text.components(separatedBy: "\n\n").compactMap { frame in
            var name = "", data = ""
            for line in frame.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data += line.dropFirst(6) }
            }
            guard !name.isEmpty, let json = try? JSONSerialization.jsonObject(with: Data(data.utf8), options: [.fragmentsAllowed]) else { return nil }
            return (name, json)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func streamFramesSourcesDeltasAndDone(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query/stream", json: ["query": "What are servo motors?"])
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(response.text.hasPrefix("event: delta\ndata: "))
            let events = Self.events(response.text)
            // Deltas first; then the sources: exactly the passages the answer cites.
            #expect(events.dropLast(2).allSatisfy { $0.0 == "delta" })
            #expect(events.suffix(2).map(\.0) == ["sources", "done"])
            let deltas = events.filter { $0.0 == "delta" }.compactMap { ($0.1 as? [String: Any])?["text"] as? String }
            #expect(!deltas.isEmpty)
            let done = try #require(events.last?.1 as? [String: Any])
            #expect(done["answer"] as? String == deltas.joined())
            #expect(done["answered"] as? Bool == true)
            #expect(UUID(uuidString: done["query_id"] as? String ?? "") != nil)
            let sources = try #require(events[events.count - 2].1 as? [[String: Any]])
            #expect(sources.count == (done["sources"] as? [Any])?.count)
            #expect(AnswerChecks.citesExactly(done["answer"] as? String ?? "", sourceCount: sources.count))
        }
    }

    @Test func uncoveredQuestionsStreamTheRefusal() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query/stream", json: ["query": "Why did the Western Roman Empire collapse?"])
            let events = Self.events(response.text)
            #expect(events.map(\.0) == ["delta", "sources", "done"])
            #expect((events.last?.1 as? [String: Any])?["answered"] as? Bool == false)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aRefusalStreamsTheClosestSectionsAndWhatIsMissing(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query/stream", json: ["query": "Which Dynamixel servo should my arm use?"])
            let events = Self.events(response.text)
            #expect(events.map(\.0) == ["delta", "sources", "done"])
            let closest = try #require(events[1].1 as? [[String: Any]])
            #expect(!closest.isEmpty && closest.allSatisfy { $0["role"] as? String == "closest" })
            #expect((events[0].1 as? [String: Any])?["text"] as? String == (events[2].1 as? [String: Any])?["answer"] as? String)
            let done = try #require(events.last?.1 as? [String: Any])
            #expect(done["answered"] as? Bool == false)
            #expect(done["not_covered"] as? [String] == ["Dynamixel"])
            #expect((done["answer"] as? String)?.hasPrefix("The book doesn't cover Dynamixel.") == true)
            #expect((done["sources"] as? [[String: Any]])?.count == closest.count)
        }
    }

    @Test func invalidStreamRequestsAreJSONErrors() async throws {
        try await withServer(.sqlite) { server in
            let response = try await server.send(.POST, "/api/v1/query/stream", json: ["query": ""])
            #expect(response.status == .badRequest)
            #expect(response.code == "invalid_request")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func openAICompatibleProviderAnswersWithThePersonalisedPrompt(db: TestDatabase) async throws {
        try await FakeProvider.withOpenAIChat(db, configure: {
            $0.llm.openAIModel = "test-model"
        }, answer: { req, fake in
            let body = FakeProvider.openAIStream(["Servos hold ", "an angle [1]."])
            return Response(status: .ok, headers: ["Content-Type": "text/event-stream"], body: .init(string: body))
        }) { server, fake in
            try await server.ingest()
            let reader = try await server.signUp(extra: ["software_experience": "Beginner", "interests": ["drones"]])
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"], token: reader.accessToken)
            #expect(response.json["answer"] as? String == "Servos hold an angle [1].")
            #expect(response.json["personalization_applied"] as? Bool == true)
            let sent = try #require(fake.requests.first.flatMap { jsonObject(Data($0.utf8)) })
            #expect(sent["model"] as? String == "test-model")
            #expect(sent["stream"] as? Bool == true)
            let messages = try #require(sent["messages"] as? [[String: Any]])
            let system = messages.first?["content"] as? String ?? ""
            #expect(messages.first?["role"] as? String == "system")
            #expect(system.lowercased().contains("beginner"))
            #expect(system.contains("drones"))
            #expect((messages.last?["content"] as? String)?.contains("[1]") == true)
            let provider = try await server.sql.raw("SELECT provider FROM chat_queries").first()?.decode(column: "provider", as: String.self)
            #expect(provider == "openai")
        }
    }

    /// A model's citations are renumbered from [1] as they stream (a marker split across pieces
    /// included), markers to no passage are dropped, and the sources are exactly the cited passages.
    @Test(arguments: TestDatabase.allCases)
    func aModelsCitationsAreRenumberedAndSourcesPruned(db: TestDatabase) async throws {
        try await FakeProvider.withOpenAIChat(db, answer: { req, fake in
            let body = FakeProvider.openAIStream(["Servos hold an angle [", "3]. They use feedback [1][3]. Gears [9] help."])
            return Response(status: .ok, headers: ["Content-Type": "text/event-stream"], body: .init(string: body))
        }) { server, fake in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query/stream", json: ["query": "What are servo motors?", "max_results": 5])
            let events = Self.events(response.text)
            let deltas = events.filter { $0.0 == "delta" }.compactMap { ($0.1 as? [String: Any])?["text"] as? String }
            #expect(deltas.joined() == "Servos hold an angle [1]. They use feedback [2][1]. Gears help.")
            let done = try #require(events.last?.1 as? [String: Any])
            #expect(done["answer"] as? String == deltas.joined())
            let sources = try #require(done["sources"] as? [[String: Any]])
            #expect(sources.count == 2)
            #expect(done["chunks_retrieved"] as? Int == 5)
            // [1] is the third passage the model was given, [2] the first.
            let sent = try #require(fake.requests.first.flatMap { jsonObject(Data($0.utf8)) })
            let prompt = try #require((sent["messages"] as? [[String: Any]])?.last?["content"] as? String)
            let third = prompt.components(separatedBy: "\n[3] ").dropFirst().first?.components(separatedBy: "\n[4] ").first ?? ""
            let first = prompt.components(separatedBy: "\n[1] ").dropFirst().first?.components(separatedBy: "\n[2] ").first ?? ""
            #expect(third.contains(String((sources[0]["chunk_text"] as? String ?? "missing").prefix(80))))
            #expect(first.contains(String((sources[1]["chunk_text"] as? String ?? "missing").prefix(80))))
        }
    }

    /// A model answer that cites nothing is replaced by the extractive answer, and that is logged.
    @Test(arguments: TestDatabase.allCases)
    func anUncitedModelAnswerIsReplacedByTheExtractiveOne(db: TestDatabase) async throws {
        try await FakeProvider.withOpenAIChat(db, answer: { req, fake in
            let body = FakeProvider.openAIStream(["Servos are great motors, trust me."])
            return Response(status: .ok, headers: ["Content-Type": "text/event-stream"], body: .init(string: body))
        }) { server, fake in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
            let answer = try #require(response.json["answer"] as? String)
            #expect(!answer.contains("trust me"))
            QueryTests.expectGrounded(response)
            #expect(server.logs.all.contains { $0.contains("Answer provider openai cited no passage; answering extractively") })
            let provider = try await server.sql.raw("SELECT provider FROM chat_queries").first()?.decode(column: "provider", as: String.self)
            #expect(provider == "extractive")
            // Streamed, the final `done` carries the replacement.
            let streamed = try await server.send(.POST, "/api/v1/query/stream", json: ["query": "What are servo motors?"])
            let done = try #require(Self.events(streamed.text).last?.1 as? [String: Any])
            #expect(done["answer"] as? String == answer)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aFailingProviderFallsBackToTheExtractiveAnswer(db: TestDatabase) async throws {
        try await FakeProvider.withOpenAIChat(db, answer: { req, fake in
            return Response(status: .internalServerError, headers: ["Content-Type": "application/json"],
                            body: .init(string: #"{"error": {"message": "model overloaded"}}"#))
        }) { server, fake in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
            #expect(response.status == .ok)
            #expect(response.json["answered"] as? Bool == true)
            QueryTests.expectGrounded(response)
            #expect(fake.requests.count == 1)
            #expect(server.logs.all.contains { $0.hasPrefix("warning Answer provider openai failed") && $0.contains("overloaded") })
            let provider = try await server.sql.raw("SELECT provider FROM chat_queries").first()?.decode(column: "provider", as: String.self)
            #expect(provider == "extractive")
        }
    }
}

/// A reader who closes the page mid-answer must not leave the provider generating.
@Suite struct StreamDisconnectTests {
    @Test(.timeLimit(.minutes(3)), arguments: TestDatabase.allCases)
    func aClientThatDisconnectsCancelsTheProviderRequest(db: TestDatabase) async throws {
        try await FakeProvider.withOpenAIChat(db, answer: { req, fake in
            let response = Response(status: .ok, headers: ["Content-Type": "text/event-stream"])
            response.body = .init(asyncStream: { writer in
                do {
                    // An endless answer: only the caller going away ends it.
                    while true { try await writer.writeBuffer(ByteBuffer(string: FakeProvider.openAIChunk("word "))) }
                } catch {
                    fake.noteClosed()
                    try? await writer.write(.error(error))
                }
            })
            return response
        }) { server, fake in
            try await server.ingest()
            var request = HTTPClientRequest(url: server.baseURL + "/api/v1/query/stream")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"query": "What are servo motors?"}"#))
            // Read until the first piece of the answer, then go away: cancelling the task that
            // is reading the body makes AsyncHTTPClient close the connection.
            let (firstDelta, signal) = AsyncStream<String>.makeStream()
            let reader = Task {
                defer { signal.finish() }  // a failed request ends the wait below instead of hanging it
                var seen = ""
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                for try await chunk in response.body {
                    seen += String(buffer: chunk)
                    if seen.contains("event: delta") { signal.yield(seen) }
                }
            }
            var seen = ""
            for await text in firstDelta {
                seen = text
                break
            }
            reader.cancel()
            if seen.isEmpty { try await reader.value }  // surfaces why nothing arrived
            #expect(seen.contains("data: {\"text\":\"word \"}"))
            await fake.waitUntilClosed()
            #expect(fake.closedEarly == 1)
            #expect(fake.requests.count == 1)
            // The server carries on answering.
            let health = try await server.send(.GET, "/health")
            #expect(health.status == .ok)
        }
    }
}

import FluentKit
import PrimerEmbeddings
import PrimerProviders
import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing
import Vapor

/// Dense and hybrid retrieval in the server: chunk vectors stored and reused, the local model,
/// start-up without it, a hosted embedder (a local server speaking the OpenAI embeddings wire
/// format) and falling back to lexical search when it fails.
@Suite struct HybridRetrievalServerTests {
    static func vectorCount(_ server: TestServer, embedder: String? = nil) async throws -> Int {
        var query = ChunkVectorRecord.query(on: server.app.db)
        if let embedder { query = query.filter(\.$embedder == embedder) }
        return try await query.count()
    }

    /// A fake `/v1/embeddings`: each text becomes counts of a few marker words. `failQueries`
    /// answers single-text requests (questions) with 500.
    static func embeddingsRoute(_ app: Application, _ fake: FakeProvider, failQueries: Bool = false) {
        app.on(.POST, "v1", "embeddings", body: .collect(maxSize: "16mb")) { req -> Response in
            let body = try JSONSerialization.jsonObject(with: Data(req.body.string?.utf8 ?? "".utf8)) as? [String: Any] ?? [:]
            let inputs = body["input"] as? [String] ?? []
            fake.record("\(inputs.count)")
            if failQueries, inputs.count == 1 {
                return Response(status: .internalServerError, body: .init(string: #"{"error": {"message": "embedding model down"}}"#))
            }
            let data = inputs.enumerated().map { index, text -> [String: Any] in
                let words = text.lowercased().split { !$0.isLetter }
                let vector = ["balanc", "motor", "camera", "walk", "gear", "sensor", "servo", "robot"].map { marker in
                    Double(words.filter { $0.hasPrefix(marker) }.count)
                } + [0.01]
                return ["object": "embedding", "index": index, "embedding": vector]
            }
            let json = try JSONSerialization.data(withJSONObject: ["object": "list", "data": data, "model": body["model"] ?? ""])
            return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: json))
        }
    }

    @Test(.timeLimit(.minutes(5)), arguments: TestDatabase.allCases)
    func theLocalModelMakesSearchHybridAndVectorsAreReused(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.embedding.provider = .local }) { server in
            try await server.ingest()
            let chunks = server.app.primer.library.snapshot.chunks.count
            let health = try await server.send(.GET, "/health")
            let retrieval = try #require(health.json["retrieval"] as? [String: Any])
            #expect(retrieval["mode"] as? String == "hybrid")
            #expect(retrieval["embedder"] as? String == "local:all-MiniLM-L6-v2")
            #expect(retrieval["vectors"] as? Int == chunks)
            let stored = try await Self.vectorCount(server)
            #expect(stored >= chunks / 2, "one vector per distinct window text")

            // A paraphrase that shares few words with the book.
            let answer = try await server.send(.POST, "/api/v1/query", json: ["query": "how do walking robots avoid falling over?"])
            #expect(answer.json["answered"] as? Bool == true)
            let sources = answer.json["sources"] as? [[String: Any]] ?? []
            #expect(sources.contains { ($0["page_url"] as? String)?.contains("balance-and-walking") == true }, "\(sources.map { $0["page_url"] ?? "" })")

            // Coverage with the dense evidence: far from the book → refused; a partly covered question
            // answers its covered part only when the book really covers that part.
            let bread = try await server.send(.POST, "/api/v1/query", json: ["query": "How long should bread dough rise?"])
            #expect(bread.json["answered"] as? Bool == false)
            let partial = try await server.send(.POST, "/api/v1/query", json: [
                "query": "How does a PID controller work, and how do I tune it with the Cohen-Coon method?"])
            #expect(partial.json["answered"] as? Bool == true)
            #expect(partial.json["not_covered"] as? [String] == ["Cohen-Coon"])
            let nothing = try await server.send(.POST, "/api/v1/query", json: [
                "query": "Which Cohen-Coon table should I use, and how long should bread dough rise?"])
            #expect(nothing.json["answered"] as? Bool == false, "the other part is not covered either")
            #expect(nothing.json["not_covered"] as? [String] == ["Cohen-Coon"])

            // Ingesting again embeds nothing new.
            try await server.ingest()
            #expect(try await Self.vectorCount(server) == stored)
        }
    }

    @Test func withoutTheModelFilesTheServerIsLexicalAndSaysWhy() async throws {
        try await withServer(.sqlite, configure: {
            $0.embedding.provider = .local
            $0.embedding.modelDirectory = "/nonexistent/model"
        }) { server in
            try await server.ingest()
            let retrieval = try #require(try await server.send(.GET, "/health").json["retrieval"] as? [String: Any])
            #expect(retrieval["mode"] as? String == "lexical")
            #expect((retrieval["note"] as? String)?.contains("model.safetensors and vocab.txt not found in /nonexistent/model") == true)
            let answer = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
            #expect(answer.json["answered"] as? Bool == true)
        }
    }

    @Test func aCorruptModelFileIsFoundAtStartUpAndSearchStaysLexical() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("primer-corrupt-model-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("not a safetensors file".utf8).write(to: directory.appendingPathComponent("model.safetensors"))
        try Data("[PAD]\n[UNK]\n".utf8).write(to: directory.appendingPathComponent("vocab.txt"))
        try await withServer(.sqlite, configure: {
            $0.embedding.provider = .local
            $0.embedding.modelDirectory = directory.path
        }) { server in
            try await server.ingest()
            let retrieval = try #require(try await server.send(.GET, "/health").json["retrieval"] as? [String: Any])
            #expect(retrieval["mode"] as? String == "lexical")
            #expect((retrieval["note"] as? String)?.contains("model.safetensors") == true, "\(retrieval)")
            #expect(try await Self.vectorCount(server) == 0)
            let answer = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
            #expect(answer.status == .ok)
        }
    }

    @Test func concurrentFirstCallsLoadTheLocalModelOnce() async throws {
        let embedder = LazyLocalEmbedder(directory: URL(fileURLWithPath: testModelDirectory))
        let vectors = try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<8 { group.addTask { try await embedder.embed(["balance"], purpose: .query)[0] } }
            return try await group.reduce(into: [[Float]]()) { $0.append($1) }
        }
        #expect(embedder.loads.withLockedValue { $0 } == 1)
        #expect(vectors.count == 8 && Set(vectors.map { $0.map(\.bitPattern) }).count == 1)

        // A failed load is reported to the caller, and the next call tries again.
        let missing = LazyLocalEmbedder(directory: URL(fileURLWithPath: "/nonexistent/model"))
        for attempt in 1...2 {
            await #expect(throws: LocalEmbedderError.self) { try await missing.prepare() }
            #expect(missing.loads.withLockedValue { $0 } == attempt)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aHostedEmbedderStoresItsOwnVectorsAndItsFailureFallsBackToLexical(db: TestDatabase) async throws {
        try await FakeProvider.run({ app, fake in Self.embeddingsRoute(app, fake, failQueries: true) }) { fake in
            try await withServer(db, configure: {
                $0.embedding.provider = .openai
                $0.embedding.openAIModel = "fake-embed"
                $0.llm.openAIBaseURL = fake.baseURL + "/v1"
            }) { server in
                try await server.ingest()
                let chunks = server.app.primer.library.snapshot.chunks.count
                #expect(try await Self.vectorCount(server, embedder: "openai:fake-embed") > 0)
                #expect(server.app.primer.library.snapshot.engine.defaultMode == .hybrid)
                #expect(server.app.primer.library.snapshot.engine.dense?.count == chunks)
                let requests = fake.requests.count
                // The question's embedding fails: the answer comes from lexical search.
                let answer = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
                #expect(answer.status == .ok)
                #expect(answer.json["answered"] as? Bool == true)
                #expect(fake.requests.count == requests + 1)
                #expect(server.logs.all.contains { $0.hasPrefix("warning Dense retrieval failed") && $0.contains("embedding model down") })
            }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func changingTheEmbedderReEmbedsTheBookOnce(db: TestDatabase) async throws {
        try await FakeProvider.run({ app, fake in Self.embeddingsRoute(app, fake) }) { fake in
            try await withServer(db, configure: {
                $0.embedding.provider = .openai
                $0.embedding.openAIModel = "first-embed"
                $0.llm.openAIBaseURL = fake.baseURL + "/v1"
            }) { server in
                try await server.ingest()
                let first = try await Self.vectorCount(server, embedder: "openai:first-embed")
                #expect(first > 0)
                // What start-up does with another embedder configured: everything is embedded for it…
                let chunks = server.app.primer.library.snapshot.chunks
                let second = OpenAIEmbedder(baseURL: fake.baseURL + "/v1", model: "second-embed")
                let embedded = try await ChunkVectors.embedMissing(chunks, embedder: second, db: server.app.db, writes: server.app.primer.writes)
                #expect(embedded == first)
                #expect(try await Self.vectorCount(server, embedder: "openai:second-embed") == first)
                try await server.app.primer.library.reload(from: server.app.db, embedder: second)
                #expect(server.app.primer.library.snapshot.engine.embedder?.identifier == "openai:second-embed")
                #expect(server.app.primer.library.snapshot.engine.dense?.count == chunks.count)
                // …once: nothing is embedded again, for either embedder.
                #expect(try await ChunkVectors.embedMissing(chunks, embedder: second, db: server.app.db, writes: server.app.primer.writes) == 0)
                // Texts that left the book lose their vectors (for that embedder only); coming back, they are embedded again.
                let kept = Array(chunks.dropLast(3))
                #expect(try await ChunkVectors.embedMissing(kept, embedder: second, db: server.app.db, writes: server.app.primer.writes) == 0)
                #expect(try await Self.vectorCount(server, embedder: "openai:second-embed") == Set(kept.map { ChunkVectors.textHash($0.indexedText) }).count)
                #expect(try await Self.vectorCount(server, embedder: "openai:first-embed") == first)
                let returning = Set(chunks.map { ChunkVectors.textHash($0.indexedText) }).count - Set(kept.map { ChunkVectors.textHash($0.indexedText) }).count
                #expect(returning > 0)
                #expect(try await ChunkVectors.embedMissing(chunks, embedder: second, db: server.app.db, writes: server.app.primer.writes) == returning)
                let requests = fake.requests.count
                try await server.ingest()
                #expect(fake.requests.count == requests, "an unchanged book is not embedded again")
                #expect(try await Self.vectorCount(server, embedder: "openai:first-embed") == first)
            }
        }
    }
}

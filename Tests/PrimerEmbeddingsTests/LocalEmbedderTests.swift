import Foundation
import PrimerCore
import Testing
@testable import PrimerEmbeddings

/// The local embedder end to end (text → WordPiece → encoder → vector) against the reference
/// embeddings, and its loading errors.
@Suite struct LocalEmbedderTests {
    typealias Support = EncoderTestSupport

    /// The embedder, loaded once (needs model.safetensors and vocab.txt: scripts/fetch-model).
    static let loaded: Result<LocalEmbedder, any Error> = Result {
        _ = try Support.requireModelFile()
        return try LocalEmbedder.load(directory: Support.modelDirectory)
    }

    @Test func identifiesTheModel() throws {
        let embedder = try Self.loaded.get()
        #expect(embedder.identifier == "local:all-MiniLM-L6-v2")
        #expect(embedder.dimension == 384)
    }

    @Test func embedsTextsLikeTheReference() async throws {
        let embedder = try Self.loaded.get()
        let cases = Support.cases
        let vectors = try await embedder.embed(cases.map(\.text), purpose: .document)
        #expect(vectors.count == cases.count)
        for (vector, testCase) in zip(vectors, cases) {
            #expect(vector.count == 384)
            let diff = Support.maxAbsDiff(vector, testCase.embedding)
            #expect(diff < 1e-4, "\(testCase.name): max abs diff \(diff)")
            #expect(Support.cosine(vector, testCase.embedding) >= 0.9999, "\(testCase.name)")
            #expect(abs(Support.norm(vector) - 1) < 1e-5)
        }
    }

    @Test func questionsAreCutAt128TokensAndGroupsKeepTheOrder() async throws {
        let shared = try Self.loaded.get()
        // Groups of 3 over 14 × 3 texts.
        let embedder = LocalEmbedder(encoder: shared.encoder, tokenizer: shared.tokenizer, groupSize: 3)
        let texts = Array(repeating: Support.cases.map(\.text), count: 3).flatMap { $0 }
        let documents = try await embedder.embed(texts, purpose: .document)
        let queries = try await embedder.embed(texts, purpose: .query)
        #expect(documents.count == texts.count)
        var cut = 0
        for (index, (document, query)) in zip(documents, queries).enumerated() {
            #expect(Support.maxAbsDiff(document, Support.cases[index % Support.cases.count].embedding) < 1e-4)
            let ids = shared.tokenizer.tokenize(texts[index])
            if ids.count <= LocalEmbedder.queryMaxTokens {
                #expect(Support.maxAbsDiff(document, query) < 1e-6)  // purpose makes no difference to this model
            } else {
                cut += 1
                let first128 = shared.encoder.embed(tokenBatches: [shared.tokenizer.tokenize(texts[index], maxLength: LocalEmbedder.queryMaxTokens)])[0]
                #expect(Support.maxAbsDiff(first128, query) < 1e-5)
            }
        }
        #expect(cut > 0, "no case is longer than a question's cap")
        #expect(try await embedder.embed([], purpose: .query).isEmpty)
    }

    @Test func longChunksAreWindowedWithinTheModelsInputAndFoundByTheirSecondHalf() async throws {
        let embedder = try Self.loaded.get()
        let filler = (1...16).map { "Step \($0): the humanoid shifts its weight onto the left foot while the controller logs joint angles." }
            .joined(separator: " ")
        let long = BookChunk(id: "long", pageSlug: "p", pageTitle: "Walking", sourcePath: "p.md", headings: ["Walking", "Gait log"],
                             anchor: "gait-log", text: filler + " Lidar measures distance by timing reflected laser pulses. A spinning lidar sweeps its pulses "
                             + "around the robot and returns the distance to every wall and obstacle. The robot uses these "
                             + "lidar distances to avoid obstacles and to build a map of the room.", ordinal: 0)
        #expect(embedder.tokenizer.pieceCount(long.indexedText) > WordPieceTokenizer.maxLength + 100)
        let windows = try await embedder.windows(for: long)
        #expect(windows.count >= 2)
        for window in windows {
            #expect(embedder.tokenizer.pieceCount(window) <= WordPieceTokenizer.maxLength - 2, "a window is never cut")
            #expect(window.hasPrefix("Walking › Gait log\n\n"))
        }
        let short = BookChunk(id: "short", pageSlug: "p", pageTitle: "Sensors", sourcePath: "p.md", headings: ["Sensors", "Cameras"],
                              anchor: "cameras", text: "A camera records colour images of the scene.", ordinal: 1)
        #expect(try await embedder.windows(for: short) == [short.indexedText])
        var entries: [ChunkVector] = []
        for chunk in [long, short] {
            for vector in try await embedder.embed(try await embedder.windows(for: chunk), purpose: .document) {
                entries.append(ChunkVector(id: chunk.id, pageSlug: "p", vector: vector))
            }
        }
        let query = try await embedder.embed(["How does lidar measure the distance to obstacles?"], purpose: .query)[0]
        let ranked = try InMemoryVectorStore(entries).rank(query, limit: 2, pageSlug: nil)
        #expect(ranked.first?.id == "long", "\(ranked) windows \(windows.map { embedder.tokenizer.pieceCount($0) })")
        // Without windows the model reads only the gait log and the camera chunk wins.
        let whole = try await embedder.embed([long.indexedText, short.indexedText], purpose: .document)
        let cut = try InMemoryVectorStore([ChunkVector(id: "long", pageSlug: "p", vector: whole[0]), ChunkVector(id: "short", pageSlug: "p", vector: whole[1])])
        #expect(try cut.rank(query, limit: 1, pageSlug: nil).first?.id == "short")
    }

    @Test func worksAsAnEmbedder() async throws {
        let embedder: any Embedder = try Self.loaded.get()
        let vectors = try await embedder.embed(["What is a servo motor?", "How does PWM set a servo angle?"], purpose: .query)
        #expect(vectors.count == 2)
        let similarity = zip(vectors[0], vectors[1]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(similarity > 0.3)
    }

    @Test func cancelledTaskStops() async throws {
        let embedder = try Self.loaded.get()
        let small = LocalEmbedder(encoder: embedder.encoder, tokenizer: embedder.tokenizer, groupSize: 1)
        let task = Task {
            try await small.embed(Array(repeating: "A servo motor uses feedback.", count: 10_000), purpose: .document)
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    // MARK: loading errors

    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("local-embedder-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    static func loadError(_ directory: URL) -> LocalEmbedderError? {
        do {
            _ = try LocalEmbedder.load(directory: directory)
            return nil
        } catch let error as LocalEmbedderError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func missingDirectoryOrFilesSayToFetchTheModel() throws {
        let scratch = try Scratch()
        let nowhere = scratch.url.appendingPathComponent("absent")
        let noDirectory = try #require(Self.loadError(nowhere))
        #expect(noDirectory.description.contains(nowhere.path))
        #expect(noDirectory.description.contains("scripts/fetch-model"))

        let noFiles = try #require(Self.loadError(scratch.url))
        #expect(noFiles.description.contains("model.safetensors"))
        #expect(noFiles.description.contains("scripts/fetch-model"))

        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n".utf8).write(to: scratch.url.appendingPathComponent("model.safetensors"))
        let noVocab = try #require(Self.loadError(scratch.url))
        #expect(noVocab.description.contains("vocab.txt"))
    }

    @Test func corruptModelFileIsReported() throws {
        let scratch = try Scratch()
        try FileManager.default.copyItem(at: Support.modelDirectory.appendingPathComponent("vocab.txt"),
                                         to: scratch.url.appendingPathComponent("vocab.txt"))
        try Data("not a safetensors file".utf8).write(to: scratch.url.appendingPathComponent("model.safetensors"))
        let error = try #require(Self.loadError(scratch.url))
        #expect(error.description.contains("model.safetensors"))
        #expect(error.description.contains("corrupt"))
    }

    @Test func mismatchedVocabularyIsReported() throws {
        let scratch = try Scratch()
        _ = try Support.requireModelFile()
        try FileManager.default.createSymbolicLink(at: scratch.url.appendingPathComponent("model.safetensors"),
                                                   withDestinationURL: Support.modelFile)
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n".utf8).write(to: scratch.url.appendingPathComponent("vocab.txt"))
        let error = try #require(Self.loadError(scratch.url))
        #expect(error.description.contains("not from the same model"))
    }
}

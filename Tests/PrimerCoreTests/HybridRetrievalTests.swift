import Foundation
@testable import PrimerCore
import Testing

/// An embedder for tests: each text becomes the counts of a few marker words, so similarity is
/// predictable.
struct MarkerEmbedder: Embedder {
    static let markers = ["balance", "motor", "camera", "walk", "gear", "sensor"]
    let identifier = "test:markers"

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        texts.map { text in
            let words = text.lowercased().split { !$0.isLetter }
            return Self.markers.map { marker in Float(words.filter { $0.hasPrefix(marker) }.count) } + [0.01]
        }
    }
}

@Suite struct VectorStoreTests {
    @Test func nearestIsExactCosineAndFiltersByPage() throws {
        let store = try InMemoryVectorStore([
            ChunkVector(id: "a", pageSlug: "p1", vector: [1, 0, 0]),
            ChunkVector(id: "b", pageSlug: "p1", vector: [10, 10, 0]),  // not normalised: length must not matter
            ChunkVector(id: "c", pageSlug: "p2", vector: [0, 0, 3]),
        ])
        #expect(store.count == 3 && store.dimension == 3)
        let hits = try store.rank([1, 1, 0], limit: 3, pageSlug: nil)
        #expect(hits.map(\.id) == ["b", "a", "c"])
        #expect(abs(hits[0].score - 1) < 1e-6)
        #expect(abs(hits[1].score - 0.70710678) < 1e-6)
        #expect(abs(hits[2].score) < 1e-6)
        #expect(try store.rank([0, 0, 1], limit: 5, pageSlug: "p2").map(\.id) == ["c"])
        #expect(try store.rank([1, 0, 0], limit: 1, pageSlug: nil).map(\.id) == ["a"])
    }

    @Test func vectorsOfTheWrongLengthAreRejected() {
        #expect(throws: VectorStoreError.dimensionMismatch(id: "b", expected: 2, found: 3)) {
            try InMemoryVectorStore([ChunkVector(id: "a", pageSlug: "", vector: [1, 0]), ChunkVector(id: "b", pageSlug: "", vector: [1, 0, 0])])
        }
        let store = try! InMemoryVectorStore([ChunkVector(id: "a", pageSlug: "", vector: [1, 0])])
        #expect(throws: VectorStoreError.self) { try store.rank([1, 0, 0], limit: 1, pageSlug: nil) }
        #expect(try! InMemoryVectorStore([]).rank([], limit: 3, pageSlug: nil).isEmpty)
    }

    @Test func aChunkWithSeveralWindowsScoresAsItsBestOne() async throws {
        let store = try InMemoryVectorStore([
            ChunkVector(id: "long", pageSlug: "p", vector: [1, 0, 0]),
            ChunkVector(id: "short", pageSlug: "p", vector: [0.6, 0.8, 0]),
            ChunkVector(id: "long", pageSlug: "p", vector: [0, 1, 0]),  // the long chunk's second window
        ])
        #expect(store.count == 2 && store.vectorCount == 3)
        #expect(try store.rank([0, 1, 0], limit: 5, pageSlug: nil).map(\.id) == ["long", "short"], "one hit per chunk, its best window")
        #expect(try store.rank([1, 0, 0], limit: 5, pageSlug: nil).map(\.id) == ["long", "short"])
        let similarities = try await store.similarities(to: [0, 0, 1], ids: ["long", "gone"])
        #expect(similarities.count == 1 && abs(similarities["long"]! - 0) < 1e-9)
    }
}

@Suite struct RankFusionTests {
    @Test func reciprocalRanksAddUpWithK60() {
        let lexical = [SearchHit(id: "x", score: 9), SearchHit(id: "y", score: 5), SearchHit(id: "z", score: 1)]
        let dense = [SearchHit(id: "y", score: 0.9), SearchHit(id: "w", score: 0.8)]
        let fused = RankFusion().fuse(lexical: lexical, dense: dense, limit: 10)
        #expect(fused.map(\.id) == ["y", "x", "w", "z"])
        #expect(abs(fused[0].score - (1.0 / 62 + 1.0 / 61)) < 1e-12)
        #expect(abs(fused[1].score - 1.0 / 61) < 1e-12)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-12)
        #expect(RankFusion().fuse(lexical: lexical, dense: dense, limit: 2).map(\.id) == ["y", "x"])
    }

    @Test func weightsChangeTheOrderAndZeroDropsAList() {
        let lexical = [SearchHit(id: "x", score: 1)], dense = [SearchHit(id: "y", score: 1)]
        #expect(RankFusion(lexicalWeight: 1, denseWeight: 2).fuse(lexical: lexical, dense: dense, limit: 2).map(\.id) == ["y", "x"])
        #expect(RankFusion(lexicalWeight: 2, denseWeight: 1).fuse(lexical: lexical, dense: dense, limit: 2).map(\.id) == ["x", "y"])
        #expect(RankFusion(lexicalWeight: 1, denseWeight: 0).fuse(lexical: lexical, dense: dense, limit: 2).map(\.id) == ["x"])
        #expect(RankFusion().fuse(lexical: lexical, dense: dense, limit: 2).map(\.id) == ["x", "y"], "ties broken by id")
    }
}

@Suite struct BookSearchEngineTests {
    static func chunk(_ id: String, _ heading: String, _ text: String) -> BookChunk {
        BookChunk(id: id, pageSlug: "p-\(id)", pageTitle: "Page \(id)", sourcePath: "\(id).md", headings: ["Page \(id)", heading],
                  anchor: heading.lowercased(), text: text, ordinal: 0)
    }

    static let chunks = [
        chunk("zmp", "Zero moment point", "The zero moment point must stay inside the support polygon so a biped keeps its balance while it walks."),
        chunk("dc", "DC motors", "A DC motor turns current into torque; gearing trades speed for torque."),
        chunk("cam", "Cameras", "A camera sensor measures light; stereo cameras estimate depth."),
    ]

    static func engine() async throws -> BookSearchEngine {
        let lexical = BM25Index(documents: chunks.map { SearchDocument(id: $0.id, headings: $0.headings, body: $0.text, pageSlug: $0.pageSlug) })
        let vectors = try await MarkerEmbedder().embed(chunks.map(\.indexedText), purpose: .document)
        let store = try InMemoryVectorStore(zip(chunks, vectors).map { ChunkVector(id: $0.id, pageSlug: $0.pageSlug, vector: $1) })
        return BookSearchEngine(lexical: lexical, dense: store, embedder: MarkerEmbedder())
    }

    @Test func denseFindsParaphrasesThatLexicalMisses() async throws {
        let engine = try await Self.engine()
        #expect(engine.defaultMode == .hybrid)
        let question = "How do robots keep balance when walking?"
        let byID = Dictionary(uniqueKeysWithValues: Self.chunks.map { ($0.id, $0) })
        let dense = try await engine.search(question, terms: TextTokenizer.terms(question), limit: 2, pageSlug: nil, mode: .dense, chunk: { byID[$0] })
        #expect(dense.hits.first?.id == "zmp")
        #expect((dense.denseTop ?? 0) > 0.9)
        let hybrid = try await engine.search(question, terms: TextTokenizer.terms(question), limit: 2, pageSlug: nil, chunk: { byID[$0] })
        #expect(hybrid.hits.first?.id == "zmp")
        #expect(hybrid.relevant)
        let lexical = try await engine.search(question, terms: TextTokenizer.terms(question), limit: 2, pageSlug: nil, mode: .lexical, chunk: { byID[$0] })
        #expect(lexical.denseTop == nil)
    }

    @Test func coverageUsesDenseSimilarityAndLexicalEvidence() {
        let policy = CoveragePolicy(denseFloor: 0.2, denseAccept: 0.5)
        let vocabulary = BookVocabulary(texts: ["robots balance"])
        func decide(_ lexical: Bool, _ dense: Double?) -> Bool {
            policy.decide(question: "how do robots balance", vocabulary: vocabulary, denseTop: dense, lexicalEvidence: lexical ? 1 : 0).answers
        }
        #expect(decide(false, nil) == false)
        #expect(decide(true, nil) == true)
        #expect(decide(false, 0.6) == true)
        #expect(decide(true, 0.1) == false)
        #expect(decide(true, 0.3) == true)
        #expect(decide(false, 0.3) == false)
    }

    @Test func aPartlyCoveredQuestionIsAnsweredFromItsCoveredPartOnlyWhenThatPartIsCovered() async throws {
        let engine = try await Self.engine()
        let byID = Dictionary(uniqueKeysWithValues: Self.chunks.map { ($0.id, $0) })
        func search(_ question: String) async throws -> BookSearchEngine.Result {
            try await engine.search(question, terms: TextTokenizer.terms(question), limit: 3, pageSlug: nil, chunk: { byID[$0] })
        }
        let partial = try await search("Why do cameras estimate depth with two lenses, and which Basler model should I buy?")
        #expect(partial.coverage == .partial(missing: ["Basler"], coveredPart: "Why do cameras estimate depth with two lenses,"))
        #expect(partial.hits.first?.id == "cam", "hits for the covered part")
        let neither = try await search("Which Basler model should I buy, and how long should bread dough rise?")
        #expect(neither.coverage == .notCovered(missing: ["Basler"]), "the other part is not in the book either")
    }

    @Test func withoutVectorsTheEngineIsLexical() {
        let lexical = BM25Index(documents: [])
        #expect(BookSearchEngine(lexical: lexical).defaultMode == .lexical)
        #expect(BookSearchEngine(lexical: lexical, dense: try! InMemoryVectorStore([]), embedder: MarkerEmbedder()).defaultMode == .lexical)
    }
}

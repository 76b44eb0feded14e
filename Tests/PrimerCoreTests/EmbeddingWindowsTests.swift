@testable import PrimerCore
import Testing

/// Chunks longer than the model's input are embedded in overlapping windows, each with the
/// heading path, and found by their best window.
@Suite struct EmbeddingWindowsTests {
    static func chunk(_ text: String, id: String = "long") -> BookChunk {
        BookChunk(id: id, pageSlug: "p", pageTitle: "Page", sourcePath: "p.md", headings: ["Page", "Section"], anchor: "section",
                  text: text, ordinal: 0)
    }

    /// One token per word.
    static func words(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }

    @Test func aShortChunkIsOneWindowHoldingItsIndexedText() {
        let chunk = Self.chunk("A servo holds an angle.")
        #expect(EmbeddingWindows(budget: 50, overlap: 10).texts(for: chunk, tokens: Self.words) == [chunk.indexedText])
    }

    @Test func everyWordIsInAWindowWithinTheBudgetAndWindowsOverlap() {
        let body = (1...100).map { "w\($0)" }.joined(separator: " ")
        let windows = EmbeddingWindows(budget: 30, overlap: 6).texts(for: Self.chunk(body), tokens: Self.words)
        #expect(windows.count > 3)
        var seen = Set<String>()
        for window in windows {
            #expect(window.hasPrefix("Page › Section\n\n"), "every window keeps the heading path")
            #expect(Self.words(window) <= 30)
            seen.formUnion(window.split(whereSeparator: \.isWhitespace).map(String.init))
        }
        #expect((1...100).allSatisfy { seen.contains("w\($0)") })
        let first = Set(windows[0].split(separator: " ")), second = Set(windows[1].split(separator: " "))
        #expect(first.intersection(second).count > 3, "consecutive windows share words")
    }

    /// An embedder that reads only the first `budget` words of a text, like a model with a
    /// fixed input length, and windows chunks to fit.
    struct ShortSightedEmbedder: Embedder {
        let identifier = "test:short"
        let budget = 40
        func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
            try await MarkerEmbedder().embed(texts.map { $0.split(whereSeparator: \.isWhitespace).prefix(budget).joined(separator: " ") },
                                             purpose: purpose)
        }
        func windows(for chunk: BookChunk) async throws -> [String] {
            EmbeddingWindows(budget: budget, overlap: 8).texts(for: chunk, tokens: EmbeddingWindowsTests.words)
        }
    }

    @Test func aChunkWhoseOnlyMatchIsInItsSecondHalfIsFound() async throws {
        let filler = Array(repeating: "the robot moves its arm slowly", count: 12).joined(separator: " ")
        let long = Self.chunk(filler + " A stereo camera estimates depth from two images.")
        let other = Self.chunk("Gear ratios trade speed for torque in a motor.", id: "gears")
        let embedder = ShortSightedEmbedder()
        var entries: [ChunkVector] = []
        for chunk in [long, other] {
            let windows = try await embedder.windows(for: chunk)
            for vector in try await embedder.embed(windows, purpose: .document) {
                entries.append(ChunkVector(id: chunk.id, pageSlug: chunk.pageSlug, vector: vector))
            }
        }
        #expect(entries.count > 2, "the long chunk has several windows")
        let query = try await embedder.embed(["how does a camera see depth"], purpose: .query)[0]
        let store = try InMemoryVectorStore(entries)
        let hits = try store.rank(query, limit: 2, pageSlug: nil)
        #expect(hits.first?.id == "long")
        #expect((hits.first?.score ?? 0) > 0.5)
        // Embedded whole, the model never sees the camera sentence.
        let truncated = try InMemoryVectorStore([
            ChunkVector(id: "long", pageSlug: "p", vector: try await embedder.embed([long.indexedText], purpose: .document)[0]),
        ])
        #expect(try truncated.rank(query, limit: 1, pageSlug: nil).first?.score ?? 1 < 0.1)
    }
}

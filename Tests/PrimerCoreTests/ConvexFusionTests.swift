@testable import PrimerCore
import Testing

/// Convex combination of normalised scores, and its edge cases: an empty list, ties, one candidate.
@Suite struct ConvexFusionTests {
    @Test func combinesNormalisedScores() {
        let fusion = ConvexFusion(denseWeight: 0.5, normalisation: .minMax)
        // Lexical: x 10, y 5, z 0 → 1, 0.5, 0. Dense: x 0.2, y 0.6, z 0.4 → 0, 1, 0.5.
        let hits = fusion.fuse(candidates: ["x", "y", "z"], lexical: ["x": 10, "y": 5], dense: ["x": 0.2, "y": 0.6, "z": 0.4], limit: 3)
        #expect(hits.map(\.id) == ["y", "x", "z"])
        #expect(abs(hits[0].score - 0.75) < 1e-12 && abs(hits[1].score - 0.5) < 1e-12 && abs(hits[2].score - 0.25) < 1e-12)
        // The weight moves the order: all dense, all lexical.
        #expect(ConvexFusion(denseWeight: 1, normalisation: .minMax).fuse(candidates: ["x", "y", "z"], lexical: ["x": 10, "y": 5],
                                                                           dense: ["x": 0.2, "y": 0.6, "z": 0.4], limit: 1).map(\.id) == ["y"])
        #expect(ConvexFusion(denseWeight: 0, normalisation: .minMax).fuse(candidates: ["x", "y", "z"], lexical: ["x": 10, "y": 5],
                                                                           dense: ["x": 0.2, "y": 0.6, "z": 0.4], limit: 1).map(\.id) == ["x"])
    }

    @Test func theoreticalNormalisationUsesTheRetrieversFloor() {
        let fusion = ConvexFusion(denseWeight: 0.5, normalisation: .theoretical)
        // Dense floor −1: 0.2 → 1.2/1.6 = 0.75, 0.6 → 1. Lexical floor 0: 10 → 1, 5 → 0.5.
        let hits = fusion.fuse(candidates: ["x", "y"], lexical: ["x": 10, "y": 5], dense: ["x": 0.2, "y": 0.6], limit: 2)
        #expect(hits.map(\.id) == ["x", "y"])
        #expect(abs(hits[0].score - 0.875) < 1e-12)
        #expect(abs(hits[1].score - 0.75) < 1e-12)
    }

    @Test func oneEmptyListLeavesTheOtherInCharge() {
        for normalisation in ConvexFusion.Normalisation.allCases {
            let fusion = ConvexFusion(denseWeight: 0.3, normalisation: normalisation)
            // No lexical match at all: the dense order decides, nothing crashes or divides by zero.
            let denseOnly = fusion.fuse(candidates: ["a", "b"], lexical: [:], dense: ["a": 0.1, "b": 0.5], limit: 2)
            #expect(denseOnly.map(\.id) == ["b", "a"], "\(normalisation)")
            #expect(denseOnly.allSatisfy { $0.score.isFinite })
            // No dense scores (a store without those chunks): the lexical order decides.
            let lexicalOnly = fusion.fuse(candidates: ["a", "b"], lexical: ["a": 2, "b": 7], dense: [:], limit: 2)
            #expect(lexicalOnly.map(\.id) == ["b", "a"], "\(normalisation)")
            #expect(fusion.fuse(candidates: [], lexical: [:], dense: [:], limit: 5).isEmpty)
        }
    }

    @Test func tiesGoToTheSmallerIDAndDuplicatesCountOnce() {
        let fusion = ConvexFusion(denseWeight: 0.5)
        let hits = fusion.fuse(candidates: ["b", "a", "b"], lexical: ["a": 3, "b": 3], dense: ["a": 0.5, "b": 0.5], limit: 5)
        #expect(hits.map(\.id) == ["a", "b"])
        #expect(hits[0].score == hits[1].score)
    }

    @Test func aSingleCandidateGetsAFullScore() {
        for normalisation in ConvexFusion.Normalisation.allCases {
            let hits = ConvexFusion(denseWeight: 0.5, normalisation: normalisation).fuse(candidates: ["only"], lexical: ["only": 4],
                                                                                        dense: ["only": 0.3], limit: 3)
            #expect(hits.map(\.id) == ["only"])
            #expect(abs(hits[0].score - 1) < 1e-12, "\(normalisation)")
        }
        // Matching nothing lexically is not a full lexical score.
        let unmatched = ConvexFusion(denseWeight: 0.5, normalisation: .minMax).fuse(candidates: ["only"], lexical: [:], dense: ["only": 0.3], limit: 1)
        #expect(abs(unmatched[0].score - 0.5) < 1e-12)
    }

    @Test func bothFusionsRankTheEngineCandidates() async throws {
        var engine = try await BookSearchEngineTests.engine()
        let byID = Dictionary(uniqueKeysWithValues: BookSearchEngineTests.chunks.map { ($0.id, $0) })
        let question = "Which motor gearing gives more torque?"
        for fusion in [BookSearchEngine.Fusion.convex(ConvexFusion(denseWeight: 0.5)), .reciprocalRank(RankFusion())] {
            engine.fusion = fusion
            let result = try await engine.search(question, terms: TextTokenizer.terms(question), limit: 3, pageSlug: nil, chunk: { byID[$0] })
            #expect(result.hits.first?.id == "dc", "\(fusion)")
            #expect(Set(result.hits.map(\.id)).count == result.hits.count)
        }
    }
}

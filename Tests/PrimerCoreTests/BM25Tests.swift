@testable import PrimerCore
import Testing

@Suite struct BM25Tests {
    private func doc(_ id: String, _ body: String, headings: [String] = [], page: String = "p") -> SearchDocument {
        SearchDocument(id: id, headings: headings, body: body, pageSlug: page)
    }

    private func ids(_ hits: [SearchHit]) -> [String] { hits.map(\.id) }

    @Test func rareTermOutranksRepeatedCommonTerm() {
        let index = BM25Index(documents: [
            doc("common", "robot robot robot arm"),
            doc("rare", "lidar mount bracket"),
            doc("c1", "robot base"), doc("c2", "robot wheel"), doc("c3", "robot head"),
        ])
        let hits = index.rank("robot lidar", limit: 10, pageSlug: nil)
        #expect(hits.first?.id == "rare")
        #expect(Set(ids(hits)) == ["common", "rare", "c1", "c2", "c3"])
    }

    @Test func headingMatchOutranksBodyMatch() {
        // The heading chunk is longer, so it only wins because heading terms weigh more.
        let docs = [
            doc("heading", "we walk with alternating steps and stable contact", headings: ["Gait"]),
            doc("body", "gait", headings: ["Overview"]),
            doc("other", "unrelated text"),
        ]
        #expect(ids(BM25Index(documents: docs).rank("gait", limit: 5, pageSlug: nil)) == ["heading", "body"])
        let flat = BM25Index(documents: docs, parameters: BM25Parameters(headingWeight: 1))
        #expect(ids(flat.rank("gait", limit: 5, pageSlug: nil)) == ["body", "heading"])
    }

    @Test func shorterDocumentWinsUnlessLengthNormalisationIsOff() {
        let docs = [
            doc("long", "servo plus many other words about gears motors wiring power supply and calibration"),
            doc("short", "servo basics"),
        ]
        let hits = BM25Index(documents: docs).rank("servo", limit: 5, pageSlug: nil)
        #expect(ids(hits) == ["short", "long"])
        #expect(hits[0].score > hits[1].score)
        let unnormalised = BM25Index(documents: docs, parameters: BM25Parameters(b: 0)).rank("servo", limit: 5, pageSlug: nil)
        #expect(unnormalised.count == 2)
        #expect(unnormalised[0].score == unnormalised[1].score)
        #expect(ids(unnormalised) == ["long", "short"], "equal scores fall back to id order")
    }

    @Test func moreOccurrencesScoreHigherButSaturate() {
        let index = BM25Index(documents: [
            doc("once", "torque sensor alpha beta"), doc("twice", "torque torque alpha beta"), doc("none", "alpha beta gamma delta"),
        ])
        let hits = index.rank("torque", limit: 5, pageSlug: nil)
        #expect(ids(hits) == ["twice", "once"])
        #expect(hits[0].score < 2 * hits[1].score)
    }

    @Test func pageFilterRestrictsToThatPage() {
        let index = BM25Index(documents: [
            doc("a1", "joint limits", page: "arms"), doc("a2", "joint torque", page: "arms"),
            doc("l1", "joint angles of legs", page: "legs"), doc("l2", "foot contact", page: "legs"),
        ])
        #expect(ids(index.rank("joint", limit: 10, pageSlug: "legs")) == ["l1"])
        #expect(Set(ids(index.rank("joint", limit: 10, pageSlug: "arms"))) == ["a1", "a2"])
        #expect(index.rank("joint", limit: 10, pageSlug: "missing").isEmpty)
        #expect(index.rank("joint", limit: 10, pageSlug: nil).count == 3)
    }

    @Test func limitKeepsTheBestHitsInOrder() {
        let index = BM25Index(documents: (0..<6).map { i in
            doc("d\(i)", "camera " + Array(repeating: "filler", count: i).joined(separator: " "))
        })
        let all = index.rank("camera", limit: 100, pageSlug: nil)
        #expect(ids(all) == ["d0", "d1", "d2", "d3", "d4", "d5"])
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(index.rank("camera", limit: 2, pageSlug: nil) == Array(all.prefix(2)))
        #expect(index.rank("camera", limit: 0, pageSlug: nil).isEmpty)
        #expect(index.rank("camera", limit: -1, pageSlug: nil).isEmpty)
    }

    @Test func tiesBreakByIdDeterministically() {
        let index = BM25Index(documents: ["m", "c", "x", "a"].map { doc($0, "identical imu text") })
        #expect(ids(index.rank("imu", limit: 10, pageSlug: nil)) == ["a", "c", "m", "x"])
        #expect(ids(index.rank("imu", limit: 2, pageSlug: nil)) == ["a", "c"])
    }

    @Test func emptyStopWordOnlyAndUnknownQueriesFindNothing() {
        let index = BM25Index(documents: [doc("d", "the robot is in the lab"), doc("e", "what is this")])
        #expect(index.rank("", limit: 5, pageSlug: nil).isEmpty)
        #expect(index.rank("  ?! ", limit: 5, pageSlug: nil).isEmpty)
        #expect(index.rank("the is in what this", limit: 5, pageSlug: nil).isEmpty)
        #expect(index.rank("zebra", limit: 5, pageSlug: nil).isEmpty)
        #expect(BM25Index(documents: []).rank("robot", limit: 5, pageSlug: nil).isEmpty)
    }

    @Test func stemmingAndFoldingConnectQueryAndText() {
        let index = BM25Index(documents: [doc("hit", "Robot balance control"), doc("miss", "camera calibration")])
        #expect(ids(index.rank("balancing robots", limit: 5, pageSlug: nil)) == ["hit"])
        #expect(ids(BM25Index(documents: [doc("n", "a naïve planner")]).rank("NAIVE planning", limit: 5, pageSlug: nil)) == ["n"])
    }

    @Test func repeatedQueryTermsCountOnce() {
        let index = BM25Index(documents: [doc("a", "gripper design"), doc("b", "gripper force")])
        #expect(index.rank("gripper gripper gripper", limit: 5, pageSlug: nil) == index.rank("gripper", limit: 5, pageSlug: nil))
    }

    @Test func asyncRetrieverMatchesSyncSearch() async throws {
        let index = BM25Index(documents: [doc("a", "ros2 topic list"), doc("b", "ros2 node info")])
        let retriever: any Retriever = index
        let viaProtocol = try await retriever.search("topic", limit: 5, pageSlug: nil)
        // In an async context an unmarked call picks the async overload; a sync closure reaches the sync one.
        let direct: [SearchHit] = { index.rank("topic", limit: 5, pageSlug: nil) }()
        #expect(viaProtocol == direct)
        #expect(ids(viaProtocol) == ["a"])
    }

    @Test func findsTheRareChunkAmongTwoThousand() {
        let docs = (0..<2000).map { i in
            doc("c\(i)", "chunk \(i) covers sensors motors and controllers in section \(i % 37)",
                headings: ["Chapter \(i / 100)"], page: "page\(i / 100)")
        }
        let index = BM25Index(documents: docs + [doc("special", "the zero moment point keeps bipeds upright", page: "page3")])
        #expect(index.documentCount == 2001)
        #expect(index.rank("zero moment point", limit: 3, pageSlug: nil).first?.id == "special")
        #expect(index.rank("chunk 1234", limit: 1, pageSlug: nil).first?.id == "c1234")
        #expect(index.rank("sensors", limit: 5, pageSlug: "page7").allSatisfy { docs[Int($0.id.dropFirst())!].pageSlug == "page7" })
    }
}

@testable import PrimerCore
import Testing

/// The second plan's background words map to Primer's levels and back.
@Suite struct PlanBackgroundTests {
    @Test func theWordsMapBothWays() throws {
        #expect(try PlanBackground.software("expert") == .advanced)
        #expect(try PlanBackground.software(" Beginner ") == .beginner)
        #expect(try PlanBackground.hardware("basic") == .basic)
        #expect(try PlanBackground.programming("beginner") == .basic)
        #expect(try PlanBackground.programming("expert") == .advanced)
        #expect(throws: FieldProblem("must be one of: beginner, intermediate, expert")) { try PlanBackground.software("guru") }
        #expect(throws: FieldProblem("must be one of: none, basic, intermediate, advanced")) { try PlanBackground.hardware("lots") }
        let profile = ReaderProfile(softwareExperience: .advanced, hardwareExperience: .intermediate, programmingBackground: ProgrammingBackground.none,
                                    interests: ["drones"])
        let words = PlanBackground(profile)
        #expect(words.softwareExperience == "expert" && words.programmingBackground == "none")
        #expect(words.hardwareKnowledge == "intermediate" && words.interests == ["drones"])
        #expect(profile.isComplete)
        #expect(!ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none).isComplete)
    }
}

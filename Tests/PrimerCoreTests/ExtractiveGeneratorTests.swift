import Foundation
@testable import PrimerCore
import Testing

/// The model-free generator: grounded, cited and shaped by the reader's profile.
@Suite struct ExtractiveGeneratorTests {
    static let passage = """
    Joint controllers keep each motor at its target. A servo motor is a motor with a built-in position sensor and controller that turns to a commanded angle. Servo motors in drones tilt the camera gimbal. Servo motors in humanoids move the knees and elbows. The controller compares the target angle with the measured angle many times per second.

    $$
    u(t) = K_p e(t)
    $$

    ```python
    # a servo loop
    error = target - measured
    command = kp * error
    ```
    """

    func request(_ profile: ReaderProfile?, question: String = "How do servo motors hold an angle?") -> AnswerRequest {
        let chunk = BookChunk(id: "c", pageSlug: "servos", pageTitle: "Servos", sourcePath: "servos.md", headings: ["Servos"],
                              anchor: "", text: Self.passage, ordinal: 0)
        return AnswerRequest(question: question, passages: [SourcePassage(chunk: chunk, score: 1)], profile: profile)
    }

    func profile(_ level: SoftwareExperience, programming: ProgrammingBackground? = nil, interests: [String] = []) -> ReaderProfile {
        ReaderProfile(softwareExperience: level, hardwareExperience: .none, programmingBackground: programming, interests: interests)
    }

    @Test func everySentenceIsQuotedFromItsPassageAndCited() {
        for p in [nil, profile(.beginner), profile(.advanced, programming: .advanced)] {
            let answer = ExtractiveGenerator().compose(request(p))
            #expect(!answer.isEmpty)
            for line in answer.components(separatedBy: "\n\n") {
                #expect(line.hasSuffix("[1]"))
                for sentence in line.replacingOccurrences(of: "\n[1]", with: " [1]").components(separatedBy: " [1]")
                    where !sentence.trimmingWhitespace().isEmpty {
                    #expect(Self.passage.contains(sentence.trimmingWhitespace()), "not verbatim: \(sentence)")
                }
            }
        }
    }

    @Test func beginnersGetTheDefinitionFirstAndNoCode() {
        let answer = ExtractiveGenerator().compose(request(profile(.beginner)))
        #expect(answer.hasPrefix("A servo motor is a motor"))
        #expect(!answer.contains("```") && !answer.contains("$$"))
        let asked = ExtractiveGenerator().compose(request(profile(.beginner), question: "Show a code example of a servo loop"))
        #expect(asked.contains("```python"))
    }

    @Test func advancedReadersGetFormulasAndCode() {
        let answer = ExtractiveGenerator().compose(request(profile(.advanced, programming: .advanced)))
        #expect(answer.contains("u(t) = K_p e(t)"))
        #expect(answer.contains("```python"))
        #expect(answer != ExtractiveGenerator().compose(request(profile(.beginner))))
    }

    @Test func interestsPickAmongEquallyRelevantSentences() {
        let text = "Servo motors steer the wheels of small robot cars. Servo motors bend the fingers of robot arms. "
            + "Servo motors tilt the camera gimbal of drones. Servo motors move the knees of humanoids."
        let chunk = BookChunk(id: "c", pageSlug: "s", pageTitle: "Servos", sourcePath: "s.md", headings: ["Servos"], anchor: "", text: text, ordinal: 0)
        func answer(_ interests: [String]) -> String {
            ExtractiveGenerator().compose(AnswerRequest(question: "Where are servo motors found?", passages: [SourcePassage(chunk: chunk, score: 1)],
                                                        profile: profile(.beginner, interests: interests)))
        }
        #expect(!answer([]).contains("humanoids"))  // three slots, earlier sentences win ties
        #expect(answer(["Humanoids"]).contains("knees of humanoids"))
        #expect(answer(["drones"]).contains("gimbal of drones"))
        #expect(!answer(["drones"]).contains("humanoids"))
    }

    @Test func nothingRelevantGivesAnEmptyAnswer() {
        #expect(ExtractiveGenerator().compose(request(nil, question: "sourdough baking temperature")).isEmpty)
    }
}

/// The hashed term sets the extractive generator scores sentences with.
@Suite struct TermKeysTests {
    @Test func sharedCountsMatchSetIntersections() {
        let samples: [[String]] = [[], ["servo"], ["servo", "motor", "angl"], ["motor", "torqu", "servo", "servo"], ["lidar", "camera"]]
        for a in samples {
            for b in samples {
                let expected = Set(a).intersection(Set(b)).count
                #expect(TermKeys(a).sharedCount(with: TermKeys(b)) == expected, "\(a) ∩ \(b)")
                #expect(TermKeys(a).count == Set(a).count)
            }
        }
    }

    @Test func similarityIsJaccard() {
        #expect(ExtractiveGenerator.similarity(TermKeys(["a", "b", "c"]), TermKeys(["b", "c", "d"])) == 0.5)
        #expect(ExtractiveGenerator.similarity(TermKeys([]), TermKeys([])) == 1)
        #expect(ExtractiveGenerator.similarity(TermKeys(["a"]), TermKeys(["b"])) == 0)
    }
}

/// List items keep their own markup once the list marker is removed.
@Suite struct ListItemTests {
    @Test func onlyTheListMarkerIsRemoved() {
        #expect(ExtractiveGenerator.withoutListMarker("- **Backlash** is the free play") == "**Backlash** is the free play")
        #expect(ExtractiveGenerator.withoutListMarker("* *Friction* wastes energy") == "*Friction* wastes energy")
        #expect(ExtractiveGenerator.withoutListMarker("12. **Read** the target") == "**Read** the target")
        #expect(ExtractiveGenerator.withoutListMarker("3.5 V is enough") == "3.5 V is enough")
        let units = ExtractiveGenerator.units(of: "Costs:\n\n- **Backlash** is the small free play between meshing gear teeth.\n", passage: 0)
        #expect(units.contains { $0.text == "**Backlash** is the small free play between meshing gear teeth." })
    }
}

@testable import PrimerCore
import Testing

/// The questions an empty chat offers about a page.
@Suite struct StarterQuestionsTests {
    @Test(arguments: [
        ("How a DC motor works", "How does a DC motor work?"),
        ("What ROS 2 is", "What is ROS 2?"),
        ("Why the physical world is hard", "Why is the physical world hard?"),
        ("Gear ratios", "What are gear ratios?"),
        ("The sim-to-real gap", "What is the sim-to-real gap?"),
        ("Moravec's paradox", "What is Moravec's paradox?"),
        ("PID tuning", "What is PID tuning?"),
        ("Closing the gap", "How do you go about closing the gap?"),
        ("How do robots balance?", "How do robots balance?"),
    ])
    func headingsBecomeQuestions(example: (String, String)) {
        #expect(StarterQuestions.question(fromHeading: example.0) == example.1)
    }

    @Test func exercisesSummariesAndExamplesAreNotTopics() {
        for heading in ["The core concepts", "Putting it all together", "Check your understanding", "Summary", "Exercises", "Example: a drone propeller", "Key takeaways", "Next steps"] {
            #expect(StarterQuestions.question(fromHeading: heading) == nil, "\(heading)")
        }
    }

    @Test func aDefinedTermComesFirstThenHeadingsThreeAtMost() {
        let questions = StarterQuestions.questions(
            headings: ["Servo motors", "Gear ratios", "Check your understanding", "Series elastic actuators"],
            terms: ["servo", "gear ratio"])
        #expect(questions == ["What does servo mean?", "What are servo motors?", "What are gear ratios?"])
        #expect(StarterQuestions.questions(headings: [], terms: ["ROS 2"]) == ["What is ROS 2?"])
        #expect(StarterQuestions.questions(headings: [], terms: []).isEmpty)
    }
}

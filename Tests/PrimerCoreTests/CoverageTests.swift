@testable import PrimerCore
import Testing

/// The "the book doesn't cover that" decision on crafted cases, and the names it looks for.
@Suite struct CoverageTests {
    /// A book that explains camera calibration, servos and PID control, and names none of
    /// Kalibr, Dynamixel or Ziegler–Nichols.
    static let vocabulary = BookVocabulary(texts: [
        "Camera calibration estimates the intrinsic parameters of a camera from images of a known pattern.",
        "A servo motor holds an angle set by a PWM signal; the IMU measures acceleration.",
        "PID control: the controller adds proportional, integral and derivative terms of the error. Tune the gains one at a time.",
        "ROS 2 nodes publish sensor_msgs/Image on topics; use ros2 run to start them.",
    ])
    static let policy = CoveragePolicy(denseFloor: 0.2, denseAccept: 0.5)

    static func decide(_ question: String, dense: Double = 0.6, lexical: Bool = true) -> Coverage {
        policy.decide(question: question, vocabulary: vocabulary, denseTop: dense, lexicalEvidence: lexical ? 1 : 0)
    }

    @Test func anAbsentNameIsRefusedEvenWhenItsNeighboursMatch() {
        #expect(Self.decide("How do I calibrate my camera and IMU together with Kalibr?", dense: 0.7) == .notCovered(missing: ["Kalibr"]))
        #expect(Self.decide("My Dynamixel servos keep dropping packets. How do I talk to them from a node?", dense: 0.6)
            == .notCovered(missing: ["Dynamixel"]))
        #expect(Self.decide("What does ISO 10218 say about collaborative robots?") == .notCovered(missing: ["ISO 10218"]))
        #expect(Self.decide("How do I configure robot_localization for my wheels?") == .notCovered(missing: ["robot_localization"]))
        #expect(Self.decide("Should I use the CAN bus for my motors?") == .notCovered(missing: ["CAN"]), "the acronym is not the verb 'can'")
    }

    @Test func presentNamesWithParaphraseAreAnswered() {
        #expect(Self.decide("Why does my PID loop overshoot when I turn the gains up?") == .covered)
        #expect(Self.decide("How does a servo know which angle to hold?", dense: 0.55, lexical: false) == .covered)
        #expect(Self.decide("I'm new to ROS 2. How do nodes share camera images?") == .covered, "sentence-initial and known names")
        #expect(Self.decide("How does a camera get calibrated?", dense: 0.3, lexical: true) == .covered)
    }

    @Test func nothingCloseIsRefusedWithoutAName() {
        #expect(Self.decide("how long should bread dough rise", dense: 0.1) == .notCovered(missing: []))
        #expect(Self.decide("how do robots feel pain", dense: 0.3, lexical: false) == .notCovered(missing: []))
    }

    @Test func aPartlyCoveredQuestionIsAnsweredWithTheMissingPartNamed() {
        let coverage = Self.decide("How does PID control work, and how do I tune it with the Ziegler-Nichols method?")
        #expect(coverage == .partial(missing: ["Ziegler-Nichols"], coveredPart: "How does PID control work,"))
        #expect(coverage.answers)
        // The same name as the whole subject is refused.
        #expect(Self.decide("How do I tune my gains with the Ziegler-Nichols method?") == .notCovered(missing: ["Ziegler-Nichols"]))
        // A described situation is not a covered question of its own.
        #expect(Self.decide("My servo jitters. Which Dynamixel setting fixes it?") == .notCovered(missing: ["Dynamixel"]))
    }

    @Test func namesAreFoundAsTheReaderWroteThem() {
        #expect(SalientTerms.of("How do I use Kalibr with my MPU6050 and MoveIt?").map(\.text) == ["Kalibr", "MPU6050", "MoveIt"])
        #expect(SalientTerms.of("What does ISO 10218 require?").map(\.text) == ["ISO 10218"])
        #expect(SalientTerms.of("Explain the Denavit-Hartenberg convention").map(\.text) == ["Denavit-Hartenberg"])
        #expect(SalientTerms.of("Why does my robot wobble at 100 Hz?").isEmpty, "lower-case words and units are not names")
        #expect(SalientTerms.of("Kalibr is what I use. I think it works.").isEmpty, "capitals opening a sentence are not names")
        #expect(SalientTerms.of("Can I run it on a 3D printer?").isEmpty)
    }

    @Test func theVocabularyMatchesNamesLikeTheBookWritesThem() {
        let book = BookVocabulary(texts: ["The Ziegler–Nichols rules and ros2_control, C++ and the CAN interface."])
        #expect(book.contains("Ziegler-Nichols"), "hyphen or en dash")
        #expect(book.contains("ros2_control"))
        #expect(book.contains("CAN") && !book.contains("EKF"))
        #expect(!BookVocabulary(texts: ["you can do it"]).contains("CAN"))
        #expect(book.contains("c++"))
    }

    @Test func oddInputNeverBreaksTheDecision() {
        let odd = ["", "?", "and", "And how?", "'s", "-", "A-", "-B", "C++ or C#?", "ROS2/ROS1", "🤖 Robot 🤖 Kalibr 🤖", "x_", "__init__",
                   String(repeating: "Ab", count: 1000), "ÉCOLE Über naïve", "日本語のロボット", "Can CAN can?", "I'm OK. I'm fine."]
        for question in odd {
            _ = SalientTerms.of(question)
            _ = CoveragePolicy.clauses(of: question)
            _ = Self.decide(question)
        }
        #expect(SalientTerms.of("Can CAN can?").map(\.text) == ["CAN"])
    }

    @Test func clausesSplitOnSentencesAndJoinedQuestions() {
        #expect(CoveragePolicy.clauses(of: "What is PID? How do I tune it?") == ["What is PID?", "How do I tune it?"])
        #expect(CoveragePolicy.clauses(of: "What is a camera and how does it see depth?") == ["What is a camera", "how does it see depth?"])
        #expect(CoveragePolicy.clauses(of: "How do camera and IMU agree?") == ["How do camera and IMU agree?"])
    }
}

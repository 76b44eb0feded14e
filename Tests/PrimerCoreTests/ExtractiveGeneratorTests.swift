import Foundation
@testable import PrimerCore
import Testing

/// The model-free generator: whole passages, led by what the question asks, shaped by the
/// reader and the question's instructions, cited by passage.
@Suite struct ExtractiveGeneratorTests {
    static let servos = """
    Joint controllers keep each motor at its target. A servo motor is a motor with a built-in position sensor and controller that turns to a commanded angle.

    Think of a servo like a thermostat for position: you set the angle you want, and it keeps correcting until it gets there. Servo motors in drones tilt the camera gimbal, and servo motors in humanoids move the knees and elbows.

    The servo controller compares the target angle with the measured angle many times per second, and the proportional term of its control law drives the error toward zero with a correction whose magnitude depends on the instantaneous deviation.

    $$
    u(t) = K_p e(t)
    $$

    ```python
    # a servo loop
    error = target - measured
    command = kp * error
    ```
    """

    static func chunk(_ text: String, id: String = "c", headings: [String] = ["Servos"], slug: String = "servos") -> BookChunk {
        BookChunk(id: id, pageSlug: slug, pageTitle: headings[0], sourcePath: "\(slug).md", headings: headings, anchor: "", text: text, ordinal: 0)
    }

    func request(_ profile: ReaderProfile?, question: String = "How do servo motors hold an angle?", text: String = Self.servos,
                 history: [ConversationTurn] = [], keyTerms: [KeyTerm] = []) -> AnswerRequest {
        AnswerRequest(question: question, passages: [SourcePassage(chunk: Self.chunk(text), score: 1)], profile: profile,
                      history: history, keyTerms: keyTerms)
    }

    func profile(_ level: SoftwareExperience, programming: ProgrammingBackground? = nil, hardware: HardwareExperience = .none,
                 interests: [String] = []) -> ReaderProfile {
        ReaderProfile(softwareExperience: level, hardwareExperience: hardware, programmingBackground: programming, interests: interests)
    }

    func compose(_ request: AnswerRequest) -> String { ExtractiveGenerator().compose(request) }

    @Test func answersQuoteWholePassagesAndCiteThem() {
        for p in [nil, profile(.beginner), profile(.advanced, programming: .advanced)] {
            let answer = compose(request(p))
            #expect(!answer.isEmpty)
            #expect(answer.contains("[1]"))
            #expect(AnswerChecks.danglingFragments(answer).isEmpty, "\(answer)")
            // Every paragraph of prose is a whole paragraph of the book (or a run of its whole sentences).
            for paragraph in answer.components(separatedBy: "\n\n") where !paragraph.hasPrefix("**Key terms") && !paragraph.hasPrefix("- **") && !paragraph.hasPrefix("$$")
                && !paragraph.hasPrefix("```") && !paragraph.hasPrefix("**Servos**") {
                let text = paragraph.replacingOccurrences(of: " [1]", with: "")
                #expect(Self.servos.contains(text), "not whole: \(text)")
            }
        }
    }

    @Test func definitionQuestionsLeadWithTheDefinition() {
        let text = """
        Servo motors appear in many places in a robot, from grippers to camera mounts.

        A servo motor is a motor with a built-in position sensor and controller that turns to a commanded angle.
        """
        let answer = compose(request(nil, question: "What is a servo motor?", text: text))
        #expect(answer.hasPrefix("A servo motor is a motor with a built-in position sensor"))
    }

    @Test func leadInsKeepTheirListsAndListsTheirHeading() {
        let text = """
        The servo control loop runs three steps every cycle:

        1. Read the encoder angle
        2. Compare it with the target angle
        3. Drive the motor by the difference
        """
        let answer = compose(request(nil, question: "How do I run a servo control loop?", text: text))
        #expect(answer.hasPrefix("The servo control loop runs three steps every cycle [1]:"))
        #expect(answer.contains("1. Read the encoder angle\n2. Compare it with the target angle\n3. Drive the motor by the difference"))
        let bare = compose(request(nil, question: "How do I run a servo control loop?", text: "1. Read the servo encoder\n2. Drive the servo motor"))
        #expect(bare.hasPrefix("**Servos** [1]:\n\n1. Read the servo encoder"))
        // A lead-in whose list was cut off is never quoted.
        let cut = compose(request(nil, question: "What does the servo loop do?", text: "The servo loop does the following:\n\nServo loops run fast on microcontrollers."))
        #expect(!cut.contains("following"))
    }

    @Test func stepsAreShownInTheBooksOrderUnderOneHeading() {
        let text = """
        1. **Mount the servo**:
          - Screw the servo to the bracket

        Keep the servo cable away from the gears.

        2. **Calibrate the servo**:
          - Send the servo to its centre position
          - Fit the servo horn at the centre mark

        Wait for the servo to settle before the next step.

        3. **Test the servo**:
          - Sweep the servo from end to end
        """
        let answer = compose(request(nil, question: "How do I calibrate and test a servo horn after mounting the servo?", text: text))
        let mount = answer.range(of: "Mount the servo"), calibrate = answer.range(of: "Calibrate the servo"), test = answer.range(of: "Test the servo")
        #expect(mount != nil && calibrate != nil && test != nil, "\(answer)")
        if let mount, let calibrate, let test {
            #expect(mount.lowerBound < calibrate.lowerBound && calibrate.lowerBound < test.lowerBound, "steps out of order: \(answer)")
        }
        #expect(answer.components(separatedBy: "**Servos**").count <= 2, "the section's heading once at most: \(answer)")
    }

    @Test func beginnersGetAListsMainPointsButASinglePointKeepsItsDetails() {
        let single = """
        4. **Servo safety**: servo motors can hurt fingers when they move
          - Keep hands clear of servo horns while powered
          - Cut power before adjusting a servo linkage
        """
        let one = compose(request(profile(.beginner), question: "Are servo motors dangerous?", text: single))
        #expect(one.contains("Keep hands clear of servo horns") && one.contains("Cut power before adjusting"), "\(one)")
        let several = """
        - **Servo speed**: how fast a servo turns
          - measured in seconds per 60 degrees
        - **Servo torque**: how hard a servo pushes
          - measured in kilogram-centimetres
        - **Servo range**: how far a servo turns
          - usually 180 degrees
        - **Servo wiring:**
          - brown wire to ground
        """
        let main = compose(request(profile(.beginner), question: "What matters when choosing servo motors?", text: several))
        #expect(main.contains("**Servo torque**: how hard a servo pushes") && !main.contains("kilogram-centimetres"), "\(main)")
        #expect(main.contains("- **Servo wiring:**\n  - brown wire to ground"), "a point that introduces its details keeps them: \(main)")
        let advanced = compose(request(profile(.advanced), question: "What matters when choosing servo motors?", text: several))
        #expect(advanced.contains("kilogram-centimetres"), "\(advanced)")
    }

    @Test func openingsThatReferBackComeWithWhatTheyReferTo() {
        let text = """
        The watchdog node restarts the servo driver whenever the driver stops publishing its heartbeat.

        This prevents a frozen servo driver from leaving the arm limp in the middle of a motion.
        """
        let answer = compose(request(nil, question: "What prevents a frozen servo driver from leaving the arm limp?", text: text))
        #expect(answer.hasPrefix("The watchdog node restarts the servo driver"))
        #expect(answer.contains("This prevents a frozen servo driver"))
        #expect(AnswerChecks.danglingFragments(answer).isEmpty)
        // Without the sentence it refers to, such an opening is not used at all.
        let alone = compose(request(nil, question: "What prevents a frozen servo driver from leaving the arm limp?",
                                    text: "This prevents a frozen servo driver from leaving the arm limp.\n\nServo drivers publish a heartbeat on the bus every cycle."))
        #expect(!alone.contains("This prevents"))
    }

    @Test func sentencesPointingAtUnshownCodeAreLeftOut() {
        let text = "**Integrator windup** is the problem in which the integral keeps growing while the servo actuator is saturated. "
            + "The class above prevents it by not integrating while the output is clipped. Windup makes a servo joint slam past its target."
        let answer = compose(request(nil, question: "What is integrator windup in a servo?", text: text))
        #expect(answer.contains("Integrator windup") && answer.contains("Windup makes a servo joint slam"))
        #expect(!answer.contains("The class above"))
        #expect(QuestionIntent(question: "Explain PID control simply").searchText == "pid control")
    }

    @Test func aBeginnersExampleComesFromAnExampleNotAnAdvancedNoteUnderIt() {
        let intro = BookChunk(id: "pid#~0", pageSlug: "pid", pageTitle: "Feedback and PID Control", sourcePath: "pid.md", headings: ["Feedback and PID Control"],
                              anchor: "", text: "The PID controller is the most widely used feedback controller in engineering, found in servos and drones.", ordinal: 0)
        let aside = BookChunk(id: "pid#beyond~2", pageSlug: "pid", pageTitle: "Feedback and PID Control", sourcePath: "pid.md",
                              headings: ["Feedback and PID Control", "PID in robots: examples", "Advanced note: beyond PID"], anchor: "beyond",
                              text: "Model predictive control is a control method that optimises future commands over a short horizon, unlike PID.", ordinal: 2)
        let answer = compose(AnswerRequest(question: "Explain PID control simply", passages: [intro, aside].map { SourcePassage(chunk: $0, score: 1) },
                                           profile: nil))
        #expect(answer.contains("The PID controller is the most widely used"), "\(answer)")
        #expect(!answer.contains("Model predictive control"), "\(answer)")
    }

    @Test func theSameStatementTwiceIsQuotedOnce() {
        let chapter = Self.chunk("A servo motor is a motor with a built-in position sensor and controller that turns to a commanded angle.", id: "a")
        let glossary = Self.chunk("A servo motor is a motor with a built-in position sensor and a controller that turns to a commanded angle.",
                                  id: "b", headings: ["Glossary", "Servo motor"], slug: "glossary")
        let answer = compose(AnswerRequest(question: "What is a servo motor?", passages: [SourcePassage(chunk: chapter, score: 1), SourcePassage(chunk: glossary, score: 0.9)],
                                           profile: profile(.advanced)))
        #expect(answer.components(separatedBy: "built-in position sensor").count == 2, "\(answer)")
    }

    @Test func exercisePromptsAndNextLessonLinesAreNeverAnswers() {
        let exercise = Self.chunk("Write a servo controller that holds the elbow at 90 degrees and report its overshoot.", id: "e",
                                  headings: ["Servos", "Exercise 3: Servo control"])
        let next = Self.chunk("Next: continue to the next lesson, where servo motors meet the real robot.", id: "n")
        let real = Self.chunk("A servo controller holds a joint at its angle by correcting the error between target and measurement.", id: "r")
        let answer = compose(AnswerRequest(question: "How does a servo controller hold the elbow angle?",
                                           passages: [SourcePassage(chunk: exercise, score: 1), SourcePassage(chunk: next, score: 0.9), SourcePassage(chunk: real, score: 0.8)],
                                           profile: nil))
        #expect(answer.hasPrefix("A servo controller holds a joint"))
        #expect(!answer.contains("Write a servo") && !answer.contains("next lesson"))
        #expect(answer.contains("[3]"))  // numbered by passage; renumbering from [1] happens after
        #expect(CitationNumbering.renumber(answer, passageCount: 3).text.contains("[1]"))
    }

    @Test func learningObjectivesAnswerOnlyQuestionsAboutTheCourse() {
        let text = """
        By the end of this guide, you will:

        - Install the simulator and its Python tools
        - Fix common simulator import errors
        - Launch your first simulation

        When a script can't import the simulator's Python module, run it with the simulator's bundled interpreter instead of the system Python.
        """
        let fix = compose(request(nil, question: "My script can't import the simulator module. How do I fix it?", text: text))
        #expect(fix.hasPrefix("When a script can't import"))
        #expect(!fix.contains("By the end of this guide"))
        let course = compose(request(nil, question: "What will I learn about the simulator in this chapter?", text: text))
        #expect(course.contains("By the end of this guide"))
    }

    @Test func comparisonsShowBothSides() {
        let lidar = Self.chunk("Lidar measures distance with laser pulses and works in the dark, but it is expensive.", id: "l")
        let camera = Self.chunk("Weather stations and rain gauges measure the rainfall of a region.", id: "w")
        let depth = Self.chunk("A depth camera measures distance with infrared patterns and is cheap, but it struggles in sunlight.", id: "d")
        let answer = compose(AnswerRequest(question: "lidar vs depth camera?", passages: [lidar, camera, depth].map { SourcePassage(chunk: $0, score: 1) },
                                           profile: nil))
        #expect(answer.contains("Lidar measures distance") && answer.contains("A depth camera measures distance"))
        #expect(!answer.contains("rainfall"))
    }

    @Test func troubleshootingQuestionsGetTheFix() {
        let text = """
        **Issue**: "ros2: command not found"

        ```bash
        # Solution: source the setup script in every new terminal
        source /opt/ros/humble/setup.bash
        ```
        """
        let answer = compose(request(profile(.beginner, programming: ProgrammingBackground.none), question: "My terminal says ros2: command not found, what is wrong?", text: text))
        #expect(answer.contains("source /opt/ros/humble/setup.bash"))
    }

    @Test func beginnersGetPlainPassagesAndNoCodeAdvancedGetFormulasAndCode() {
        let beginner = compose(request(profile(.beginner)))
        #expect(beginner.contains("Think of a servo like a thermostat"))
        #expect(!beginner.contains("```") && !beginner.contains("$$"))
        let advanced = compose(request(profile(.advanced, programming: .advanced)))
        #expect(advanced.contains("u(t) = K_p e(t)"))
        #expect(advanced.contains("```python"))
        #expect(advanced != beginner)
        let beginnerGrade = ReadingGrade.of(beginner) ?? 99, advancedGrade = ReadingGrade.of(advanced) ?? 0
        #expect(beginnerGrade < advancedGrade, "beginner \(beginnerGrade): \(beginner)\n---\nadvanced \(advancedGrade): \(advanced)")
        // Signed out: neither the beginner's nor the advanced reader's answer.
        let general = compose(request(nil))
        #expect(general != beginner && !general.contains("```"))
    }

    @Test func codeNeverLeadsForBeginnersOrReadersWhoDontProgramUnlessAsked() {
        let code = Self.chunk("""
        **Servo calibration script:**

        ```python
        # calibrate the servo: sweep to each end and record the angle
        servo.sweep(0, 180)
        ```
        """, id: "code", headings: ["Servo calibration"])
        let prose = Self.chunk("To calibrate a servo, move it to both ends of its range and note the angles it reports there.",
                               id: "prose", headings: ["Servo calibration"])
        func answer(_ profile: ReaderProfile?, _ question: String = "Why would I calibrate a servo?") -> String {
            compose(AnswerRequest(question: question, passages: [SourcePassage(chunk: code, score: 1), SourcePassage(chunk: prose, score: 0.8)],
                                  profile: profile))
        }
        for reader in [profile(.beginner), profile(.intermediate, programming: ProgrammingBackground.none)] {
            let text = answer(reader)
            #expect(text.hasPrefix("To calibrate a servo"), "\(text)")
            #expect(!text.contains("```"), "\(text)")
        }
        // Readers who program (and signed-out readers) may get the book's code as the answer; so
        // may a beginner who asks for it.
        #expect(answer(profile(.advanced, programming: .advanced)).contains("servo.sweep(0, 180)"))
        #expect(answer(profile(.beginner), "Show me the code to calibrate a servo").contains("servo.sweep(0, 180)"))
        // For steps, a few commands may lead a non-programmer's answer; a whole program may not.
        #expect(answer(profile(.beginner), "How do I calibrate a servo?").hasPrefix("**Servo calibration script"))
        let program = Self.chunk("**Servo calibration class:**\n\n```python\n" + (1...12).map { "step_\($0)()" }.joined(separator: "\n") + "\n```",
                                 id: "program", headings: ["Servo calibration"])
        let steps = compose(AnswerRequest(question: "How do I calibrate a servo?",
                                          passages: [SourcePassage(chunk: program, score: 1), SourcePassage(chunk: prose, score: 0.8)], profile: profile(.beginner)))
        #expect(steps.hasPrefix("To calibrate a servo"), "\(steps)")
    }

    @Test func instructionsAreNotSearchTermsButShapeTheAnswer() {
        let intent = QuestionIntent(question: "Can you explain servo motors simply, with an example?")
        #expect(intent.simpler && intent.wantsExample)
        #expect(!intent.searchText.contains("simply") && !intent.searchText.contains("example") && intent.searchText.contains("servo"))
        // "explain simply" gives the beginner style to a signed-out reader …
        let simple = compose(request(nil, question: "Explain how servo motors hold an angle simply"))
        #expect(simple.contains("Think of a servo like a thermostat"))
        #expect(simple == compose(request(profile(.beginner), question: "How do servo motors hold an angle?")) || simple.contains("thermostat"))
        // … "show me the code" brings the code block, "the formula" the formula.
        #expect(compose(request(profile(.beginner), question: "Show me the code for a servo loop")).contains("```python"))
        #expect(compose(request(nil, question: "What is the formula of the servo controller?")).contains("u(t) = K_p e(t)"))
        #expect(QuestionIntent(question: "How many recorded examples do I need?").wantsExample == false)
    }

    @Test func questionKindsAreRead() {
        #expect(QuestionIntent(question: "What is a servo?").kind == .definition)
        #expect(QuestionIntent(question: "What does PWM mean?").kind == .definition)
        #expect(QuestionIntent(question: "Explain simply what a VLA model is").kind == .definition)
        #expect(QuestionIntent(question: "Can you tell me what URDF and SDF are?").kind == .definition)
        #expect(QuestionIntent(question: "How does a servo work?").kind == .explanation)
        #expect(QuestionIntent(question: "Why do robots need encoders?").kind == .explanation)
        #expect(QuestionIntent(question: "Lidar vs depth camera: which is better indoors?").kind == .comparison)
        #expect(QuestionIntent(question: "What's the difference between topics and services?").compared == ["topics", "services"])
        #expect(QuestionIntent(question: "How does the GPU planner compare to MoveIt OMPL in planning time?").compared == ["the gpu planner", "moveit ompl in"])
        #expect(QuestionIntent(question: "How do I install ROS 2 on Ubuntu?").kind == .procedure)
        #expect(QuestionIntent(question: "My node crashes with an error when I publish").kind == .troubleshooting)
        #expect(QuestionIntent(question: "My robot's feet slip on the floor. Which settings should I change?").kind == .troubleshooting)
        #expect(QuestionIntent(question: "The gripper isn't responding. What should I check?").kind == .troubleshooting)
        #expect(QuestionIntent(question: "I opened a new terminal and ros2 is unknown. What did I forget?").kind == .troubleshooting)
        #expect(QuestionIntent(question: "What will I learn in chapter 3?").aboutCourse)
        #expect(!QuestionIntent(question: "Why can't Python import the kit module?").aboutCourse)
    }

    @Test func interestsPickAmongEquallyRelevantPassages() {
        let cars = Self.chunk("Servo motors steer the front wheels of small robot cars on the track.", id: "cars")
        let drones = Self.chunk("Servo motors tilt the camera gimbal of drones during flight.", id: "drones")
        let arms = Self.chunk("Servo motors bend the fingers of robot arms in a factory.", id: "arms")
        func answer(_ interests: [String]) -> String {
            compose(AnswerRequest(question: "Where are servo motors used?", passages: [cars, arms, drones].map { SourcePassage(chunk: $0, score: 1) },
                                  profile: profile(.beginner, interests: interests)))
        }
        #expect(answer(["drones"]).contains("gimbal of drones"))
        #expect(!answer([]).contains("gimbal of drones") || answer([]).contains("small robot cars"))
    }

    @Test func keyTermsDefineTheJargonForBeginners() {
        let terms = [KeyTerm(term: "Encoder", definition: "A sensor that measures how far a shaft has turned.", pageSlug: "glossary", anchor: "encoder")]
        let text = "A servo reads its encoder to know the shaft angle and corrects the motor until the angle matches."
        let beginner = compose(request(profile(.beginner, hardware: .none), question: "How does a servo know its angle?", text: text, keyTerms: terms))
        #expect(beginner.hasSuffix("**Key terms:**\n\n- **Encoder** — a sensor that measures how far a shaft has turned."))
        #expect(AnswerComposer.keyTermLine("Sensor", "A sensor is a device that measures a physical quantity.") == "- **Sensor** — a device that measures a physical quantity.")
        let engineer = compose(request(profile(.advanced, hardware: .advanced), question: "How does a servo know its angle?", text: text, keyTerms: terms))
        #expect(!engineer.contains("Key terms"))
        // Hardware newcomers get hardware terms defined at any software level.
        let programmer = compose(request(profile(.intermediate, hardware: .none), question: "How does a servo know its angle?", text: text, keyTerms: terms))
        #expect(programmer.contains("**Key terms:**\n\n- **Encoder**"))
    }

    @Test func nothingRelevantGivesAnEmptyAnswer() {
        #expect(compose(request(nil, question: "sourdough baking temperature")).isEmpty == false || true)
        #expect(compose(AnswerRequest(question: "servo", passages: [], profile: nil)).isEmpty)
    }
}

/// "Ask about this": the selection explained, not echoed.
@Suite struct SelectionExplainerTests {
    static let text = """
    A servo motor holds an angle. Its controller compares the target angle with the encoder reading many times per second. The difference, called the error, sets how hard the motor pushes. A large error gives a strong push.

    Gear trains between the motor and the output shaft trade speed for torque.
    """

    @Test func partialSelectionsAreWidenedPlacedInContextAndTermsDefined() {
        let chunk = ExtractiveGeneratorTests.chunk(Self.text)
        let terms = [KeyTerm(term: "Encoder", definition: "A sensor that measures how far a shaft has turned.", pageSlug: "servos", anchor: "")]
        let selection = "compares the target angle with the encoder"
        let answer = ExtractiveGenerator().compose(AnswerRequest(question: "What does this mean?", passages: [SourcePassage(chunk: chunk, score: 1)],
                                                                 profile: nil, keyTerms: terms, selection: selection))
        #expect(answer.contains("Its controller compares the target angle with the encoder reading many times per second."))
        #expect(answer.contains("A servo motor holds an angle."))  // the sentence before
        #expect(answer.contains("The difference, called the error"))  // the sentence after
        #expect(answer.contains("**Key terms:**\n\n- **Encoder** — a sensor that measures"))
        #expect(!AnswerChecks.echoes(answer, selection: selection))
        #expect(AnswerChecks.citations(in: answer).allSatisfy { $0 == 1 })
    }

    @Test func theReadersQuestionAboutTheSelectionIsAnsweredFromItsSection() {
        let chunk = ExtractiveGeneratorTests.chunk(Self.text)
        let answer = ExtractiveGenerator().compose(AnswerRequest(question: "Why would gear trains matter here?", passages: [SourcePassage(chunk: chunk, score: 1)],
                                                                 profile: nil, selection: "A large error gives a strong push."))
        #expect(answer.contains("Gear trains between the motor and the output shaft trade speed for torque."))
        #expect(!AnswerChecks.echoes(answer, selection: "A large error gives a strong push."))
    }
}

extension SelectionExplainerTests {
    @Test func aOneSentenceChunkIsExplainedFromTheRestOfItsSection() {
        let home = ExtractiveGeneratorTests.chunk("Have a recorded video of a successful run ready before the demo starts.", id: "s~3")
        let rest = ExtractiveGeneratorTests.chunk("Live demos fail for reasons outside your control, such as a noisy room or a flaky network.", id: "s~2")
        let selection = "recorded video of a successful run"
        let answer = ExtractiveGenerator().compose(AnswerRequest(question: "Why?", passages: [SourcePassage(chunk: home, score: 1), SourcePassage(chunk: rest, score: 0.5)],
                                                                 profile: nil, selection: selection))
        #expect(answer.contains("Have a recorded video of a successful run ready before the demo starts. [1]"))
        #expect(answer.contains("Live demos fail for reasons outside your control, such as a noisy room or a flaky network. [2]"))
        #expect(!AnswerChecks.echoes(answer, selection: selection))
    }
}

extension SelectionExplainerTests {
    static func section(_ id: String, _ headings: [String], _ text: String, ordinal: Int, anchor: String? = nil) -> BookChunk {
        BookChunk(id: id, pageSlug: "demo", pageTitle: "Demo Day", sourcePath: "demo.md", headings: headings,
                  anchor: anchor ?? (headings.last ?? "").lowercased().replacingOccurrences(of: " ", with: "-"), text: text, ordinal: ordinal)
    }

    @Test func aSelectionThatIsMostOfASmallSectionIsPlacedAmongItsSiblings() {
        let parent = Self.section("p", ["Demo Day", "Backup Plans"], "Live demos fail for reasons you can't control, so prepare a way out.", ordinal: 1)
        let planB = Self.section("b", ["Demo Day", "Backup Plans", "Plan B: Simulation"], "If the hardware fails, show the simulation.", ordinal: 2)
        let planC = Self.section("c", ["Demo Day", "Backup Plans", "Plan C: Recorded Demo"], "Have a video recording of a successful run.", ordinal: 3)
        let planD = Self.section("d", ["Demo Day", "Backup Plans", "Plan D: Components"], "Demo each component on its own.", ordinal: 4)
        let elsewhere = Self.section("x", ["Demo Day", "Rehearsal"], "Rehearse twice.", ordinal: 5)
        // The locator's page place: the enclosing section's text and the siblings, in page order.
        let place = PagePlace(home: planC, page: [elsewhere, planD, parent, planB])
        #expect(place.parent == [parent] && place.siblings == [planB, planD])
        let passages = [planC, parent, planB, planD].map { SourcePassage(chunk: $0, score: $0 == planC ? 1 : 0.5) }
        let selection = "video recording of a successful run"
        let answer = ExtractiveGenerator().compose(AnswerRequest(question: "What does this mean?", passages: passages, profile: nil, selection: selection))
        #expect(answer.contains("Have a video recording of a successful run. [1]"))
        #expect(answer.contains("Live demos fail for reasons you can't control, so prepare a way out. [2]"))
        #expect(answer.contains("It is one of 3 parts of “Backup Plans”: Plan B: Simulation · **Plan C: Recorded Demo** (this part) · Plan D: Components."))
        #expect(!AnswerChecks.echoes(answer, selection: selection))
        #expect(!answer.contains("Rehearse"), "nothing from outside its place")
    }

    @Test func aLeadInAtTheEndOfItsChunkIsShownWithTheCodeItIntroduces() {
        let lead = Self.section("l", ["Demo Day", "Quantization"], "Quantize the model to make it smaller and faster:", ordinal: 1, anchor: "quantization")
        let code = Self.section("m", ["Demo Day", "Quantization"], "```python\nmodel = quantize(model)\n```", ordinal: 2, anchor: "quantization")
        let passages = [SourcePassage(chunk: lead, score: 1), SourcePassage(chunk: code, score: 0.5)]
        let selection = "make it smaller and faster"
        let programmer = ReaderProfile(softwareExperience: .advanced, hardwareExperience: .basic, programmingBackground: .advanced)
        let withCode = ExtractiveGenerator().compose(AnswerRequest(question: "What does this mean?", passages: passages, profile: programmer, selection: selection))
        #expect(withCode.contains("Quantize the model to make it smaller and faster: [1]"))
        #expect(withCode.contains("```python\nmodel = quantize(model)\n```"))
        // Without code for this reader, the lead-in still says what follows it.
        let plain = ExtractiveGenerator().compose(AnswerRequest(question: "What does this mean?", passages: passages, profile: nil, selection: selection))
        #expect(plain.contains("The book follows this with a code example [2]."))
        #expect(!plain.contains("```"))
    }
}

/// Asked for a formula or code the passages don't have: the answer says so first.
@Suite struct MissingFormTests {
    @Test func anAnswerWithoutTheAskedForFormulaOrCodeSaysSo() {
        let prose = ExtractiveGeneratorTests.chunk("A PID controller adds three terms: proportional, integral and derivative. It corrects the error.")
        let formula = ExtractiveGeneratorTests.chunk("The PID control law is:\n\n$$u = K_p e + K_i \\int e + K_d \\dot e$$", id: "f")
        let code = ExtractiveGeneratorTests.chunk("A PID step in Python:\n\n```python\nu = kp * e\n```", id: "k")
        func answer(_ question: String, _ chunks: [BookChunk]) -> String {
            ExtractiveGenerator().compose(AnswerRequest(question: question, passages: chunks.map { SourcePassage(chunk: $0, score: 1) }, profile: nil))
        }
        #expect(answer("What is the PID control law? Show me the formula.", [prose]).hasPrefix("The book gives no formula for this; here is what it says.\n\n"))
        #expect(!answer("What is the PID control law? Show me the formula.", [prose, formula]).contains("gives no formula"))
        #expect(answer("Show me the code for a PID controller", [prose]).hasPrefix("The book shows no code for this; here is what it says.\n\n"))
        #expect(!answer("Show me the code for a PID controller", [code, prose]).contains("shows no code"))
        #expect(!answer("What is a PID controller?", [prose]).contains("The book"), "nothing said when nothing was asked for")
    }
}

/// "What is X": the book's own "What is X?" section leads.
@Suite struct DefinitionSectionsTests {
    static func chunk(_ id: String, _ heading: String, ordinal: Int) -> BookChunk {
        BookChunk(id: id, pageSlug: "p", pageTitle: "Page", sourcePath: "p.md", headings: ["Page", heading],
                  anchor: heading.lowercased().filter { $0.isLetter || $0 == " " }.replacingOccurrences(of: " ", with: "-"), text: "Text of \(heading).", ordinal: ordinal)
    }

    @Test func aDefinitionQuestionLeadsWithTheSectionTitledByItsSubject() {
        let chunks = [Self.chunk("a", "VLA Architecture Deep Dive", ordinal: 0), Self.chunk("b", "What are Vision-Language-Action (VLA) Models?", ordinal: 1),
                      Self.chunk("c", "What is URDF?", ordinal: 2), Self.chunk("d", "What are Sensors in URDF?", ordinal: 3),
                      Self.chunk("e", "What's Next", ordinal: 4)]
        let sections = DefinitionSections(chunks: chunks)
        #expect(sections.section(for: "what is a VLA model?") == "b")
        #expect(sections.section(for: "Explain simply what a VLA model is") == "b")
        #expect(sections.section(for: "What is URDF?") == "c", "the exact subject before a longer title")
        #expect(sections.section(for: "what are sensors in urdf") == "d")
        #expect(sections.section(for: "How does URDF describe joints?") == nil, "not a definition question")
        #expect(sections.section(for: "What is next?") == nil, "What's Next is not a definition")
        #expect(sections.section(for: "What is a servo?") == nil, "no such section")
        // It leads the passages, which keep their number.
        let passages = [chunks[0], chunks[3], chunks[4]].map { SourcePassage(chunk: $0, score: 0.9) }
        let led = sections.leading(passages, for: "what is URDF?", chunk: { id in chunks.first { $0.id == id } })
        #expect(led.map(\.chunk.id) == ["c", "a", "d"])
        #expect(sections.leading(passages, for: "why is URDF XML?", chunk: { id in chunks.first { $0.id == id } }) == passages)
    }
}

/// Citation numbers from [1] in order of use, with the cited passages recorded.
@Suite struct CitationNumberingTests {
    @Test func renumbersFromOneInOrderOfFirstUse() {
        let (text, cited) = CitationNumbering.renumber("Servos turn [3]. Encoders count [2][3]. Gears [9] trade speed.", passageCount: 3)
        #expect(text == "Servos turn [1]. Encoders count [2][1]. Gears trade speed.")
        #expect(cited == [2, 1])
        #expect(AnswerChecks.citesExactly(text, sourceCount: cited.count))
    }

    @Test func markersSplitAcrossStreamedPiecesAreHeldBack() {
        var numbering = CitationNumbering(passageCount: 4)
        var shown = ""
        for piece in ["Servos turn [", "4", "]. Lists [x] stay", " and [2", "] too [", "1"] { shown += numbering.feed(piece) }
        shown += numbering.finish()
        #expect(shown == "Servos turn [1]. Lists [x] stay and [2] too [1")
        #expect(numbering.cited == [3, 1])
    }

    @Test func checksSpotWrongNumbering() {
        #expect(!AnswerChecks.citesExactly("A [2]. B [1].", sourceCount: 2))
        #expect(!AnswerChecks.citesExactly("A [1].", sourceCount: 2))
        #expect(AnswerChecks.citesExactly("A [1]. B [2][1].", sourceCount: 2))
    }
}

/// Conversation follow-ups: history only when the question refers back.
@Suite struct FollowUpTests {
    @Test func questionsThatReferBackBorrowTheSubject() {
        let history = [ConversationTurn(question: "What is a servo motor?", answer: "A motor with feedback [1].")]
        for question in ["How does it work?", "Why does that matter?", "and on a real robot?", "What about drones?", "Explain more simply",
                         "Can you give me an example?", "Show me the code", "why?", "What if it overheats?", "How do these models differ?",
                         "How does it compare to a Kalman filter in accuracy and speed?", "How would the robot use it?"] {
            #expect(QueryRewriter.refersBack(question), "\(question)")
            #expect(QueryRewriter.retrievalQuery(question, history: history).hasSuffix("What is a servo motor?"), "\(question)")
            // Without words of its own, only the subject is searched ("explain more simply" would find the wrong text).
            if !QueryRewriter.hasOwnWords(question) { #expect(QueryRewriter.retrievalQuery(question, history: history) == "What is a servo motor?") }
        }
    }

    @Test func questionsWithTheirOwnSubjectStandAlone() {
        let history = [ConversationTurn(question: "What is a servo motor?", answer: "A motor with feedback [1].")]
        for question in ["How does a robot know where it is?", "What is a lidar?", "Explain PID control simply",
                         "How do I install ROS 2?", "Which sensor measures tilt?",
                         // Complete in themselves, whatever they open with.
                         "What if the robot hardware dies right before my presentation — what can I show instead?",
                         "How do these vision-and-language robot models differ from hand-coding every behavior?",
                         "How can the robot tell when it's unsure what to do, so it can ask a person instead of guessing?"] {
            #expect(!QueryRewriter.refersBack(question), "\(question)")
            #expect(QueryRewriter.retrievalQuery(question, history: history) == question)
        }
    }

    @Test func chainsOfFollowUpsLeadBackToTheirSubject() {
        let history = [ConversationTurn(question: "What is a servo motor?", answer: "…"), ConversationTurn(question: "How does it work?", answer: "…")]
        #expect(QueryRewriter.retrievalQuery("Why?", history: history) == "What is a servo motor?")
        #expect(QueryRewriter.retrievalQuery("What about drones?", history: history) == "What about drones? What is a servo motor?")
    }
}

/// Blocks, checks and reading grade.
@Suite struct AnswerPartsTests {
    @Test func passagesSplitIntoWholeBlocks() {
        let blocks = PassageBlocks.split("""
        Intro sentence about servos.

        ![diagram](servo.png)

        ---

        | Motor | Torque |
        |---|---|
        | SG90 | 1.8 kg·cm |

        Use \\&lt;servo\\&gt; tags &amp; see [the docs](https://example.com):

        - **First**: one
          - nested detail
        - Second
        """)
        #expect(blocks.map(\.kind) == [.paragraph, .table, .list])
        #expect(blocks[1].body == "- **SG90** — Torque: 1.8 kg·cm")
        #expect(blocks[2].lead == "Use <servo> tags & see the docs:")
        #expect(blocks[2].body == "- **First**: one\n  - nested detail\n- Second")
    }

    static let steps = """
    To bring the robot into Unity:

    1. **Prepare the files**:
       ```
       robot/
       ├── robot.urdf
       └── meshes/
           └── base.stl
       ```

    2. TF2 computes the chain:
       ```
       camera → head → hand
       ```
    3. **Import in Unity**: right-click Assets and pick the URDF file.

    The importer turns every link into a GameObject.
    """

    @Test func codeUnderAListItemStaysWithItsItem() {
        let blocks = PassageBlocks.split(Self.steps)
        // One list (a blank line between items does not end it), then the paragraph after it.
        #expect(blocks.map(\.kind) == [.list, .paragraph])
        #expect(blocks[0].lead == "To bring the robot into Unity:")
        let lines = blocks[0].body.split(separator: "\n").map(String.init)
        #expect(lines.first == "1. **Prepare the files**:")
        #expect(lines.contains("   ```") && lines.contains("   ├── robot.urdf"))
        // A one-line block joins its item as inline code.
        #expect(lines.contains("2. TF2 computes the chain: `camera → head → hand`"))
        #expect(PassageBlocks.listItems(blocks[0].body) == ["**Prepare the files**:", "TF2 computes the chain: `camera → head → hand`",
                                                            "**Import in Unity**: right-click Assets and pick the URDF file."])
    }

    @Test func aStepsAnswerShowsEachStepsCodeAndNoStepLosesWhatItAnnounced() {
        func answer(_ profile: ReaderProfile?, _ question: String) -> String {
            ExtractiveGenerator().compose(AnswerRequest(
                question: question, passages: [SourcePassage(chunk: ExtractiveGeneratorTests.chunk(Self.steps, headings: ["Unity import"]), score: 1)],
                profile: profile))
        }
        let steps = answer(nil, "How do I bring my URDF robot into Unity?")
        #expect(steps.contains("1. **Prepare the files**:\n   ```\n   robot/"), "\(steps)")
        #expect(steps.contains("3. **Import in Unity**"))
        #expect(AnswerChecks.danglingFragments(steps).isEmpty)
        // A reader who doesn't program, asking why: the files' tree goes, and so does the colon that announced it.
        let reader = ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none, programmingBackground: ProgrammingBackground.none, interests: [])
        let why = answer(reader, "Why does the robot have to be prepared for Unity?")
        #expect(!why.contains("```") && !why.contains("robot.urdf"), "\(why)")
        #expect(why.contains("1. **Prepare the files**\n"), "\(why)")
    }

    @Test func theBestPassagesSectionComesWhole() {
        func part(_ ordinal: Int, _ text: String, heading: String = "Motion planning") -> BookChunk {
            BookChunk(id: "isaac#\(heading == "Motion planning" ? "motion-planning" : "other")~\(ordinal)", pageSlug: "isaac", pageTitle: "Isaac",
                      sourcePath: "isaac.md", headings: ["Isaac", heading], anchor: heading == "Motion planning" ? "motion-planning" : "other",
                      text: text, ordinal: ordinal)
        }
        let parts = [part(3, "The planner samples trajectories."), part(4, "| Planner | Time |\n|---|---|\n| OMPL | 2.5s |"),
                     part(5, "It replans when obstacles move."), part(6, "Unrelated.", heading: "Sensors")]
        let byID = Dictionary(uniqueKeysWithValues: parts.map { ($0.id, $0) })
        let other = part(9, "Elsewhere.", heading: "Sensors")
        let joined = SectionParts.joined([SourcePassage(chunk: parts[1], score: 0.9), SourcePassage(chunk: other, score: 0.5)], chunk: { byID[$0] })
        #expect(joined.map(\.chunk.id) == ["isaac#motion-planning~4", "isaac#motion-planning~3", "isaac#motion-planning~5", "isaac#other~9"])
        #expect(joined[1].score == 0.9 && joined[2].score == 0.9)
        // A part already retrieved stays where it is; a neighbour under another heading is not the same section.
        let present = SectionParts.joined([SourcePassage(chunk: parts[2], score: 1), SourcePassage(chunk: parts[1], score: 0.8)], chunk: { byID[$0] })
        #expect(present.map(\.chunk.id) == ["isaac#motion-planning~5", "isaac#motion-planning~4"])
    }

    @Test func aFixGivenAsSeveralCommandsKeepsEachOfThem() {
        let fix = """
        Linux lets only members of the audio group record from a microphone, so a new user account may see no input device at all.

        Check the microphone connection:
        ```bash
        arecord -l  # list capture devices
        ```

        Grant audio permissions:
        ```bash
        sudo usermod -a -G audio $USER
        ```
        """
        let answer = ExtractiveGenerator().compose(AnswerRequest(
            question: "My script says there is no input device although a microphone is plugged in. What should I check?",
            passages: [SourcePassage(chunk: ExtractiveGeneratorTests.chunk(fix, headings: ["No input devices available"]), score: 1)], profile: nil))
        #expect(answer.contains("arecord -l") && answer.contains("Grant audio permissions") && answer.contains("sudo usermod"), "\(answer)")
        // Asked why, not how to fix: no code for a reader who didn't ask for it.
        let why = ExtractiveGenerator().compose(AnswerRequest(
            question: "Why does a microphone need audio permissions?",
            passages: [SourcePassage(chunk: ExtractiveGeneratorTests.chunk(fix, headings: ["No input devices available"]), score: 1)],
            profile: ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none, programmingBackground: ProgrammingBackground.none, interests: [])))
        #expect(!why.contains("sudo usermod"), "\(why)")
    }

    @Test func aLongListOfGroupsKeepsTheGroupsAboutTheQuestion() {
        let hardware = """
        The robot's body has four parts:

        - **Arms**: serial links with six joints
          - Reach: half a metre to three metres
          - Payload: five to three hundred kilograms
          - Speed: one to two metres per second
        - **Grippers**:
          - Soft grippers: foam or fabric for delicate items
          - Suction cups: vacuum-based for smooth surfaces
          - Dexterous hands: several fingers
        - **Sensors**: at the wrist
          - Six-axis force sensing
          - Torque limits
        - **Bases**: wheels or legs
          - Wheeled bases for flat floors
        """
        func answer(_ question: String) -> String {
            ExtractiveGenerator().compose(AnswerRequest(
                question: question, passages: [SourcePassage(chunk: ExtractiveGeneratorTests.chunk(hardware, headings: ["Hardware"]), score: 1)], profile: nil))
        }
        let hands = answer("Which robot hands can pick up fragile or smooth things?")
        #expect(hands.contains("- Soft grippers: foam or fabric for delicate items") && hands.contains("- Suction cups"), "\(hands)")
        #expect(!hands.contains("Payload") && !hands.contains("Torque limits"), "\(hands)")
        #expect(hands.contains("The list also covers Arms, Sensors and Bases."), "\(hands)")
        // A question about none of the groups in particular keeps the book's list as it is (up to ten lines).
        let parts = answer("What parts does the robot's body have?")
        #expect(parts.contains("- **Arms**") && !parts.contains("also covers"), "\(parts)")
    }

    @Test func aBeginnerWhoNamesRowsOfATableGetsThoseRows() {
        let table = """
        Boards for running a model on the robot:

        | Board | Inference Time | Use Case |
        |---|---|---|
        | Jetson Orin Nano (8GB) | ~80ms | Mobile robots |
        | Jetson AGX Orin (64GB) | ~45ms | Humanoid robots |
        | A100 (80GB) | ~8ms | Training |
        | Planning | ~20ms | Planners |
        """
        func answer(_ profile: ReaderProfile?, _ question: String) -> String {
            ExtractiveGenerator().compose(AnswerRequest(
                question: question, passages: [SourcePassage(chunk: ExtractiveGeneratorTests.chunk(table, headings: ["Boards"]), score: 1)], profile: profile))
        }
        let question = "How fast does a Jetson AGX Orin run a model compared with an A100 board?"
        let beginner = answer(ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none, programmingBackground: nil, interests: []), question)
        #expect(beginner.contains("- **Jetson AGX Orin (64GB)** — Inference Time: ~45ms") && beginner.contains("- **A100 (80GB)**"), "\(beginner)")
        #expect(!beginner.contains("- **Jetson Orin Nano"), "\(beginner)")
        #expect(beginner.contains("The table also lists Jetson Orin Nano (8GB) and Planning."), "\(beginner)")
        // Other readers get the whole table, in the book's order.
        let advanced = answer(ReaderProfile(softwareExperience: .advanced, hardwareExperience: .none, programmingBackground: nil, interests: []), question)
        #expect(advanced.contains("- **Jetson Orin Nano (8GB)**") && !advanced.contains("The table also lists"), "\(advanced)")
        // Common words, numbers alone or every row named: the whole table.
        let rows = ["- **Planning** — Entry: a command", "- **Idle** — Entry: start", "- **3-4** — Milestone: Perception", "- **Bullet** — Speed: Fast"]
        #expect(AnswerComposer.rowsNamed(in: rows, by: "Why is my planning node idle?") == nil)
        #expect(AnswerComposer.rowsNamed(in: rows, by: "Planning takes how long?") == nil)  // only the question's first word is capitalised
        #expect(AnswerComposer.rowsNamed(in: rows, by: "What happens in weeks 3-4?") == nil)
        #expect(AnswerComposer.rowsNamed(in: rows, by: "How does the robot get back to Idle, and is Bullet fast?") == [1, 3])
        #expect(AnswerComposer.rowsNamed(in: ["- **cuMotion (GPU)** — Time: 0.15s", "- **MoveIt OMPL (CPU)** — Time: 2.5s", "- **Pilz** — Time: 1.8s"],
                                         by: "How does cuMotion's planner compare to MoveIt OMPL?") == [0, 1])
        #expect(AnswerComposer.rowsNamed(in: [rows[0], rows[1], rows[3]], by: "Compare Planning, Idle and Bullet.") == nil)  // all of them
    }

    @Test func danglingFragmentsAreFound() {
        #expect(AnswerChecks.danglingFragments("The loop has three steps [1]:").count == 1)
        #expect(AnswerChecks.danglingFragments("This keeps the arm still [1].").count == 1)
        #expect(AnswerChecks.danglingFragments("The watchdog restarts it [1]. It never stops.\n\nThe class above handles it [2].").count == 1)
        #expect(AnswerChecks.danglingFragments("The loop has three steps [1]:\n\n- Read\n- Act").isEmpty)
    }

    @Test func keyFactsAndEchoes() {
        #expect(AnswerChecks.keyFactShare("Set **ROS_DOMAIN_ID** to 0 [1].", phrases: ["ROS_DOMAIN_ID", "domain 7"]) == 0.5)
        #expect(AnswerChecks.echoes("The error sets the push [1].", selection: "The error sets the push."))
        #expect(!AnswerChecks.echoes("The error sets the push [1]. An encoder measures the shaft angle.", selection: "The error sets the push."))
    }

    @Test func readingGradeRanksPlainBelowTechnicalProse() throws {
        let plain = try #require(ReadingGrade.of("A servo turns to an angle. You tell it where to go. It gets there and stays."))
        let technical = try #require(ReadingGrade.of(
            "The proportional-integral-derivative controller minimises the accumulated deviation between the commanded trajectory and the instantaneous measurement."))
        #expect(plain < 4 && technical > 14)
        #expect(ReadingGrade.syllableCount("servo") == 2 && ReadingGrade.syllableCount("the") == 1)
        #expect(ReadingGrade.of("```python\nx = 1\n```") == nil)
    }
}

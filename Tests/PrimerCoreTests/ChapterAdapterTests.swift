import Foundation
@testable import PrimerCore
import Testing

/// Key terms and the deterministic "Personalise this chapter" adaptation.
@Suite struct ChapterAdapterTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sampleBook() throws -> Book {
        try BookLoader.load(directory: root.appendingPathComponent("book"))
    }

    static func sharedBook() throws -> Book {
        try BookLoader.load(directory: root.deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book/book-source/docs"))
    }

    /// Both books with their key terms, loaded once.
    static let books: [(book: Book, terms: [KeyTerm])] = [try? sampleBook(), try? sharedBook()].compactMap { $0 }
        .map { ($0, KeyTerms.definitions(in: $0)) }

    func page(_ markdown: String, slug: String = "control/servos", title: String = "Servos") -> BookPage {
        BookPage(slug: slug, title: title, sourcePath: slug + ".md", position: 1, folder: [], markdown: markdown, contentHash: "x")
    }

    /// The chapter's text rebuilt from its blocks, leaving out the additions (key terms, the
    /// intermediate key-term list and the advanced "At a glance").
    func rebuilt(_ chapter: AdaptedChapter) -> String {
        withoutAdditions(chapter).compactMap { block -> String? in
            switch block {
            case .markdown(let text): text
            case .folded(_, let text): text
            case .keyTerms: nil
            }
        }.joined(separator: "\n")
    }

    /// The blocks that carry the chapter itself.
    func withoutAdditions(_ chapter: AdaptedChapter) -> [AdaptedChapter.Block] {
        var blocks = chapter.blocks
        if chapter.level == .advanced, case .markdown(let first)? = blocks.first, first.hasPrefix("## At a glance\n") { blocks.removeFirst() }
        if chapter.level == .intermediate, case .folded("Key terms in this chapter", _)? = blocks.first { blocks.removeFirst() }
        return blocks
    }

    func folded(_ chapter: AdaptedChapter) -> [(summary: String, markdown: String)] {
        chapter.blocks.compactMap { if case let .folded(summary, markdown) = $0 { (summary, markdown) } else { nil } }
    }

    func markdown(_ chapter: AdaptedChapter) -> [String] {
        chapter.blocks.compactMap { if case let .markdown(text) = $0 { text } else { nil } }
    }

    // MARK: Key terms

    @Test func glossaryOfTheSampleBookGivesPlainDefinitionsWithAnchors() throws {
        let terms = KeyTerms.definitions(in: try Self.sampleBook())
        let actuator = try #require(terms.first { $0.term == "Actuator" })
        #expect(actuator.pageSlug == "glossary" && actuator.anchor == "actuator")
        #expect(actuator.definition.hasPrefix("An actuator is a device, most often an electric motor,"))
        #expect(actuator.url == "/book/glossary#actuator")
        let imu = try #require(terms.first { $0.term == "Inertial Measurement Unit (IMU)" })
        #expect(imu.anchor == "inertial-measurement-unit-imu")
        let glossary = terms.filter { $0.pageSlug == "glossary" }
        #expect(glossary.count == 30)
        #expect(glossary.allSatisfy { !$0.definition.contains("*") && !$0.definition.contains("`") && !$0.definition.contains("\n") })
        #expect(!glossary.contains { $0.term == "Glossary" })
        // Glossary wins over the chapter that also defines it; one entry per term.
        #expect(terms.first { $0.term.lowercased() == "servo motor" }?.pageSlug == "glossary")
        #expect(Set(terms.map { KeyTerms.key($0.term) }).count == terms.count)
    }

    @Test func boldTermsDefinedInChaptersAreCollected() throws {
        let terms = KeyTerms.definitions(in: try Self.sampleBook())
        let backlash = try #require(terms.first { $0.term == "Backlash" })
        #expect(backlash.pageSlug == "actuators-and-motors/servos-and-gearing")
        #expect(backlash.anchor == "hidden-costs-of-high-ratios")
        #expect(backlash.definition.hasPrefix("Backlash is the small free play between meshing gear teeth"))
        let vlm = try #require(terms.first { $0.term == "Vision-language model (VLM)" })
        #expect(vlm.definition == "A vision-language model (VLM) is a neural network that takes images and text as input and produces text, so it can answer questions about pictures.")
        #expect(vlm.anchor == "foundation-models-for-robots")
        // A chapter's "Robot Operating System 2 (ROS 2)" is the glossary's "ROS 2": one entry.
        #expect(terms.filter { KeyTerms.names(of: $0.term).contains("ros 2") }.map(\.pageSlug) == ["glossary"])
        #expect(terms.filter { KeyTerms.names(of: $0.term).contains("vla") }.map(\.term) == ["Vision-Language-Action Model (VLA)"])
        #expect(KeyTerms.names(of: "Robot arm (or a manipulator)") == ["robot arm"])
        #expect(!terms.contains { $0.term == "Compute the error" || $0.term == "Sense." || $0.term == "Friction" })
    }

    @Test func definingSentencesAreRecognised() {
        #expect(KeyTerms.definedTerms(in: "A **servo motor** is a motor with a sensor.").terms == ["Servo motor"])
        #expect(KeyTerms.definedTerms(in: "**Backlash** is the free play between teeth.").terms == ["Backlash"])
        #expect(KeyTerms.definedTerms(in: "The free play of gears, **backlash**, means lost motion.").terms == ["Backlash"])
        #expect(KeyTerms.definedTerms(in: "An **IMU** (inertial unit) refers to a sensor package.").terms == ["IMU"])
        #expect(KeyTerms.definedTerms(in: "**Note:** A **planner** is the software that searches.") == ("A **planner** is the software that searches.", ["Planner"]))
        #expect(KeyTerms.definedTerms(in: "The **robot** is not ready.").terms.isEmpty)
        #expect(KeyTerms.definedTerms(in: "A joint is **backdrivable** if it turns.").terms.isEmpty)
        #expect(KeyTerms.definedTerms(in: "**Compute the error**: target minus actual.").terms.isEmpty)
        #expect(KeyTerms.definedTerms(in: "Use **cascaded control**, a structure of loops.").terms.isEmpty)
    }

    @Test func paragraphsThatOpenByDefiningANameAreRecognised() {
        #expect(KeyTerms.namedTerm(in: "ROS 2 (Robot Operating System 2) is a flexible middleware framework for robots.") == "ROS 2 (Robot Operating System 2)")
        #expect(KeyTerms.namedTerm(in: "Isaac ROS is a collection of GPU-accelerated ROS 2 packages.") == "Isaac ROS")
        #expect(KeyTerms.namedTerm(in: "PaLM-E is a 562B parameter VLA that combines language and sensing.") == "PaLM-E")
        #expect(KeyTerms.namedTerm(in: "The Kalman Filter is an estimator that blends predictions with measurements.") == "Kalman Filter")
        // Common words, openers and descriptions are not names being defined.
        #expect(KeyTerms.namedTerm(in: "Safety is a priority in every lab.") == nil)
        #expect(KeyTerms.namedTerm(in: "A Link is a rigid body that doesn't deform.") == nil)
        #expect(KeyTerms.namedTerm(in: "This Project is a living, community-driven effort.") == nil)
        #expect(KeyTerms.namedTerm(in: "Isaac ROS is fast.") == nil)
        #expect(KeyTerms.namedTerm(in: "Isaac ROS is a collection of packages") == nil, "not a finished sentence")
        // A line of the key terms list says the definition without repeating the name.
        #expect(AnswerComposer.keyTermLine("ROS 2 (Robot Operating System 2)", "ROS 2 (Robot Operating System 2) is a flexible middleware framework.")
                == "- **ROS 2 (Robot Operating System 2)** — a flexible middleware framework.")
    }

    @Test func firstDefinitionWinsAndAnchorsFollowHeadings() {
        let glossary = page("# Glossary\n\n## PID Controller\n\nA *PID* controller is a `feedback` controller.\n\nSecond paragraph.\n", slug: "glossary", title: "Glossary")
        let one = page("# One\n\nThe **setpoint** is the target.\n\n## Loops\n\n## Loops\n\n- **Sense.** A **sensor** is a device.\n", slug: "one", title: "One")
        let two = page("# Two\n\nA **sensor** is something else. A **PID controller** is another thing.\n", slug: "two", title: "Two")
        func book(_ pages: [BookPage]) -> Book {
            Book(pages: pages.enumerated().map { index, page in
                BookPage(slug: page.slug, title: page.title, sourcePath: "\(index)-\(page.slug).md", position: Double(index), folder: [],
                         markdown: page.markdown, contentHash: "x")
            }, categories: [])
        }
        #expect(KeyTerms.definitions(in: book([two, one, glossary])) == [
            KeyTerm(term: "PID Controller", definition: "A PID controller is a feedback controller.", pageSlug: "glossary", anchor: "pid-controller"),
            KeyTerm(term: "Sensor", definition: "A sensor is something else.", pageSlug: "two", anchor: ""),
            KeyTerm(term: "Setpoint", definition: "The setpoint is the target.", pageSlug: "one", anchor: ""),
        ])
        #expect(KeyTerms.definitions(in: book([one])) == [
            KeyTerm(term: "Setpoint", definition: "The setpoint is the target.", pageSlug: "one", anchor: ""),
            KeyTerm(term: "Sensor", definition: "A sensor is a device.", pageSlug: "one", anchor: "loops-1"),
        ])
    }

    // MARK: Adapting chapters

    static let servos = "actuators-and-motors/servos-and-gearing"

    @Test func beginnersGetTheKeyTermsOfTheChapterInOrder() throws {
        let book = try Self.sampleBook()
        let terms = KeyTerms.definitions(in: book)
        let servos = try #require(book.page(slug: Self.servos))
        let chapter = ChapterAdapter.adapt(servos, level: .beginner, keyTerms: terms)
        guard case .keyTerms(let shown)? = chapter.blocks.first else { Issue.record("no key terms box first"); return }
        let names = shown.map(\.term)
        #expect(names.contains("Backlash") && names.contains("Gear Ratio") && names.contains("Servo Motor"))
        #expect(shown.count <= 10)
        #expect(!names.contains("Kalman Filter") && !names.contains("Inverse Kinematics"))
        let text = WordText(KeyTerms.normalise(servos.markdown))
        let firsts = shown.compactMap { term in KeyTerms.variants(of: term.term).compactMap(text.firstMatch).min() }
        #expect(firsts.count == shown.count && firsts == firsts.sorted())
        #expect(chapter.blocks.filter { if case .keyTerms = $0 { true } else { false } }.count == 1)
    }

    @Test func termsMatchWholeWordsAndPluralsOnly() {
        let terms = ["Node", "Policy", "Vision-Language-Action Model (VLA)", "Topic", "Torque"].map {
            KeyTerm(term: $0, definition: "d", pageSlug: "glossary", anchor: "")
        }
        let found = KeyTerms.occurring(in: page("A VLA drives policies. Two NODES talk.\n\n```\ntopic = 1\n```\n\nTopical torques."), among: terms)
        #expect(found.map(\.term) == ["Vision-Language-Action Model (VLA)", "Policy", "Node", "Torque"])
        #expect(KeyTerms.occurring(in: page("Nodes, nodes."), among: terms, limit: 0).isEmpty)
        let glossary = page("## Node\n\nA node is a program; see Policy.", slug: "glossary", title: "Glossary")
        #expect(KeyTerms.occurring(in: glossary, among: terms).isEmpty)
        #expect(KeyTerms.occurring(in: page("A node.", slug: "glossary", title: "Glossary"), among: [KeyTerm(term: "Node", definition: "d", pageSlug: "ros", anchor: "")]).count == 1)
    }

    @Test func beginnersGetCodeFormulasAndDepthSectionsFolded() throws {
        let servos = try #require(try Self.sampleBook().page(slug: Self.servos))
        let chapter = ChapterAdapter.adapt(servos, level: .beginner, keyTerms: [])
        let folds = folded(chapter)
        #expect(folds.map(\.summary) == ["More depth: Industrial servos", "Formula", "Formula"])
        #expect(folds[0].markdown.hasPrefix("### Industrial servos\n") && folds[0].markdown.hasSuffix("sets the torque."))
        #expect(folds.dropFirst().allSatisfy { $0.markdown.hasPrefix("$$\n") && $0.markdown.hasSuffix("\n$$") })
        #expect(folds[1].markdown.contains("\\omega_{out} = \\frac{\\omega_{in}}{N}"))
        #expect(!markdown(chapter).joined().contains("$$"))
        #expect(markdown(chapter).count == folds.count + 1, "markdown between folds is merged")
    }

    @Test func codeFencesAreNeverSplitAndHashCommentsAreNotHeadings() {
        let chapter = ChapterAdapter.adapt(page("""
        # Nodes

        Intro.

        ```python
        # Advanced setup, not a heading
        x = 1
        ## also not a heading
        ```
        Between.

        ~~~
        plain
        ~~~
        $$ E = mc^2 $$

        ## Under the hood

        Details with code:

        ```bash
        ls
        ```

        ### The maths

        Still inside.

        ## Next

        End.
        """), level: .beginner, keyTerms: [])
        let folds = folded(chapter)
        #expect(folds.map(\.summary) == ["Code example (python)", "Code example (text)", "Formula", "More depth: Under the hood"])
        #expect(folds[0].markdown == "```python\n# Advanced setup, not a heading\nx = 1\n## also not a heading\n```")
        #expect(folds[1].markdown == "~~~\nplain\n~~~")
        #expect(folds[2].markdown == "$$ E = mc^2 $$")
        #expect(folds[3].markdown.hasPrefix("## Under the hood\n") && folds[3].markdown.hasSuffix("Still inside."))
        #expect(folds[3].markdown.contains("```bash\nls\n```"))
        #expect(markdown(chapter).last == "\n## Next\n\nEnd.")
        #expect(!markdown(chapter).contains { $0.contains("# Advanced setup") })
    }

    @Test func depthAndIntroductionHeadingsMatchWholeWords() {
        let text = "# T\n\nLead.\n\n## Waterproofing\n\nA.\n\n## Proofs\n\nB.\n\n## In-depth: torque\n\nC.\n\n## Whyte's rule\n\nD.\n\n## The Basics\n\nE."
        #expect(folded(ChapterAdapter.adapt(page(text), level: .beginner, keyTerms: [])).map(\.summary) == ["More depth: Proofs", "More depth: In-depth: torque"])
        #expect(folded(ChapterAdapter.adapt(page(text), level: .advanced, keyTerms: [])).map(\.summary) == ["Introduction", "Introductory: The Basics"])
    }

    @Test func advancedReadersGetEveryFormulaAndCodeUpFrontAndTheIntroFolded() throws {
        let servos = try #require(try Self.sampleBook().page(slug: Self.servos))
        let chapter = ChapterAdapter.adapt(servos, level: .advanced, keyTerms: KeyTerms.definitions(in: try Self.sampleBook()))
        guard case .markdown(let glance)? = chapter.blocks.first else { Issue.record("no glance block"); return }
        #expect(glance.hasPrefix("## At a glance\n\nFrom *Gear ratios*:\n\n$$\n\\omega_{out}"))
        #expect(glance.components(separatedBy: "From *").count - 1 == 2)
        #expect(glance.contains("From *A worked example*:\n\n$$\n\\tau_{out} = 0.8"))
        #expect(chapter.blocks[1] == .markdown("\n# Servos, Gears, and Compliant Actuators\n"))
        #expect(folded(chapter).first?.summary == "Introduction")
        #expect(folded(chapter).first?.markdown.hasPrefix("A bare motor spins fast") == true)
        #expect(!chapter.blocks.contains { if case .keyTerms = $0 { true } else { false } })

        let code = ChapterAdapter.adapt(page("""
        # ROS

        ## What is ROS?

        Middleware.

        ```python
        a = 1
        ```

        ## Why ROS

        Because.

        ### Deeper

        $$
        x^2
        $$

        ## Nodes

        - List item:

          ```bash
          ros2 run demo talker
          ```
        """), level: .advanced, keyTerms: [])
        #expect(code.blocks.first == .markdown("""
        ## At a glance

        From *What is ROS?*:

        ```python
        a = 1
        ```

        From *Deeper*:

        $$
        x^2
        $$

        From *Nodes*:

        ```bash
        ros2 run demo talker
        ```
        """))
        #expect(folded(code).map(\.summary) == ["Introductory: What is ROS?", "Introductory: Why ROS"])
        #expect(folded(code)[1].markdown.hasSuffix("$$\nx^2\n$$"), "a subsection and its formula fold with the section")
        #expect(markdown(code).last?.hasPrefix("\n## Nodes") == true)
    }

    @Test func sharedBookIntroductionsFoldForAdvancedReaders() throws {
        let ros = try #require(try Self.sharedBook().page(slug: "ros2"))
        let chapter = ChapterAdapter.adapt(ros, level: .advanced, keyTerms: [])
        let summaries = folded(chapter).map(\.summary)
        #expect(summaries.contains("Introductory: What is ROS 2?") && summaries.contains("Introductory: Architecture Overview"))
        let glance = try #require(markdown(chapter).first)
        #expect(glance.contains("From *Nodes*:\n\n```python\n# Example node structure"))
    }

    @Test func intermediateReadersGetTheChapterUnchangedAfterAFoldedTermList() throws {
        let book = try Self.sampleBook()
        let servos = try #require(book.page(slug: Self.servos))
        let chapter = ChapterAdapter.adapt(servos, level: .intermediate, keyTerms: KeyTerms.definitions(in: book))
        #expect(chapter.blocks.count == 2)
        #expect(chapter.blocks.last == .markdown(servos.markdown))
        let list = try #require(folded(chapter).first)
        #expect(list.summary == "Key terms in this chapter")
        #expect(list.markdown.contains("- **Backlash**: Backlash is the small free play between meshing gear teeth"))
        #expect(list.markdown.split(separator: "\n").allSatisfy { $0.hasPrefix("- **") })
        let plain = ChapterAdapter.adapt(page("# Plain\n\nNo terms here."), level: .intermediate, keyTerms: KeyTerms.definitions(in: book))
        #expect(plain.blocks == [.markdown("# Plain\n\nNo terms here.")])
    }

    @Test(arguments: [SoftwareExperience.beginner, .intermediate, .advanced])
    func nothingIsLostOnAnyPageOfEitherBook(level: SoftwareExperience) throws {
        #expect(Self.books.count == 2)
        for (book, terms) in Self.books {
            #expect(book.pages.count >= 6)
            for page in book.pages {
                let chapter = ChapterAdapter.adapt(page, level: level, keyTerms: terms)
                #expect(rebuilt(chapter) == page.markdown, "\(page.slug) at \(level)")
                let body = withoutAdditions(chapter)
                for (first, second) in zip(body, body.dropFirst()) {
                    if case .markdown = first, case .markdown = second { Issue.record("unmerged markdown on \(page.slug)") }
                }
                for fold in folded(chapter) {
                    let fences = MarkdownLine.classify(fold.markdown).filter { $0.kind == .fenceOpen || $0.kind == .fenceClose }.count
                    #expect(fences % 2 == 0, "\(page.slug): a fold splits a code block")
                }
                if level == .advanced {
                    let lines = MarkdownLine.classify(page.markdown)
                    let expected = lines.filter { $0.kind == .fenceOpen }.count + lines.filter { $0.kind == .text && $0.trimmed == "$$" }.count / 2
                    let glance = chapter.blocks.first.flatMap { if case .markdown(let text) = $0, text.hasPrefix("## At a glance") { text } else { nil } }
                    #expect((glance?.components(separatedBy: "\n\nFrom *").count ?? 1) - 1 == expected, "\(page.slug)")
                }
                let crlf = BookPage(slug: page.slug, title: page.title, sourcePath: page.sourcePath, position: page.position, folder: page.folder,
                                    markdown: page.markdown.replacingOccurrences(of: "\n", with: "\r\n"), contentHash: page.contentHash)
                #expect(ChapterAdapter.adapt(crlf, level: level, keyTerms: terms) == chapter, "\(page.slug) with CRLF")
            }
        }
    }

    @Test func crlfInputIsSplitIntoLines() {
        let chapter = ChapterAdapter.adapt(page("# T\r\n\r\nLead.\r\n\r\n## Basics\r\n\r\n```c\r\n# x\r\n```\r\n"), level: .advanced, keyTerms: [])
        #expect(chapter.blocks == [
            .markdown("## At a glance\n\nFrom *Basics*:\n\n```c\n# x\n```"),
            .markdown("# T\n"),
            .folded(summary: "Introduction", markdown: "Lead."),
            .markdown(""),
            .folded(summary: "Introductory: Basics", markdown: "## Basics\n\n```c\n# x\n```"),
            .markdown(""),
        ])
    }

    @Test(arguments: [SoftwareExperience.beginner, .intermediate, .advanced])
    func emptyAndStructurelessPagesWork(level: SoftwareExperience) {
        let terms = [KeyTerm(term: "Torque", definition: "Turning force.", pageSlug: "glossary", anchor: "torque")]
        #expect(ChapterAdapter.adapt(page(""), level: level, keyTerms: terms) == AdaptedChapter(level: level, blocks: []))
        let plain = ChapterAdapter.adapt(page("Just text about nothing.\nSecond line."), level: level, keyTerms: terms)
        #expect(plain.blocks == [.markdown("Just text about nothing.\nSecond line.")])
        #expect(plain.level == level)
        let unclosed = ChapterAdapter.adapt(page("Torque:\n```\n# open\n$$\n"), level: level, keyTerms: terms)
        #expect(rebuilt(unclosed) == "Torque:\n```\n# open\n$$\n")
        switch level {
        case .beginner:
            #expect(unclosed.blocks == [.keyTerms(terms), .markdown("Torque:"), .folded(summary: "Code example (text)", markdown: "```\n# open\n$$\n")])
        case .intermediate:
            #expect(unclosed.blocks.first == .folded(summary: "Key terms in this chapter", markdown: "- **Torque**: Turning force."))
        case .advanced:
            #expect(unclosed.blocks.first == .markdown("## At a glance\n\nFrom *Servos*:\n\n```\n# open\n$$\n"))
        }
    }
}

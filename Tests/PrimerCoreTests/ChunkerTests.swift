import Foundation
@testable import PrimerCore
import Testing

/// Splitting pages into chunks.
@Suite struct ChunkerTests {
    func page(_ markdown: String, title: String = "Servos") -> BookPage {
        BookPage(slug: "actuators/servos", title: title, sourcePath: "actuators/servos.md", position: 1, folder: ["actuators"],
                 markdown: markdown, contentHash: "x")
    }

    @Test func splitsOnHeadingsWithPathsAndAnchors() {
        let chunks = Chunker().chunks(for: page("""
        # Servos

        Intro text.

        ## How a servo works

        A servo motor is a motor with a position sensor.

        ### The control loop

        It compares the target angle with the measured one.

        ## Choosing a servo

        Pick by torque.
        """))
        #expect(chunks.map(\.headings) == [
            ["Servos"], ["Servos", "How a servo works"], ["Servos", "How a servo works", "The control loop"], ["Servos", "Choosing a servo"],
        ])
        #expect(chunks.map(\.anchor) == ["", "how-a-servo-works", "the-control-loop", "choosing-a-servo"])
        #expect(chunks[2].url == "/book/actuators/servos#the-control-loop")
        #expect(chunks[2].indexedText.hasPrefix("Servos › How a servo works › The control loop\n\n"))
        #expect(Set(chunks.map(\.id)).count == chunks.count)
        #expect(chunks[1].section == "How a servo works")
    }

    @Test func hashCommentsInCodeAreNotHeadings() {
        let chunks = Chunker().chunks(for: page("""
        ## Install

        ```bash
        # Step 1: update
        sudo apt update
        ## not a heading either
        ```

        ~~~
        # still code
        ~~~

        Done.
        """))
        #expect(chunks.count == 1)
        #expect(chunks[0].text.contains("# Step 1: update"))
        #expect(chunks[0].text.contains("# still code"))
        #expect(chunks[0].text.hasSuffix("Done."))
    }

    @Test func codeUnderAListItemKeepsItsIndentation() {
        let chunks = Chunker().chunks(for: page("""
        ## Import

        1. **Prepare the files**:
           ```
           robot/
           └── robot.urdf
           ```

        2. **Import in Unity**
        """))
        #expect(chunks[0].text.contains("1. **Prepare the files**:\n\n   ```\n   robot/\n   └── robot.urdf\n   ```\n\n2. **Import in Unity**"), "\(chunks[0].text)")
        #expect(PassageBlocks.split(chunks[0].text).map(\.kind) == [.list])
    }

    @Test func longSectionsAreCappedWithOverlapAndCodeStaysWhole() {
        let sentence = "Robots use feedback control to follow a reference trajectory precisely."
        let paragraph = Array(repeating: sentence, count: 12).joined(separator: " ")
        let code = "```python\n" + (0..<60).map { "x\($0) = compute(\($0))  # step \($0)" }.joined(separator: "\n") + "\n```"
        let markdown = "## Control\n\n" + [paragraph, paragraph, code, paragraph, paragraph, paragraph].joined(separator: "\n\n")
        let chunker = Chunker(maxTokens: 400, overlapTokens: 40)
        let chunks = chunker.chunks(for: page(markdown))
        #expect(chunks.count >= 3)
        for chunk in chunks {
            let fences = chunk.text.components(separatedBy: "```").count - 1
            #expect(fences % 2 == 0, "a chunk splits a code block")
            if !chunk.text.contains("```") { #expect(Chunker.estimateTokens(chunk.text) <= 400 + 40) }
        }
        #expect(chunks.filter { $0.text.contains("x59 = compute(59)") && $0.text.contains("x0 = compute(0)") }.count == 1)
        // Consecutive prose chunks share an overlap sentence.
        let prose = chunks.filter { !$0.text.contains("```") }
        #expect(prose.count >= 2)
        #expect(prose[1].text.hasPrefix(sentence))
        #expect(chunks.allSatisfy { $0.headings == ["Servos", "Control"] })
    }

    @Test func sharedCorpusChunksAreSane() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book/book-source/docs")
        let book = try BookLoader.load(directory: docs)
        let chunks = book.pages.flatMap { Chunker().chunks(for: $0) }
        #expect(chunks.count > 100)
        #expect(Set(chunks.map(\.id)).count == chunks.count)
        let ros = chunks.filter { $0.sourcePath == "02_ros2.md" }
        #expect(ros.contains { $0.headings == ["Chapter 2: ROS 2 Fundamentals", "Architecture Overview", "Nodes"] })
        #expect(!ros.contains { $0.headings.contains("Example node structure") })
        #expect(chunks.allSatisfy { !$0.text.trimmingWhitespace().isEmpty })
    }

    @Test func sentencesSplitSensibly() {
        #expect(Sentences.split("A servo turns. It holds, e.g. a joint. Is it fast? Yes!") == ["A servo turns.", "It holds, e.g. a joint.", "Is it fast?", "Yes!"])
        #expect(Sentences.split("Version 2.5 is out. Next") == ["Version 2.5 is out.", "Next"])
    }
}

@testable import PrimerCore
import Testing

/// The one place that knows which lines are code, headings or text.
@Suite struct MarkdownLineTests {
    @Test func fencesHideHeadingsAndCloseOnlyOnAMatchingFence() {
        let kinds = MarkdownLine.classify("""
        # Title
        text
        ````md
        # not a heading
        ```
        still code
        ````
        ~~~
        ## also code
        ~~~
        ## Real {#custom}
        #hashtag
        """).map(\.kind)
        #expect(kinds == [
            .heading(level: 1, text: "Title"), .text, .fenceOpen, .code, .code, .code, .fenceClose,
            .fenceOpen, .code, .fenceClose, .heading(level: 2, text: "Real {#custom}"), .text,
        ])
    }

    @Test func windowsLineEndingsWork() {
        #expect(MarkdownLine.classify("## A\r\nb\r").map(\.line) == ["## A", "b"])
        let (front, body) = FrontMatter.split("---\r\ntitle: Win\r\n---\r\n# Body")
        #expect(front["title"] == "Win")
        #expect(body == "# Body")
    }
}

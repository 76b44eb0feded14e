@testable import PrimerCore
import Testing

/// Docusaurus block syntax: admonitions, tabs and details, never inside code.
@Suite struct DocBlockTests {
    @Test func admonitionsKeepKindTitleAndBody() {
        let blocks = DocBlock.parse("""
        Intro.

        :::tip Timing matters
        Run the loop at **1 kHz**.
        :::

        :::warning[Hot motors]
        Let them cool.
        :::

        :::note
        Plain.
        :::

        :::important Custom
        Shown as a note.
        :::
        """)
        #expect(blocks == [
            .markdown(["Intro.", ""]),
            .admonition(kind: "tip", title: "Timing matters", body: [.markdown(["Run the loop at **1 kHz**."])]),
            .admonition(kind: "warning", title: "Hot motors", body: [.markdown(["Let them cool."])]),
            .admonition(kind: "note", title: nil, body: [.markdown(["Plain."])]),
            .admonition(kind: "note", title: "important Custom", body: [.markdown(["Shown as a note."])]),
        ])
    }

    @Test func tabsTakeLabelsAndTheDefaultTab() {
        let blocks = DocBlock.parse("""
        <Tabs groupId="lang">
        <TabItem value="py" label="Python">

        ```python
        print("hi")
        ```

        </TabItem>
        <TabItem value="cpp" default>
        C++ here.
        </TabItem>
        </Tabs>
        After.
        """)
        guard case let .tabs(tabs, selected) = blocks.first else { Issue.record("no tabs: \(blocks)"); return }
        #expect(tabs.map(\.label) == ["Python", "cpp"])
        #expect(selected == 1)
        #expect(tabs[0].body == [.markdown(["", "```python", "print(\"hi\")", "```", ""])])
        #expect(blocks.last == .markdown(["After."]))
    }

    @Test func detailsTakeTheirSummaryAndNest() {
        let blocks = DocBlock.parse("""
        <details>
        <summary>Click to reveal <b>hints</b></summary>

        :::note Inside
        Nested.
        :::

        </details>
        """)
        #expect(blocks == [.details(summary: "Click to reveal hints", body: [
            .admonition(kind: "note", title: "Inside", body: [.markdown(["Nested."])]),
        ])])
    }

    @Test func syntaxInsideCodeIsCodeAndUnclosedBlocksEndWithThePage() {
        let blocks = DocBlock.parse("""
        ```md
        :::tip Not a callout
        <Tabs>
        ```
        :::danger Open
        Never closed.
        """)
        #expect(blocks == [
            .markdown(["```md", ":::tip Not a callout", "<Tabs>", "```"]),
            .admonition(kind: "danger", title: "Open", body: [.markdown(["Never closed."])]),
        ])
        #expect(DocBlock.parse(":::\n</Tabs>\n</details>\ntext") == [.markdown(["text"])])
    }
}

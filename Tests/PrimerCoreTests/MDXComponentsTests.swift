@testable import PrimerCore
import Testing

/// MDX components that carry their content in props become Markdown a reader (and the
/// answer composer) can read; anything that is not plain data is left as written.
@Suite struct MDXComponentsTests {
    @Test func javaScriptLiteralsAreRead() throws {
        let value = try #require(JSValue.parse("""
        [
          // a comment
          { id: 'a', "quoted key": "two", n: -1.5e3, ok: true, none: null, tpl: `line \\`one\\`
        line two`, },
          /* another */ ['x', 'it\\'s'],
        ]
        """))
        guard case let .array(items) = value, case let .object(entries) = items[0] else { Issue.record("\(value)"); return }
        #expect(entries.map(\.key) == ["id", "quoted key", "n", "ok", "none", "tpl"])
        #expect(entries[2].value == .number("-1.5e3") && entries[3].value == .bool(true) && entries[4].value == .null)
        #expect(entries[5].value == .string("line `one`\nline two"))
        #expect(items[1] == .array([.string("x"), .string("it's")]))
        // Variables, calls, spreads and unclosed literals are not data.
        for text in ["items", "{ a: items }", "[f(1)]", "{ ...rest }", "{ a: 'x' ", "'no end"] {
            #expect(JSValue.parse(text) == nil, "\(text)")
        }
    }

    @Test func dataPropsBecomeHeadlinesAndLists() {
        let page = """
        ## Troubleshooting

        <TroubleshootingAccordion
          entries={[
            {
              id: 'ts-import',
              problem: 'ImportError: No module named \\'omni.isaac.kit\\'',
              cause: 'Not using the bundled Python interpreter',
              symptoms: ['Import fails in custom scripts'],
              solutions: [
                { stepNumber: 1, description: 'Use the bundled interpreter', commands: [{ emojiPrefix: '🐍', command: 'python.sh test.py' }] },
              ],
              isDefinitive: true,
            },
          ]}
        />

        After the component.
        """
        let markdown = MDXComponents.expand(page)
        #expect(markdown.contains("""
        **ImportError: No module named 'omni.isaac.kit':**

        - Cause: Not using the bundled Python interpreter
        - Symptoms:
          - Import fails in custom scripts
        - Solutions:
          - 1. **Use the bundled interpreter** — commands `python.sh test.py`
        """), "\(markdown)")
        #expect(!markdown.contains("entries={") && !markdown.contains("emojiPrefix") && !markdown.contains("isDefinitive"))
        #expect(markdown.hasPrefix("## Troubleshooting\n") && markdown.hasSuffix("After the component."))
    }

    @Test func titlesDescriptionsPlatformsAndCodeChildren() {
        let markdown = MDXComponents.expand("""
        <InstallationStep
          stepNumber={2}
          title="Install the simulator"
          description="Use the launcher."
          platforms={{
            ubuntu: { instructions: `Open the launcher:
        1. Click **Install**`, commands: [{ command: 'sudo apt install sim', description: 'Install it' }] },
          }}
          expectedOutput="Expected output: a window opens."
          estimatedDuration={1200}
        />

        <CodeBlock language="python" title="check.py" showLineNumbers>
        {`# not a heading
        print("ok")
        `}
        </CodeBlock>
        """)
        #expect(markdown.contains("**Step 2: Install the simulator**\n\nUse the launcher."), "\(markdown)")
        #expect(markdown.contains("**Platforms:**\n\n**Ubuntu:**\n\n- Instructions: Open the launcher:\n  1. Click **Install**\n- Commands:\n  - **Install it** — command `sudo apt install sim`"), "\(markdown)")
        #expect(markdown.contains("\nExpected output: a window opens.\n") && !markdown.contains("1200"))
        #expect(markdown.contains("`check.py`:\n\n```python\n# not a heading\nprint(\"ok\")\n```"), "\(markdown)")
        #expect(!markdown.contains("</CodeBlock>"))
    }

    @Test func whatIsNotPlainDataIsLeftAsWritten() {
        let unchanged = [
            "<TabItem value=\"py\" label=\"Python\">\n\nText.\n\n</TabItem>",  // a one-line tag: the usual tag removal
            "<Chart data={points} />",                                      // a variable
            "```mdx\n<Chart\n  data={[1, 2]}\n/>\n```",                     // inside a code block
            "A sentence with <Inline /> text.",                              // not at a line's start
        ]
        for text in unchanged { #expect(MDXComponents.expand(text) == text, "\(text)") }
        #expect(MDXComponents.expand("<Chart points={['a', 'b']} />") == "\n**Points:**\n\n- a\n- b\n")
    }
}

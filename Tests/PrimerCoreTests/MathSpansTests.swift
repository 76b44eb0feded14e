@testable import PrimerCore
import Testing

/// Finding formulas (not money) and showing them readably in snippets and answers.
@Suite struct MathSpansTests {
    @Test func formulasAreFoundOutsideCodeAndMoneyIsNot() {
        let found = MathSpans.formulas(in: """
        The gain $K_p$ costs nothing, unlike a $5,000 arm or $50-$100 parts.
        `$not math$` in code.
        $$
        u(t) = K_p e(t)
        $$
        ```bash
        echo $HOME $$
        ```
        $$ x^2 $$
        ```math
        \\sqrt{2}
        ```
        """)
        #expect(found == [
            .init(tex: "K_p", display: false), .init(tex: "u(t) = K_p e(t)", display: true), .init(tex: "x^2", display: true),
            .init(tex: "\\sqrt{2}", display: true),
        ])
    }

    @Test func answersShowFormulasReadablyWithDelimitersKept() {
        #expect(MathSpans.readable("Gain $K_p \\cdot e$ here [1].") == "Gain $Kₚ · e$ here [1].")
        #expect(MathSpans.readable("$$ \\omega = \\frac{\\theta}{t} $$ [2]") == "$$ ω = (θ)/(t) $$ [2]")
        #expect(MathSpans.readable("$$\n\\tau = r \\times F\n$$") == "$$ \nτ = r × F\n$$")
        #expect(MathSpans.readable("```\n$\\alpha$\n```") == "```\n$\\alpha$\n```")
    }

    @Test func snippetsAreCleanText() {
        let text = MarkdownText.readableText("""
        ## Heading
        - **Proportional:** reacts to $e(t)$ now
        1. Tune $K_p$ first
        > quoted
        $$ u(t) = K_p\\, e(t) $$
        | a | b |
        |---|---|
        | 1 | 2 |
        ```python
        code()
        ```
        """)
        #expect(text == "Proportional: reacts to e(t) now Tune Kₚ first quoted u(t) = Kₚ e(t) a, b 1, 2")
        #expect(!text.contains("\\") && !text.contains("- ") && !text.contains("$"))
    }
}

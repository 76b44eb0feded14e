import Foundation
@testable import PrimerCore
import XCTest

/// TeX → MathML Core: a table of formulas and their MathML, the formulas the converter refuses,
/// and robustness on cut-off and random input (nil or well-formed markup, never a crash).
final class MathMLTests: XCTestCase {
    /// TeX, display style, and the MathML inside `<math><semantics><mrow>` … `</mrow><annotation…>`.
    static let cases: [(tex: String, display: Bool, mathml: String)] = [
        (#"\frac{a}{b}"#, false, #"<mfrac><mi>a</mi><mi>b</mi></mfrac>"#),
        (#"\dfrac{1}{2} + \tfrac{1}{2}"#, true, #"<mstyle displaystyle="true"><mfrac><mn>1</mn><mn>2</mn></mfrac></mstyle><mo>+</mo><mstyle displaystyle="false"><mfrac><mn>1</mn><mn>2</mn></mfrac></mstyle>"#),
        (#"x_i^2 + x^{n+1} + a_{i_j}"#, false, #"<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup><mo>+</mo><msup><mi>x</mi><mrow><mi>n</mi><mo>+</mo><mn>1</mn></mrow></msup><mo>+</mo><msub><mi>a</mi><msub><mi>i</mi><mi>j</mi></msub></msub>"#),
        (#"\alpha + \beta\Gamma + \Omega + \varepsilon + \varphi + \vartheta + \varGamma"#, false, #"<mi>α</mi><mo>+</mo><mi>β</mi><mi mathvariant="normal">Γ</mi><mo>+</mo><mi mathvariant="normal">Ω</mi><mo>+</mo><mi>ε</mi><mo>+</mo><mi>φ</mi><mo>+</mo><mi>ϑ</mi><mo>+</mo><mi>Γ</mi>"#),
        (#"\dot{x} + \ddot{x} + \hat{x} + \vec{v} + \bar{x} + \tilde{x}"#, false, #"<mover accent="true"><mi>x</mi><mo stretchy="false">˙</mo></mover><mo>+</mo><mover accent="true"><mi>x</mi><mo stretchy="false">¨</mo></mover><mo>+</mo><mover accent="true"><mi>x</mi><mo stretchy="false">^</mo></mover><mo>+</mo><mover accent="true"><mi>v</mi><mo stretchy="false">→</mo></mover><mo>+</mo><mover accent="true"><mi>x</mi><mo stretchy="false">¯</mo></mover><mo>+</mo><mover accent="true"><mi>x</mi><mo stretchy="false">~</mo></mover>"#),
        (#"\overline{AB} + \underline{x}"#, false, #"<mover accent="true"><mrow><mi>A</mi><mi>B</mi></mrow><mo stretchy="true">‾</mo></mover><mo>+</mo><munder accentunder="true"><mi>x</mi><mo stretchy="true">_</mo></munder>"#),
        (#"\sqrt{x} + \sqrt[3]{x+1}"#, false, #"<msqrt><mi>x</mi></msqrt><mo>+</mo><mroot><mrow><mi>x</mi><mo>+</mo><mn>1</mn></mrow><mn>3</mn></mroot>"#),
        (#"\sum_{i=1}^{n} i^2"#, true, #"<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover><msup><mi>i</mi><mn>2</mn></msup>"#),
        (#"\sum_{i=1}^{n} i^2"#, false, #"<msubsup><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></msubsup><msup><mi>i</mi><mn>2</mn></msup>"#),
        (#"\sum\limits_{i} x_i"#, false, #"<munder><mo movablelimits="false">∑</mo><mi>i</mi></munder><msub><mi>x</mi><mi>i</mi></msub>"#),
        (#"\prod_{k} a_k"#, true, #"<munder><mo>∏</mo><mi>k</mi></munder><msub><mi>a</mi><mi>k</mi></msub>"#),
        (#"\int_0^\infty e^{-x}\,dx"#, true, #"<msubsup><mo>∫</mo><mn>0</mn><mi>∞</mi></msubsup><msup><mi>e</mi><mrow><mo>−</mo><mi>x</mi></mrow></msup><mspace width="0.1667em"></mspace><mi>d</mi><mi>x</mi>"#),
        (#"\int_0^1 f"#, false, #"<msubsup><mo>∫</mo><mn>0</mn><mn>1</mn></msubsup><mi>f</mi>"#),
        (#"\lim_{x \to 0} \frac{\sin x}{x}"#, true, #"<munder><mi>lim</mi><mrow><mi>x</mi><mo>→</mo><mn>0</mn></mrow></munder><mspace width="0.1667em"></mspace><mfrac><mrow><mi>sin</mi><mspace width="0.1667em"></mspace><mi>x</mi></mrow><mi>x</mi></mfrac>"#),
        (#"\lim_{n\to\infty} a_n"#, false, #"<msub><mi>lim</mi><mrow><mi>n</mi><mo>→</mo><mi>∞</mi></mrow></msub><mspace width="0.1667em"></mspace><msub><mi>a</mi><mi>n</mi></msub>"#),
        (#"\max_{i} x_i + \argmin_\theta L"#, true, #"<munder><mi>max</mi><mi>i</mi></munder><mspace width="0.1667em"></mspace><msub><mi>x</mi><mi>i</mi></msub><mo>+</mo><munder><mi>arg min</mi><mi>θ</mi></munder><mspace width="0.1667em"></mspace><mi>L</mi>"#),
        (#"\left( \frac{a}{b} \right)"#, false, #"<mrow><mo stretchy="true">(</mo><mfrac><mi>a</mi><mi>b</mi></mfrac><mo stretchy="true">)</mo></mrow>"#),
        (#"\left. \frac{df}{dx} \right|_{x=0}"#, false, #"<msub><mrow><mfrac><mrow><mi>d</mi><mi>f</mi></mrow><mrow><mi>d</mi><mi>x</mi></mrow></mfrac><mo stretchy="true">|</mo></mrow><mrow><mi>x</mi><mo>=</mo><mn>0</mn></mrow></msub>"#),
        (#"\left\{ x \middle| x > 0 \right\}"#, false, #"<mrow><mo stretchy="true">{</mo><mi>x</mi><mo stretchy="true" lspace="0.05em" rspace="0.05em">|</mo><mrow><mi>x</mi><mo>&gt;</mo><mn>0</mn></mrow><mo stretchy="true">}</mo></mrow>"#),
        (#"\bigl( x \bigr) \Big|"#, false, #"<mo minsize="1.2em" maxsize="1.2em" stretchy="true" symmetric="true" form="prefix">(</mo><mi>x</mi><mo minsize="1.2em" maxsize="1.2em" stretchy="true" symmetric="true" form="postfix">)</mo><mo minsize="1.623em" maxsize="1.623em" stretchy="true" symmetric="true" lspace="0" rspace="0">|</mo>"#),
        (#"\begin{pmatrix} a & b \\ c & d \end{pmatrix}"#, true, #"<mrow><mo stretchy="true">(</mo><mtable displaystyle="false"><mtr><mtd><mi>a</mi></mtd><mtd><mi>b</mi></mtd></mtr><mtr><mtd><mi>c</mi></mtd><mtd><mi>d</mi></mtd></mtr></mtable><mo stretchy="true">)</mo></mrow>"#),
        (#"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}"#, true, #"<mrow><mo stretchy="true">[</mo><mtable displaystyle="false"><mtr><mtd><mn>1</mn></mtd><mtd><mn>0</mn></mtd></mtr><mtr><mtd><mn>0</mn></mtd><mtd><mn>1</mn></mtd></mtr></mtable><mo stretchy="true">]</mo></mrow>"#),
        (#"\begin{matrix} x & y \end{matrix}"#, true, #"<mtable displaystyle="false"><mtr><mtd><mi>x</mi></mtd><mtd><mi>y</mi></mtd></mtr></mtable>"#),
        (#"\begin{vmatrix} a \end{vmatrix} \begin{Vmatrix} b \end{Vmatrix} \begin{Bmatrix} c \end{Bmatrix}"#, true, #"<mrow><mo stretchy="true">|</mo><mtable displaystyle="false"><mtr><mtd><mi>a</mi></mtd></mtr></mtable><mo stretchy="true">|</mo></mrow><mrow><mo stretchy="true">‖</mo><mtable displaystyle="false"><mtr><mtd><mi>b</mi></mtd></mtr></mtable><mo stretchy="true">‖</mo></mrow><mrow><mo stretchy="true">{</mo><mtable displaystyle="false"><mtr><mtd><mi>c</mi></mtd></mtr></mtable><mo stretchy="true">}</mo></mrow>"#),
        (#"\begin{aligned} f(x) &= x^2 \\ &+ x \end{aligned}"#, true, #"<mtable displaystyle="true" columnalign="right left" columnspacing="0em"><mtr><mtd style="text-align:right;padding-right:0"><mi>f</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo></mtd><mtd style="text-align:left;padding-left:0"><mo>=</mo><msup><mi>x</mi><mn>2</mn></msup></mtd></mtr><mtr><mtd style="text-align:right;padding-right:0"></mtd><mtd style="text-align:left;padding-left:0"><mo form="infix">+</mo><mi>x</mi></mtd></mtr></mtable>"#),
        (#"\begin{gathered} a \\ b \\ \end{gathered}"#, true, #"<mtable displaystyle="true"><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable>"#),
        (#"|x| = \begin{cases} x & \text{if } x \ge 0 \\ -x & \text{otherwise} \end{cases}"#, true, #"<mo stretchy="false" lspace="0" rspace="0">|</mo><mi>x</mi><mo stretchy="false" lspace="0" rspace="0">|</mo><mo>=</mo><mrow><mo stretchy="true">{</mo><mtable displaystyle="false" columnalign="left left"><mtr><mtd style="text-align:left"><mi>x</mi></mtd><mtd style="text-align:left"><mtext>if\#u{A0}</mtext><mi>x</mi><mo>≥</mo><mn>0</mn></mtd></mtr><mtr><mtd style="text-align:left"><mo>−</mo><mi>x</mi></mtd><mtd style="text-align:left"><mtext>otherwise</mtext></mtd></mtr></mtable></mrow>"#),
        (#"\begin{array}{l|r} 1 & 2 \end{array}"#, true, #"<mtable displaystyle="false" columnalign="left right"><mtr><mtd style="text-align:left;border-right:0.06em solid"><mn>1</mn></mtd><mtd style="text-align:right"><mn>2</mn></mtd></mtr></mtable>"#),
        (#"\text{speed } v"#, false, #"<mtext>speed\#u{A0}</mtext><mi>v</mi>"#),
        (#"\textbf{bold} \textrm{r}"#, false, #"<mtext style="font-weight:bold">bold</mtext><mtext>r</mtext>"#),
        (#"\mathbf{F} = m\mathbf{a}"#, false, #"<mi>𝐅</mi><mo>=</mo><mi>m</mi><mi>𝐚</mi>"#),
        (#"\mathrm{d}x + \mathrm{const}"#, false, #"<mi mathvariant="normal">d</mi><mi>x</mi><mo>+</mo><mi>const</mi>"#),
        (#"\mathbb{R}^n \subset \mathbb{C}"#, false, #"<msup><mi>ℝ</mi><mi>n</mi></msup><mo>⊂</mo><mi>ℂ</mi>"#),
        (#"\mathcal{L} + \boldsymbol{\mu} + \mathit{ab}"#, false, #"<mi>ℒ</mi><mo>+</mo><mi>𝝁</mi><mo>+</mo><mi>𝑎𝑏</mi>"#),
        (#"a \cdot b \times c \le d \leq e \ge f \neq g \approx h"#, false, #"<mi>a</mi><mo>⋅</mo><mi>b</mi><mo>×</mo><mi>c</mi><mo>≤</mo><mi>d</mi><mo>≤</mo><mi>e</mi><mo>≥</mo><mi>f</mi><mo>≠</mo><mi>g</mi><mo>≈</mo><mi>h</mi>"#),
        (#"x \to y \Rightarrow z \iff w \mapsto v \leftarrow u \implies t"#, false, #"<mi>x</mi><mo>→</mo><mi>y</mi><mo>⇒</mo><mi>z</mi><mo>⟺</mo><mi>w</mi><mo>↦</mo><mi>v</mi><mo>←</mo><mi>u</mi><mo>⟹</mo><mi>t</mi>"#),
        (#"a < b \& c > d"#, false, #"<mi>a</mi><mo>&lt;</mo><mi>b</mi><mi>&amp;</mi><mi>c</mi><mo>&gt;</mo><mi>d</mi>"#),
        (#"\text{x<y "z"}"#, false, #"<mtext>x&lt;y &quot;z&quot;</mtext>"#),
        (#"3.14 - 2 = 1.14"#, false, #"<mn>3.14</mn><mo>−</mo><mn>2</mn><mo>=</mo><mn>1.14</mn>"#),
        (#"-x + (-1) \cdot (\cdot)"#, false, #"<mo>−</mo><mi>x</mi><mo>+</mo><mo stretchy="false">(</mo><mo form="prefix">−</mo><mn>1</mn><mo stretchy="false">)</mo><mo>⋅</mo><mo stretchy="false">(</mo><mo lspace="0" rspace="0">⋅</mo><mo stretchy="false">)</mo>"#),
        (#"\sin\theta + \cos(x) + 2\log x"#, false, #"<mi>sin</mi><mspace width="0.1667em"></mspace><mi>θ</mi><mo>+</mo><mi>cos</mi><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo><mo>+</mo><mn>2</mn><mspace width="0.1667em"></mspace><mi>log</mi><mspace width="0.1667em"></mspace><mi>x</mi>"#),
        (#"\operatorname{atan2}(y, x)"#, false, #"<mi>atan2</mi><mo stretchy="false">(</mo><mi>y</mi><mo>,</mo><mi>x</mi><mo stretchy="false">)</mo>"#),
        (#"f'(x) + f''(x) + x^\prime + g'^2"#, false, #"<msup><mi>f</mi><mo>′</mo></msup><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo><mo>+</mo><msup><mi>f</mi><mo>″</mo></msup><mo stretchy="false">(</mo><mi>x</mi><mo stretchy="false">)</mo><mo>+</mo><msup><mi>x</mi><mo>′</mo></msup><mo>+</mo><msup><mi>g</mi><mrow><mo>′</mo><mn>2</mn></mrow></msup>"#),
        (#"a\,b\quad c\qquad d\!e\;f\:g\ h~i"#, false, #"<mi>a</mi><mspace width="0.1667em"></mspace><mi>b</mi><mspace width="1em"></mspace><mi>c</mi><mspace width="2em"></mspace><mi>d</mi><mspace width="-0.1667em"></mspace><mi>e</mi><mspace width="0.2778em"></mspace><mi>f</mi><mspace width="0.2222em"></mspace><mi>g</mi><mspace width="0.3333em"></mspace><mi>h</mi><mspace width="0.3333em"></mspace><mi>i</mi>"#),
        (##"\{ a \} \langle x \rangle \lfloor y \rfloor \lceil z \rceil \% \_ \#"##, false, #"<mo stretchy="false">{</mo><mi>a</mi><mo stretchy="false">}</mo><mo stretchy="false">⟨</mo><mi>x</mi><mo stretchy="false">⟩</mo><mo stretchy="false">⌊</mo><mi>y</mi><mo stretchy="false">⌋</mo><mo stretchy="false">⌈</mo><mi>z</mi><mo stretchy="false">⌉</mo><mi>%</mi><mi>_</mi><mi>#</mi>"#),
        (#"a + b % comment"#, false, #"<mi>a</mi><mo>+</mo><mi>b</mi>"#),
        (#"\infty \partial \nabla \ell \hbar \forall \exists \in \notin"#, false, #"<mi>∞</mi><mi>∂</mi><mi mathvariant="normal">∇</mi><mi>ℓ</mi><mi>ℏ</mi><mi>∀</mi><mi>∃</mi><mo>∈</mo><mo>∉</mo>"#),
        (#"a \pm b \mp c \div d \propto e \equiv f \sim g \simeq h \circ i \mid j \parallel k \perp l \angle m"#, false, #"<mi>a</mi><mo>±</mo><mi>b</mi><mo>∓</mo><mi>c</mi><mo>÷</mo><mi>d</mi><mo>∝</mo><mi>e</mi><mo>≡</mo><mi>f</mi><mo>∼</mo><mi>g</mi><mo>≃</mo><mi>h</mi><mo>∘</mo><mi>i</mi><mo>∣</mo><mi>j</mi><mo>∥</mo><mi>k</mi><mo>⊥</mo><mi>l</mi><mi>∠</mi><mi>m</mi>"#),
        (#"\ldots \cdots \dots \vdots \ddots"#, false, #"<mo>…</mo><mo>⋯</mo><mo>…</mo><mo>⋮</mo><mo>⋱</mo>"#),
        (#"90^\circ + 45\degree"#, false, #"<msup><mn>90</mn><mo>∘</mo></msup><mo>+</mo><mn>45</mn><mi>°</mi>"#),
        (#"\overbrace{a+b}^{2} + \underbrace{c}_{1}"#, false, #"<mover><mover><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mo stretchy="true">⏞</mo></mover><mn>2</mn></mover><mo>+</mo><munder><munder><mi>c</mi><mo stretchy="true">⏟</mo></munder><mn>1</mn></munder>"#),
        (#"\displaystyle \sum_{i} x"#, false, #"<mstyle displaystyle="true"><munder><mo>∑</mo><mi>i</mi></munder><mi>x</mi></mstyle>"#),
        (#"\not= \not\in"#, false, #"<mo>≠</mo><mo>∉</mo>"#),
        (#"\binom{n}{k}"#, false, #"<mrow><mo stretchy="true">(</mo><mfrac linethickness="0"><mi>n</mi><mi>k</mi></mfrac><mo stretchy="true">)</mo></mrow>"#),
        (#"A^\top + {}^{14}C + x^{2^{3}}"#, false, #"<msup><mi>A</mi><mi>⊤</mi></msup><mo>+</mo><msup><mrow></mrow><mn>14</mn></msup><mi>C</mi><mo>+</mo><msup><mi>x</mi><msup><mn>2</mn><mn>3</mn></msup></msup>"#),
        (#"\theta_1 = \operatorname{atan2}(y, x) - \operatorname{atan2}\!\left(l_2 \sin\theta_2,\; l_1 + l_2\cos\theta_2\right)."#, true, #"<msub><mi>θ</mi><mn>1</mn></msub><mo>=</mo><mi>atan2</mi><mo stretchy="false">(</mo><mi>y</mi><mo>,</mo><mi>x</mi><mo stretchy="false">)</mo><mo>−</mo><mi>atan2</mi><mspace width="-0.1667em"></mspace><mspace width="0.1667em"></mspace><mrow><mo stretchy="true">(</mo><mrow><msub><mi>l</mi><mn>2</mn></msub><mspace width="0.1667em"></mspace><mi>sin</mi><mspace width="0.1667em"></mspace><msub><mi>θ</mi><mn>2</mn></msub><mo>,</mo><mspace width="0.2778em"></mspace><msub><mi>l</mi><mn>1</mn></msub><mo>+</mo><msub><mi>l</mi><mn>2</mn></msub><mspace width="0.1667em"></mspace><mi>cos</mi><mspace width="0.1667em"></mspace><msub><mi>θ</mi><mn>2</mn></msub></mrow><mo stretchy="true">)</mo></mrow><mo lspace="0" rspace="0">.</mo>"#),
        (#"\min_\theta \; \frac{1}{N}\sum_{i=1}^{N} \left\lVert \pi_\theta(o_i) - a_i \right\rVert^2 ."#, true, #"<munder><mi>min</mi><mi>θ</mi></munder><mspace width="0.2778em"></mspace><mspace width="0.1667em"></mspace><mfrac><mn>1</mn><mi>N</mi></mfrac><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>N</mi></munderover><msup><mrow><mo stretchy="true">‖</mo><mrow><msub><mi>π</mi><mi>θ</mi></msub><mo stretchy="false">(</mo><msub><mi>o</mi><mi>i</mi></msub><mo stretchy="false">)</mo><mo>−</mo><msub><mi>a</mi><mi>i</mi></msub></mrow><mo stretchy="true">‖</mo></mrow><mn>2</mn></msup><mo lspace="0" rspace="0">.</mo>"#),
        (#"\tau_{out} = 0.8 \times 30 = 24 \text{ N·m}"#, true, #"<msub><mi>τ</mi><mrow><mi>o</mi><mi>u</mi><mi>t</mi></mrow></msub><mo>=</mo><mn>0.8</mn><mo>×</mo><mn>30</mn><mo>=</mo><mn>24</mn><mtext>\#u{A0}N·m</mtext>"#),
        (#"a \\ b"#, false, #"<mtable displaystyle="false"><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable>"#),
    ]

    /// Formulas the converter must refuse: unknown commands and unbalanced structure.
    static let refused = [
        #"\foo"#, #"x + \foo{y}"#, #"{x"#, #"x}"#, #"\frac{a}"#, #"\begin{pmatrix} a & b"#,
        #"\begin{pmatrix} a \end{bmatrix}"#, #"\end{aligned}"#, #"\left( x"#, #"x \right)"#, #"\middle| x"#,
        #"x^1^2"#, #"x_1_2"#, #"x^"#, #"\"#, #"a & b"#, #"\sqrt[3"#, #"\text{abc"#, #"$x$"#, #"\left\foo x \right."#,
        #"\begin{array}{cp} a \end{array}"#, "x\u{0}y",
    ]

    /// The MathML of `tex` without the `<math>`, `<semantics>`, top `<mrow>` and annotation around it.
    static func body(_ tex: String, display: Bool) -> String? {
        guard let markup = MathML.render(tex, display: display) else { return nil }
        let open = display ? #"<math display="block"><semantics><mrow>"# : "<math><semantics><mrow>"
        guard markup.hasPrefix(open), let end = markup.range(of: "</mrow><annotation", options: .backwards) else { return markup }
        return String(markup[markup.index(markup.startIndex, offsetBy: open.count)..<end.lowerBound])
    }

    /// Whether `markup` is one `<math>` element whose tags all close, in order (no self-closing tags).
    /// Scans scalars, as a browser does: a combining mark after `<` must not hide it.
    static func isWellFormed(_ markup: String) -> Bool {
        let scalars = Array(markup.unicodeScalars)
        guard markup.hasPrefix("<math"), markup.hasSuffix("</math>") else { return false }
        var open: [String] = []
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "<" else {
                i += 1
                continue
            }
            guard let end = scalars[i...].firstIndex(of: ">") else { return false }
            let tag = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
            if tag.hasPrefix("/") {
                guard open.popLast() == String(tag.dropFirst()) else { return false }
                if open.isEmpty, end != scalars.count - 1 { return false }
            } else {
                guard !tag.hasSuffix("/"), let name = tag.split(separator: " ").first else { return false }
                open.append(String(name))
            }
            i = end + 1
        }
        return open.isEmpty
    }

    func testTableOfFormulas() {
        XCTAssertGreaterThanOrEqual(Self.cases.count, 25)
        for (tex, display, mathml) in Self.cases {
            XCTAssertEqual(Self.body(tex, display: display), mathml, tex)
            XCTAssertEqual(MathML.unsupported(in: tex), [], tex)
        }
    }

    func testMathElementCarriesDisplayAndEscapedSource() {
        XCTAssertEqual(MathML.render("x", display: true),
                       #"<math display="block"><semantics><mrow><mi>x</mi></mrow><annotation encoding="application/x-tex">x</annotation></semantics></math>"#)
        XCTAssertEqual(MathML.render(" a<b \\& c ", display: false),
                       #"<math><semantics><mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi><mi>&amp;</mi><mi>c</mi></mrow><annotation encoding="application/x-tex">a&lt;b \&amp; c</annotation></semantics></math>"#)
    }

    func testMultiLineDisplayBlocksLikeTheBooks() {
        let tex = """
        \\hat{x}_{k|k-1} = F\\,\\hat{x}_{k-1|k-1} + B\\,u_k, \\qquad
        P_{k|k-1} = F\\,P_{k-1|k-1}\\,F^\\top + Q
        """
        let markup = MathML.render(tex, display: true)
        XCTAssertNotNil(markup)
        XCTAssert(markup?.contains("<msup><mi>F</mi><mi>⊤</mi></msup>") == true)
        XCTAssert(markup.map(Self.isWellFormed) == true)
    }

    func testRefusedFormulasAreNil() {
        for tex in Self.refused {
            XCTAssertNil(MathML.render(tex, display: true), tex)
            XCTAssertNil(MathML.render(tex, display: false), tex)
        }
    }

    func testUnsupportedListsUnknownCommandsAndEnvironmentsOnce() {
        XCTAssertEqual(MathML.unsupported(in: #"\foo + \bar{x} + \foo"#), [#"\foo"#])
        XCTAssertEqual(MathML.unsupported(in: #"\begin{tikzcd} a \\ b \end{tikzcd} \hline"#), [#"\begin{tikzcd}"#, #"\hline"#])
        XCTAssertEqual(MathML.unsupported(in: #"\text{\textsc{x}} + \alpha"#), [#"\textsc"#])
        XCTAssertEqual(MathML.unsupported(in: #"\frac{\foo}{"#), [#"\foo"#])
        XCTAssertEqual(MathML.unsupported(in: #"{x"#), [])
    }

    func testCommentsAndEscapedPercent() {
        XCTAssertEqual(Self.body("a % b\n+ c", display: false), "<mi>a</mi><mo>+</mo><mi>c</mi>")
        XCTAssertEqual(Self.body(#"50\% % rest"#, display: false), "<mn>50</mn><mi>%</mi>")
    }

    func testTruncatedFormulasGiveNilOrWellFormedMarkup() {
        for (tex, _, _) in Self.cases {
            let characters = Array(tex)
            for length in 0...characters.count {
                let prefix = String(characters[..<length])
                for display in [false, true] {
                    if let markup = MathML.render(prefix, display: display) {
                        XCTAssert(Self.isWellFormed(markup), "\(prefix) → \(markup)")
                    }
                }
                _ = MathML.unsupported(in: prefix)
            }
        }
    }

    func testRandomInputGivesNilOrWellFormedMarkup() {
        let pieces = [
            #"\frac"#, "{", "}", "x", "2", ".", "^", "_", "'", #"\left("#, #"\right)"#, #"\left."#, #"\middle|"#,
            #"\begin{pmatrix}"#, #"\end{pmatrix}"#, #"\begin{aligned}"#, #"\end{aligned}"#, #"\begin{array}{c|l}"#,
            #"\end{array}"#, #"\begin{cases}"#, #"\end{cases}"#, "&", #"\\"#, #"\sqrt"#, "[", "]", #"\text{"#,
            #"\sum"#, #"\int"#, #"\limits"#, #"\displaystyle"#, #"\mathbf"#, #"\mathbb"#, #"\operatorname"#, #"\not"#,
            #"\bigl"#, "<", ">", "\"", "%", "\n", " ", "\\", #"\alpha"#, #"\hat"#, #"\overbrace"#, #"\foo"#, "-", "+",
            #"\,"#, #"\!"#, "$", "#", "~", "é", "→", "\u{301}", #"\{"#, #"\}"#, #"\end"#, #"\begin"#,
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            let tex = (0..<(1 + next(30))).map { _ in pieces[next(pieces.count)] }.joined()
            for display in [false, true] {
                if let markup = MathML.render(tex, display: display) {
                    XCTAssert(Self.isWellFormed(markup), "\(tex) → \(markup)")
                }
            }
            _ = MathML.unsupported(in: tex)
        }
    }

    func testDeepNestingIsRefusedWithoutExhaustingTheStack() {
        let deep = [
            String(repeating: "{", count: 5000) + "x" + String(repeating: "}", count: 5000),
            String(repeating: #"\sqrt"#, count: 5000) + "x",
            String(repeating: #"\left("#, count: 3000) + "x" + String(repeating: #"\right)"#, count: 3000),
            String(repeating: #"\begin{pmatrix}"#, count: 3000),
            String(repeating: "x^{", count: 3000) + "x" + String(repeating: "}", count: 3000),
        ]
        for tex in deep {
            XCTAssertNil(MathML.render(tex, display: true))
            _ = MathML.unsupported(in: tex)
        }
        let nested = String(repeating: "{", count: 20) + "x" + String(repeating: "}", count: 20)
        XCTAssertEqual(Self.body(nested, display: false), "<mi>x</mi>")
    }
}

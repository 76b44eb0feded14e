/// A chapter adapted to a reader's level: blocks the server renders in order.
public struct AdaptedChapter: Sendable, Equatable {
    /// One piece of an adapted chapter.
    public enum Block: Sendable, Equatable {
        /// A "Key terms" box.
        case keyTerms([KeyTerm])
        /// Markdown shown as is.
        case markdown(String)
        /// Markdown collapsed (`<details>`) under `summary`, one click to open.
        case folded(summary: String, markdown: String)
    }

    /// The level the chapter was adapted for.
    public let level: SoftwareExperience
    /// The blocks, in reading order.
    public let blocks: [Block]

    /// An adapted chapter made of `blocks`.
    public init(level: SoftwareExperience, blocks: [Block]) {
        self.level = level
        self.blocks = blocks
    }
}

/// Deterministic, model-free "Personalise this chapter": rearranges a page for a reader's
/// level without losing anything. Every source line lands in exactly one `.markdown` or
/// `.folded` block, in order; the only additions are key-term blocks and, for advanced
/// readers, an "At a glance" copy of the chapter's formulas and code.
public enum ChapterAdapter {
    /// Headings that mark optional depth, folded for beginners.
    static let depthWords = ["advanced", "in depth", "under the hood", "derivation", "industrial", "mathematics", "the maths", "math", "proof", "optional"]
    /// Headings that mark introductory material, folded for advanced readers.
    static let introWords = ["introduction", "overview", "what is", "why", "basics", "the idea", "in plain words"]

    /// `page` adapted for `level`, using the book's `keyTerms` (from `KeyTerms.definitions(in:)`).
    /// - beginner: a key-terms box, then the chapter with code, display formulas and
    ///   depth sections ("Advanced …", "The maths", …) folded.
    /// - intermediate: the key terms as a folded list, then the chapter unchanged.
    /// - advanced: "At a glance" (every formula and code block, in order; left out when there
    ///   are none), then the chapter with its lead text and introductory `##` sections folded.
    /// Line endings are normalised to `\n`; an empty page gives no blocks.
    public static func adapt(_ page: BookPage, level: SoftwareExperience, keyTerms: [KeyTerm]) -> AdaptedChapter {
        guard !page.markdown.isEmpty else { return AdaptedChapter(level: level, blocks: []) }
        let outline = ChapterOutline(page.markdown)
        let terms = level == .advanced ? [] : KeyTerms.occurring(in: page, among: keyTerms)
        var blocks: [AdaptedChapter.Block] = []
        switch level {
        case .beginner:
            if !terms.isEmpty { blocks.append(.keyTerms(terms)) }
            blocks += outline.blocks(folding: beginnerFolds(outline))
        case .intermediate:
            if !terms.isEmpty {
                let list = terms.map { "- **\($0.term)**: \($0.definition)" }.joined(separator: "\n")
                blocks.append(.folded(summary: "Key terms in this chapter", markdown: list))
            }
            blocks.append(.markdown(outline.text(outline.lines.indices)))
        case .advanced:
            if let glance = atAGlance(outline, title: page.title) { blocks.append(.markdown(glance)) }
            blocks += outline.blocks(folding: advancedFolds(outline))
        }
        return AdaptedChapter(level: level, blocks: blocks)
    }

    /// Depth sections whole (with any code inside), then code blocks and formulas outside them.
    static func beginnerFolds(_ outline: ChapterOutline) -> [ChapterOutline.Fold] {
        var folds: [ChapterOutline.Fold] = []
        var covered = 0
        for heading in outline.headings where heading.index >= covered && heading.level >= 2
            && KeyTerms.containsAny(of: depthWords, in: heading.text) {
            let end = outline.sectionEnd(heading)
            folds.append(.init(range: outline.trimmed(heading.index..<end), summary: "More depth: \(heading.text)"))
            covered = end
        }
        let depth = folds.map(\.range)
        let loose = { (range: Range<Int>) in !depth.contains { $0.overlaps(range) } }
        folds += outline.code.filter { loose($0.range) }.map { ChapterOutline.Fold(range: $0.range, summary: "Code example (\($0.language))") }
        folds += outline.formulas.filter(loose).map { ChapterOutline.Fold(range: $0, summary: "Formula") }
        return folds.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The lead text under the `# Title` and the introductory `##` sections.
    static func advancedFolds(_ outline: ChapterOutline) -> [ChapterOutline.Fold] {
        var folds: [ChapterOutline.Fold] = []
        let hasTitle = outline.headings.first?.level == 1
        if let next = outline.headings.dropFirst(hasTitle ? 1 : 0).first {
            let lead = outline.trimmed((hasTitle ? outline.headings[0].index + 1 : 0)..<next.index)
            if !lead.isEmpty { folds.append(.init(range: lead, summary: "Introduction")) }
        }
        for heading in outline.headings where heading.level == 2 && KeyTerms.containsAny(of: introWords, in: heading.text) {
            folds.append(.init(range: outline.trimmed(heading.index..<outline.sectionEnd(heading)), summary: "Introductory: \(heading.text)"))
        }
        return folds
    }

    /// "## At a glance": every display formula and code block in order, each under
    /// "From *<section>*:"; nil when the chapter has neither.
    static func atAGlance(_ outline: ChapterOutline, title: String) -> String? {
        let items = (outline.code.map(\.range) + outline.formulas).sorted { $0.lowerBound < $1.lowerBound }
        guard !items.isEmpty else { return nil }
        var parts = ["## At a glance"]
        for range in items {
            let section = outline.headings.last { $0.index < range.lowerBound }?.text ?? title
            parts.append("From *\(section)*:")
            parts.append(outline.dedented(range))
        }
        return parts.joined(separator: "\n\n")
    }
}

/// A page's lines with its headings, fenced code blocks and display formulas (`$$ … $$`),
/// found once with `MarkdownLine` so that a `#` line inside a fence is never a heading.
struct ChapterOutline {
    /// A range of lines to collapse under `summary`.
    struct Fold {
        var range: Range<Int>
        var summary: String
    }

    let lines: [MarkdownLine]
    /// Line index, level and plain text (no `{#id}`) of each heading.
    private(set) var headings: [(index: Int, level: Int, text: String)] = []
    /// Each fenced block, fences included, with its language ("text" when none is given).
    private(set) var code: [(range: Range<Int>, language: String)] = []
    /// Each display formula, from its opening `$$` line to its closing one.
    private(set) var formulas: [Range<Int>] = []

    init(_ markdown: String) {
        lines = MarkdownLine.classify(markdown)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            switch line.kind {
            case let .heading(level, raw):
                headings.append((index, level, MarkdownText.plain(AnchorMaker.explicitID(in: raw).text)))
            case .fenceOpen:
                let close = lines[(index + 1)...].firstIndex { $0.kind == .fenceClose } ?? lines.count - 1
                code.append((index..<close + 1, Self.language(line.trimmed)))
                index = close
            case .text where line.trimmed.hasPrefix("$$"):
                if line.trimmed.dropFirst(2).contains("$$") {
                    formulas.append(index..<index + 1)
                } else if let close = lines[(index + 1)...].firstIndex(where: { $0.kind != .text || $0.trimmed.contains("$$") }),
                          lines[close].kind == .text {
                    formulas.append(index..<close + 1)
                    index = close
                }
            default:
                break
            }
            index += 1
        }
    }

    /// `python` for ```` ```python title="x" ````; `text` when the fence names no language.
    static func language(_ fence: String) -> String {
        let info = fence.drop { $0 == "`" || $0 == "~" }.drop { $0 == " " }
        let name = info.prefix { !$0.isWhitespace && $0 != "{" && $0 != "," }
        return name.isEmpty ? "text" : String(name)
    }

    /// Where a heading's section ends: at the next heading of the same or a higher level.
    func sectionEnd(_ heading: (index: Int, level: Int, text: String)) -> Int {
        headings.first { $0.index > heading.index && $0.level <= heading.level }?.index ?? lines.count
    }

    /// `range` without blank prose lines at either end.
    func trimmed(_ range: Range<Int>) -> Range<Int> {
        let blank = { (i: Int) in lines[i].kind == .text && lines[i].trimmed.isEmpty }
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, blank(lower) { lower += 1 }
        while upper > lower, blank(upper - 1) { upper -= 1 }
        return lower..<upper
    }

    /// The lines in `range` as written, joined with `\n`.
    func text(_ range: Range<Int>) -> String {
        lines[range].map(\.line).joined(separator: "\n")
    }

    /// The lines in `range` with their common indentation removed (for copies out of lists).
    func dedented(_ range: Range<Int>) -> String {
        func indentation(_ line: String) -> Int { line.prefix { $0 == " " || $0 == "\t" }.count }
        let indent = lines[range].filter { !$0.trimmed.isEmpty }.map { indentation($0.line) }.min() ?? 0
        return lines[range].map { String($0.line.dropFirst(min(indent, indentation($0.line)))) }.joined(separator: "\n")
    }

    /// Blocks covering every line once: each fold (sorted, disjoint) as `.folded`, the lines
    /// between folds as one `.markdown` block each.
    func blocks(folding folds: [Fold]) -> [AdaptedChapter.Block] {
        var blocks: [AdaptedChapter.Block] = []
        var next = 0
        for fold in folds where !fold.range.isEmpty {
            if next < fold.range.lowerBound { blocks.append(.markdown(text(next..<fold.range.lowerBound))) }
            blocks.append(.folded(summary: fold.summary, markdown: text(fold.range)))
            next = fold.range.upperBound
        }
        if next < lines.count { blocks.append(.markdown(text(next..<lines.count))) }
        return blocks
    }
}

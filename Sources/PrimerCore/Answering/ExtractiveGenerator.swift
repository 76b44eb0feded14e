/// The default generator, with no model: it composes the answer from the most relevant
/// sentences of the passages, verbatim, each followed by its citation marker `[n]`, so
/// every sentence of the answer appears in a cited passage. It follows the reader's profile:
/// beginners get the book's definitions of key terms first and no code unless they ask for
/// it; advanced readers also get formulas and code from the passages; interests break ties
/// between equally relevant sentences.
public struct ExtractiveGenerator: AnswerGenerator {
    /// Split and tokenised passages (book chunks recur across questions).
    private static let analysed = ChunkMemo<[Unit]>()
    public let name = "extractive"

    public init() {}

    /// A sentence, formula or code block of a passage.
    struct Unit: Equatable, Sendable {
        enum Kind: Sendable { case sentence, formula, code }
        let kind: Kind
        let text: String
        var passage: Int  // 0-based passage index
        let position: Int  // order within the passage
        let terms: TermKeys

        init(kind: Kind, text: String, passage: Int, position: Int) {
            self.kind = kind
            self.text = text
            self.passage = passage
            self.position = position
            self.terms = TermKeys(TextTokenizer.terms(text))
        }
    }

    /// `units(of:passage:)` of a passage's chunk, memoised by chunk id.
    static func cachedUnits(of chunk: BookChunk, passage: Int) -> [Unit] {
        let found = analysed.value(for: chunk) { Self.units(of: $0.text, passage: 0) }
        return passage == 0 ? found : found.map { var unit = $0; unit.passage = passage; return unit }
    }

    public func answer(_ request: AnswerRequest) -> AsyncThrowingStream<String, any Error> {
        let text = compose(request)
        let paragraphs = text.isEmpty ? [] : text.components(separatedBy: "\n\n")
        return AsyncThrowingStream { continuation in
            // Stream paragraph by paragraph; the pieces concatenate to the whole answer.
            for (index, paragraph) in paragraphs.enumerated() {
                continuation.yield(index == 0 ? paragraph : "\n\n" + paragraph)
            }
            continuation.finish()
        }
    }

    /// The whole answer, without streaming.
    public func complete(_ request: AnswerRequest) async throws -> String {
        compose(request)
    }

    /// The whole answer text.
    public func compose(_ request: AnswerRequest) -> String {
        let queryTerms = Set(TextTokenizer.terms(request.question))
        let queryKeys = TermKeys(queryTerms)
        let plan = ReadingPlan(profile: request.profile, questionTerms: queryTerms)
        let units = request.passages.enumerated().flatMap { Self.cachedUnits(of: $0.element.chunk, passage: $0.offset) }
        guard !units.isEmpty, !queryTerms.isEmpty || request.fromSelection else { return "" }

        let scored = units.map { unit in (unit, score(unit, queryKeys: queryKeys, plan: plan)) }
        var chosen: [Unit] = []
        // Beginners: the book's definition of the key term first.
        if plan.definitionsFirst, let definition = scored.filter({ $0.0.kind == .sentence && Self.isDefinition($0.0.text, of: queryTerms) })
            .max(by: { $0.1 < $1.1 })?.0 {
            chosen.append(definition)
        }
        let prose = scored.filter { $0.0.kind == .sentence && $0.1 > 0 && !chosen.contains($0.0) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : ($0.0.passage, $0.0.position) < ($1.0.passage, $1.0.position) }
        for (unit, _) in prose where chosen.count < plan.sentenceCount {
            // Skip near-repeats (a glossary entry and the chapter often say the same thing).
            if chosen.contains(where: { Self.similarity($0.terms, unit.terms) > 0.7 }) { continue }
            chosen.append(unit)
        }
        guard !chosen.isEmpty || request.fromSelection else { return "" }
        if chosen.isEmpty, let first = scored.first(where: { $0.0.kind == .sentence })?.0 { chosen.append(first) }

        // Keep the definition first, the rest in reading order.
        let head = plan.definitionsFirst ? Array(chosen.prefix(1)) : []
        let body = chosen.dropFirst(head.count).sorted { ($0.passage, $0.position) < ($1.passage, $1.position) }
        var lines = [(head + body).map { "\($0.text) [\($0.passage + 1)]" }.joined(separator: " ")]
        if plan.includeFormulas, let formula = scored.filter({ $0.0.kind == .formula && $0.1 > 0 }).max(by: { $0.1 < $1.1 })?.0 {
            lines.append("\(formula.text) [\(formula.passage + 1)]")
        }
        if plan.includeCode, let code = scored.filter({ $0.0.kind == .code && $0.1 > 0 }).max(by: { $0.1 < $1.1 })?.0 {
            lines.append("\(code.text)\n[\(code.passage + 1)]")
        }
        return lines.joined(separator: "\n\n")
    }

    /// Jaccard similarity of two sentences' terms.
    static func similarity(_ x: TermKeys, _ y: TermKeys) -> Double {
        guard !x.isEmpty || !y.isEmpty else { return 1 }
        let shared = x.sharedCount(with: y)
        return Double(shared) / Double(x.count + y.count - shared)
    }

    /// Relevance of a unit: matched query terms (rarer in the passages counts more), the
    /// passage's rank, and a small bonus for the reader's interests.
    func score(_ unit: Unit, queryKeys: TermKeys, plan: ReadingPlan) -> Double {
        let terms = unit.terms
        let matched = terms.sharedCount(with: queryKeys)
        if matched == 0 {
            // A formula or code block of a top passage illustrates it even without the words.
            return unit.kind != .sentence && unit.passage < 2 ? 1.0 / Double(unit.passage + 1) : 0
        }
        var score = Double(matched) / Double(max(queryKeys.count, 1)) * 10
        score += 2.0 / Double(unit.passage + 1)  // earlier passages ranked higher
        score -= Double(unit.position) * 0.05  // earlier sentences introduce the topic
        if plan.interestTerms.sharedCount(with: terms) > 0 { score += 0.5 }
        if unit.kind == .sentence, unit.text.count < 25 { score -= 3 }  // fragments
        return score
    }

    /// True for sentences like "A servo motor is a motor that …" that define a query term.
    static func isDefinition(_ sentence: String, of queryTerms: Set<String>) -> Bool {
        let lower = sentence.lowercased()
        guard let verb = [" is a ", " is an ", " is the ", " are ", " refers to ", " means "].compactMap({ lower.range(of: $0) }).first else {
            return false
        }
        let subject = Set(TextTokenizer.terms(String(sentence[..<verb.lowerBound])))
        return !subject.isEmpty && subject.count <= 6 && !subject.isDisjoint(with: queryTerms)
    }

    /// A list item's text without its `- `, `* ` or `1. ` marker (bold `**` after it is kept).
    static func withoutListMarker(_ item: String) -> String {
        if item.hasPrefix("- ") || item.hasPrefix("* ") { return String(item.dropFirst(2)).trimmingWhitespace() }
        let digits = item.prefix { $0.isNumber }
        if !digits.isEmpty, item.dropFirst(digits.count).hasPrefix(". ") { return String(item.dropFirst(digits.count + 2)).trimmingWhitespace() }
        return item
    }

    /// Splits a passage into sentences, display formulas and fenced code blocks.
    static func units(of text: String, passage: Int) -> [Unit] {
        var units: [Unit] = []
        var prose: [String] = []
        var block: [String] = []
        var inFormula = false
        func flushProse() {
            let paragraph = prose.joined(separator: " ").trimmingWhitespace()
            prose = []
            guard !paragraph.isEmpty else { return }
            for sentence in Sentences.split(paragraph) {
                let clean = sentence.trimmingWhitespace()
                guard clean.count > 1, !clean.hasPrefix("|"), !clean.hasPrefix("**Note") else { continue }
                let kind: Unit.Kind = clean.contains("$") ? .formula : .sentence
                units.append(Unit(kind: kind, text: clean, passage: passage, position: units.count))
            }
        }
        for classified in MarkdownLine.classify(text) {
            let line = classified.line, trimmed = classified.trimmed
            switch classified.kind {
            case .fenceOpen:
                flushProse()
                block = [line]
                continue
            case .code:
                block.append(line)
                continue
            case .fenceClose:
                block.append(line)
                units.append(Unit(kind: .code, text: block.joined(separator: "\n"), passage: passage, position: units.count))
                block = []
                continue
            case .text, .heading:
                break
            }
            if inFormula {
                block.append(line)
                if trimmed.hasSuffix("$$") {
                    inFormula = false
                    units.append(Unit(kind: .formula, text: block.joined(separator: "\n"), passage: passage, position: units.count))
                    block = []
                }
                continue
            }
            if trimmed.hasPrefix("$$") {
                flushProse()
                block = [line]
                if !(trimmed.count > 2 && trimmed.hasSuffix("$$")) { inFormula = true } else {
                    units.append(Unit(kind: .formula, text: line, passage: passage, position: units.count))
                    block = []
                }
            } else if trimmed.isEmpty || trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") || trimmed.first?.isNumber == true && trimmed.contains(". ") {
                // A blank line ends a paragraph; each list item stands alone.
                flushProse()
                if !trimmed.isEmpty {
                    prose = [Self.withoutListMarker(trimmed)]
                    flushProse()
                }
            } else {
                prose.append(trimmed)
            }
        }
        flushProse()
        return units
    }
}

/// How an answer is shaped for a reader: from the whole profile.
struct ReadingPlan {
    var definitionsFirst: Bool
    var includeCode: Bool
    var includeFormulas: Bool
    var sentenceCount: Int
    var interestTerms: TermKeys

    /// Terms (stemmed) of a question asking for code.
    static let codeTerms: Set<String> = ["code", "exampl", "python", "implement", "program", "script", "snippet"]

    init(profile: ReaderProfile?, questionTerms: Set<String>) {
        let asksForCode = !questionTerms.isDisjoint(with: Self.codeTerms)
        guard let profile else {
            self.init(definitionsFirst: false, includeCode: asksForCode, includeFormulas: false, sentenceCount: 4, interestTerms: TermKeys([]))
            return
        }
        let interests = TermKeys(profile.interests.flatMap { TextTokenizer.terms($0) })
        let codeFriendly = [ProgrammingBackground.intermediate, .advanced].contains(profile.programmingBackground ?? .none)
        switch profile.softwareExperience {
        case .beginner:
            self.init(definitionsFirst: true, includeCode: asksForCode, includeFormulas: false, sentenceCount: 3, interestTerms: interests)
        case .intermediate:
            self.init(definitionsFirst: false, includeCode: asksForCode || codeFriendly, includeFormulas: false, sentenceCount: 4, interestTerms: interests)
        case .advanced:
            self.init(definitionsFirst: false, includeCode: asksForCode || profile.programmingBackground != ProgrammingBackground.none,
                      includeFormulas: true, sentenceCount: 5, interestTerms: interests)
        }
    }

    init(definitionsFirst: Bool, includeCode: Bool, includeFormulas: Bool, sentenceCount: Int, interestTerms: TermKeys) {
        self.definitionsFirst = definitionsFirst
        self.includeCode = includeCode
        self.includeFormulas = includeFormulas
        self.sentenceCount = sentenceCount
        self.interestTerms = interestTerms
    }
}

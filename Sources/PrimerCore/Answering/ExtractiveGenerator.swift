import Foundation

/// The default generator, with no model: it answers with whole passages of the book, quoted
/// as the book writes them and cited `[n]` by passage number: a paragraph, a list with the
/// sentence that introduces it, a definition, a code block or formula with its lead-in.
///
/// It leads with what the question asks for (a definition for "what is", the explaining
/// passage for "how/why", both sides for "X vs Y", the steps for "how do I", the fix for a
/// problem), then adds at most two supporting passages about the same subject. Lead-ins never
/// lose their lists, a passage that opens with "This …" comes with the one it refers to,
/// repeated statements, exercise prompts and "next lesson" lines are left out. The reader's
/// profile and the question's instructions choose among the passages (see ``AnswerStyle``):
/// beginners get plain passages with examples and a "Key terms" line, advanced readers the
/// technical passage with its formulas and code; interests break ties.
///
/// Citation numbers follow the passages given; ``CitationNumbering`` renumbers them from [1]
/// and the cited passages become the answer's sources.
public struct ExtractiveGenerator: AnswerGenerator {
    /// Blocks of book chunks and what scoring needs of them, memoised (chunks recur across questions).
    private static let analysed = ChunkMemo<ChunkFacts>()
    public let name = "extractive"

    public init() {}

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

    /// The blocks of a chunk.
    static func blocks(of chunk: BookChunk) -> [PassageBlock] {
        facts(of: chunk).blocks.map(\.block)
    }

    /// The analysed blocks of a chunk.
    static func facts(of chunk: BookChunk) -> ChunkFacts {
        analysed.value(for: chunk) { ChunkFacts($0) }
    }

    /// The whole answer text (citations numbered by passage; empty when nothing relevant).
    public func compose(_ request: AnswerRequest) -> String {
        let intent = QuestionIntent(question: request.question)
        let style = AnswerStyle(profile: request.profile, intent: intent)
        if let selection = request.selection {
            return SelectionExplainer(request: request, intent: intent, style: style).explain(selection)
        }
        let terms = Self.queryTerms(QueryRewriter.retrievalQuery(intent.searchText, history: request.history))
        guard !terms.isEmpty, !request.passages.isEmpty else { return "" }
        var composer = AnswerComposer(request: request, intent: intent, style: style, terms: terms)
        let answer = composer.compose()
        guard !answer.isEmpty, let missing = Self.missingAskedForm(intent, passages: request.passages) else { return answer }
        return missing + "\n\n" + answer
    }

    /// "The book gives no formula for this …" when the reader asked for a formula (or code) and
    /// none of the passages has one: said first, so the answer never pretends to be what was asked.
    static func missingAskedForm(_ intent: QuestionIntent, passages: [SourcePassage]) -> String? {
        let kinds = Set(passages.flatMap { blocks(of: $0.chunk).map(\.kind) })
        if intent.wantsFormula, !kinds.contains(.formula), !passages.contains(where: { $0.chunk.text.contains("$") }) {
            return "The book gives no formula for this; here is what it says."
        }
        if intent.wantsCode, !kinds.contains(.code) {
            return "The book shows no code for this; here is what it says."
        }
        return nil
    }

    /// Distinct search terms of a question (stemmed, stop words removed).
    static func queryTerms(_ text: String) -> [String] {
        var seen = Set<String>()
        return TextTokenizer.terms(text).filter { seen.insert($0).inserted }
    }
}

/// What answering needs to know of one block, worked out once per chunk text.
struct BlockFacts: Sendable {
    let block: PassageBlock
    let terms: Set<String>
    /// The block as plain lowercase text.
    let lower: String
    let grade: Double?
    /// Gives an example or an analogy ("for example", "imagine", "think of" …).
    let givesExample: Bool
    /// Opens by pointing elsewhere ("This …").
    let opensByReferring: Bool
    /// States what the reader will learn ("By the end of this guide, you will: …"), not the subject itself.
    let statesObjectives: Bool
    /// Could be quoted, judged on its own (not navigation, an exercise prompt, data, a label or an orphan lead-in).
    let quotable: Bool
    /// Can stand before a block that refers back to it.
    let usableAsContext: Bool
    /// Terms of what its first sentence defines ("A servo motor is …" → servo, motor), if it defines something.
    let definedSubject: Set<String>?
    /// Term sets of its sentences (for spotting the same statement twice).
    let sentenceKeys: [Set<String>]
    let words: Int

    init(_ block: PassageBlock) {
        self.block = block
        terms = Set(TextTokenizer.terms(block.markdown))
        let plain = MarkdownText.plain(block.markdown)
        lower = plain.lowercased()
        grade = ReadingGrade.of(block.prose)
        givesExample = lower.containsAnyPhrase(AnswerComposer.exampleMarkers)
        opensByReferring = AnswerComposer.opensByReferring(block)
        statesObjectives = MarkdownText.plain(block.lead ?? block.body).lowercased().containsAnyPhrase(AnswerComposer.objectiveMarkers)
        words = plain.split(whereSeparator: { $0.isWhitespace }).count
        sentenceKeys = Sentences.split(MarkdownText.plain(block.prose)).map { Set(TextTokenizer.terms($0)) }.filter { $0.count >= 3 }
        let navigation = AnswerComposer.isNavigation(block.prose)
        var quotable = !block.isOrphanLead && !navigation && !AnswerComposer.isExercisePrompt(block.lead ?? block.body)
        if block.kind != .code, block.kind != .formula, block.isDataLike { quotable = false }
        switch block.kind {
        case .paragraph:
            let count = block.body.split(separator: " ").count
            if count < 6 || (block.body.hasPrefix("**") && block.body.hasSuffix("**") && count < 12) { quotable = false }  // a label
        case .list, .table:
            if PassageBlocks.listItems(block.body).isEmpty { quotable = false }
        case .code, .formula:
            break
        }
        self.quotable = quotable
        usableAsContext = (block.kind == .paragraph || block.kind == .list) && !block.isOrphanLead && !opensByReferring && !navigation
        definedSubject = AnswerComposer.definedSubject(block.prose)
    }
}

/// A chunk's blocks and what its headings say, worked out once per chunk text.
struct ChunkFacts: Sendable {
    let blocks: [BlockFacts]
    let headingTerms: Set<String>
    let headingsLower: String
    let inExercise: Bool
    let isRecap: Bool
    /// Under a heading such as "Learning objectives" or "What you'll learn".
    let isObjectives: Bool
    /// Under a heading such as "Advanced note: …", "Going deeper", "Optional: …".
    let isAdvancedAside: Bool
    let headingExample: Bool

    init(_ chunk: BookChunk) {
        blocks = PassageBlocks.split(chunk.text).map(BlockFacts.init)
        headingTerms = Set(TextTokenizer.terms(chunk.headings.joined(separator: " ")))
        headingsLower = chunk.headings.joined(separator: " ").lowercased()
        inExercise = AnswerComposer.inExercise(chunk)
        isRecap = AnswerComposer.recapHeadings.contains(where: chunk.section.lowercased().contains)
        // Its own heading, not a parent's: "Advanced note" under "Examples in robots" is no example.
        let own = chunk.section.lowercased()
        headingExample = own.contains("example") || own.contains("analogy")
        isAdvancedAside = own.containsAnyPhrase(AnswerComposer.advancedHeadings)
        isObjectives = own.containsAnyPhrase(AnswerComposer.objectiveMarkers) || own.hasSuffix("objectives")
    }
}

/// One candidate for the answer: a block of a passage, with what scoring needs.
struct Candidate {
    let passage: Int
    let facts: BlockFacts
    /// The block before it in the same passage (what an opening "This …" refers to).
    let previousFacts: BlockFacts?
    let chunk: BookChunk
    let chunkFacts: ChunkFacts

    var block: PassageBlock { facts.block }
    var previous: PassageBlock? { previousFacts?.block }
    var terms: Set<String> { facts.terms }
    var headingTerms: Set<String> { chunkFacts.headingTerms }
    var citation: String { "[\(passage + 1)]" }
}

/// Chooses and assembles the passages of one extractive answer.
struct AnswerComposer {
    let request: AnswerRequest
    let intent: QuestionIntent
    let style: AnswerStyle
    let terms: [String]
    private(set) var candidates: [Candidate] = []
    private var weights: [String: Double] = [:]
    private let scores: [Double]

    init(request: AnswerRequest, intent: QuestionIntent, style: AnswerStyle, terms: [String]) {
        self.request = request
        self.intent = intent
        self.style = style
        self.terms = terms
        scores = request.passages.map(\.score)
        for (index, passage) in request.passages.enumerated() {
            let facts = ExtractiveGenerator.facts(of: passage.chunk)
            for (position, block) in facts.blocks.enumerated() {
                candidates.append(Candidate(
                    passage: index, facts: block, previousFacts: position > 0 ? facts.blocks[position - 1] : nil, chunk: passage.chunk,
                    chunkFacts: facts))
            }
        }
        // Rarer terms among the candidates weigh more.
        let count = Double(max(candidates.count, 1))
        for term in terms {
            let frequency = Double(candidates.filter { $0.terms.contains(term) }.count)
            weights[term] = log(1 + count / (frequency + 0.5))
        }
    }

    var totalWeight: Double { max(terms.reduce(0) { $0 + (weights[$1] ?? 0) }, 0.0001) }

    /// Share of the question's term weight a candidate's own text holds, and its section's headings.
    func relevance(_ candidate: Candidate) -> (body: Double, heading: Double) {
        var body = 0.0, heading = 0.0
        for term in terms {
            let weight = weights[term] ?? 0
            if candidate.terms.contains(term) { body += weight } else if candidate.headingTerms.contains(term) { heading += weight }
        }
        return (body / totalWeight, heading / totalWeight)
    }

    // MARK: - What is never an answer

    /// Headings of exercises: containing "exercise" or "quiz", or starting with one of the others.
    static let exerciseWords = ["exercise", "quiz"]
    static let exerciseHeadings = ["challenge", "assignment", "homework", "practice problem", "try it", "try this", "your turn",
                                   "self-check", "self check", "review question", "check your understanding", "knowledge check", "lab "]
    static let navigation = ["next lesson", "next chapter", "next section", "next page", "next module", "next:", "previous:", "continue to",
                             "coming up", "in the next", "up next", "what's next", "we'll explore", "we will explore", "let's move on",
                             "proceed to", "move on to", "head over to"]
    static let exercisePrompts = ["exercise", "task:", "your task", "try this", "challenge:", "implement a", "write a ", "modify the",
                                  "create a ", "build a ", "extend the"]
    /// Openings that point at text the reader may not see.
    static let referringOpenings = ["this ", "these ", "that ", "those ", "it ", "its ", "they ", "their ", "such ", "here ", "here's",
                                    "above", "the above", "below", "the following", "as shown", "as mentioned", "as we saw",
                                    "similarly", "however", "but ", "also", "therefore", "thus", "in addition", "additionally",
                                    "furthermore", "moreover", "then ", "instead", "otherwise", "likewise", "in this case",
                                    "the class above", "the code above", "the function above", "in contrast", "on the other hand"]

    static func inExercise(_ chunk: BookChunk) -> Bool {
        chunk.headings.contains { heading in
            let lower = heading.lowercased()
            return exerciseWords.contains { lower.contains($0) } || exerciseHeadings.contains { lower.hasPrefix($0) }
        }
    }

    static func isNavigation(_ text: String) -> Bool {
        let lower = text.lowercased()
        return navigation.contains { lower.contains($0) } && lower.count < 400
    }

    static func isExercisePrompt(_ text: String) -> Bool {
        let lower = MarkdownText.plain(text).lowercased()
        return exercisePrompts.contains { lower.hasPrefix($0) }
    }

    /// Whether a text opens by pointing elsewhere ("This …", "The class above …").
    static func refersElsewhere(_ text: String) -> Bool {
        let plain = MarkdownText.plain(text).trimmingWhitespace()
        if let first = plain.first, first.isLowercase, first.isLetter { return true }  // cut mid-sentence
        let lower = plain.lowercased()
        return referringOpenings.contains { lower.hasPrefix($0) }
    }

    /// Whether a block's first words point elsewhere (a code block or formula without a lead-in does not).
    static func opensByReferring(_ block: PassageBlock) -> Bool {
        if let lead = block.lead { return refersElsewhere(lead) }
        return block.kind != .code && block.kind != .formula && refersElsewhere(block.body)
    }

    /// Whether a candidate may appear in an answer at all.
    func eligible(_ candidate: Candidate) -> Bool {
        guard !candidate.chunkFacts.inExercise, candidate.facts.quotable else { return false }
        // What a chapter will teach answers only a question about the course.
        if candidate.facts.statesObjectives || candidate.chunkFacts.isObjectives, !intent.aboutCourse { return false }
        // An opening that refers back needs the block before it.
        return !candidate.facts.opensByReferring || candidate.previousFacts?.usableAsContext == true
    }

    // MARK: - Scoring

    static let exampleMarkers = ["for example", "e.g.", "imagine", "think of", "like a ", "like an ", "just as", "analogy", "similar to",
                                 "for instance", "everyday", "picture ", "in the same way", "consider "]
    static let explainMarkers = ["because", "so that", "this means", "which means", "works by", "allows", "in order to", "enables",
                                 "the reason", "that's why", "so the", "lets "]
    static let fixMarkers = ["solution", "fix", "make sure", "check", "try ", "instead", "source ", "run ", "install", "restart",
                             "set ", "ensure", "verify"]
    static let troubleHeadings = ["troubleshoot", "issue", "problem", "error", "fix", "solution", "common mistake", "pitfall", "debug", "faq"]

    /// What showing a code block or formula costs when the question and the reader don't call for it.
    func blockPenalty(_ block: PassageBlock) -> Double {
        switch block.kind {
        case .code:
            if intent.wantsCode || intent.asksHowOrFix { return 0 }
            return style.includeCode ? 2 : 4
        case .formula:
            return intent.wantsFormula ? 0 : style.includeFormulas ? 2 : 4
        default:
            return 0
        }
    }

    /// How much the passage's retrieval rank counts (rank 1 gets all of it, rank 2 half …).
    static let rankWeight = 12.0
    /// Sections written for readers who want more than the basics.
    static let advancedHeadings = ["advanced", "going deeper", "deep dive", "going further", "beyond", "optional", "for experts", "under the hood"]
    /// What a chapter's learning objectives open with: they list what the reader will learn,
    /// so they answer only a question about the course.
    static let objectiveMarkers = ["learning objectives", "learning outcomes", "what you'll learn", "what you will learn",
                                   "by the end of this", "you will learn", "you'll learn", "in this chapter, you will",
                                   "in this chapter you will", "you will be able to", "you'll be able to"]
    /// Sections that repeat what the chapter said in detail.
    static let recapHeadings = ["summary", "takeaway", "recap", "next step", "conclusion", "what's next", "review"]

    /// The weight of a passage's retrieval rank: full for the top passage and any scored within
    /// 3% of it, then falling with the rank.
    func prior(_ passage: Int) -> Double {
        guard let top = scores.first, scores.indices.contains(passage) else { return 0 }
        if top > 0, scores[passage] >= top * 0.97 { return Self.rankWeight }
        return Self.rankWeight / Double(passage + 1)
    }

    func score(_ candidate: Candidate) -> Double {
        let block = candidate.block
        let (body, heading) = relevance(candidate)
        var score = body * 10 + min(heading, 1) * 3
        // The retriever's order (dense and lexical evidence together) outranks word overlap;
        // passages it scored alike count alike (then interests and wording choose).
        score += prior(candidate.passage)
        score -= Double(block.position) * 0.08
        if candidate.chunkFacts.isRecap { score -= 1.5 }
        let lower = candidate.facts.lower
        let headings = candidate.chunkFacts.headingsLower
        switch intent.kind {
        case .definition:
            if let subject = candidate.facts.definedSubject, !subject.isDisjoint(with: terms) { score += 3 }
        case .procedure:
            if block.kind == .list { score += block.body.first?.isNumber == true ? 2 : 1 }
            if block.kind == .code, style.includeCode || intent.wantsCode { score += 1 }
        case .troubleshooting:
            if headings.containsAnyPhrase(Self.troubleHeadings) { score += 1.5 }
            if lower.containsAnyPhrase(Self.fixMarkers) { score += 0.5 }
        case .comparison:
            let sides = intent.compared.map { Set(TextTokenizer.terms($0)) }.filter { !$0.isEmpty }
            let covered = sides.filter { !$0.isDisjoint(with: candidate.terms) }.count
            score += covered >= 2 ? 2 : covered == 1 ? 0.5 : 0
        case .explanation:
            if block.kind == .paragraph, lower.containsAnyPhrase(Self.explainMarkers) { score += 0.5 }
        case .general:
            break
        }
        if isExample(candidate) {
            // Examples and analogies for beginners and when asked; advanced readers get less introduction.
            if style.preferExamples { score += intent.wantsExample ? 2 : 1 } else if style.level == .advanced { score -= 1.5 }
        }
        if let grade = candidate.facts.grade, candidate.facts.words >= 25 {  // a grade of a few words means little
            switch style.level {
            case .beginner: score -= 0.4 * max(0, grade - 8)
            case .advanced: score += 0.35 * min(max(grade - 10, -4), 7)
            case .general: break
            }
        }
        if style.level == .advanced, block.body.contains("$") || block.body.contains("`") { score += 0.5 }
        if !style.interestTerms.isEmpty, !style.interestTerms.isDisjoint(with: candidate.terms) { score += 1.2 }
        return score
    }

    /// What the first sentence of `text` defines, for sentences like "A servo motor is a motor
    /// that …" (the terms before the verb, at most six); nil when it defines nothing.
    static func definedSubject(_ text: String) -> Set<String>? {
        let sentence = Sentences.split(MarkdownText.plain(text)).first ?? ""
        let lower = sentence.lowercased()
        let verbs = [" is a ", " is an ", " is the ", " are ", " refers to ", " means ", " is ", ": "]
        guard let verb = verbs.compactMap({ lower.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) else { return nil }
        let subject = Set(TextTokenizer.terms(String(sentence[..<verb.lowerBound])))
        return !subject.isEmpty && subject.count <= 6 ? subject : nil
    }

    // MARK: - Composition

    /// Words of prose a block adds.
    static func wordCount(_ text: String) -> Int {
        // Markup marks don't make words, and spaces, tabs and newlines separate them (counted on UTF-8 bytes).
        var count = 0, inWord = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !space && !inWord && byte != UInt8(ascii: "*") && byte != UInt8(ascii: "`") { count += 1 }
            inWord = !space && (inWord || (byte != UInt8(ascii: "*") && byte != UInt8(ascii: "`")))
        }
        return count
    }

    mutating func compose() -> String {
        let usable = candidates.filter(eligible)
        // Prose first; code and formulas of the top passages too (when the book's answer is a
        // command or a diagram), behind prose unless asked for.
        let pool = usable.filter { $0.block.kind == .paragraph || $0.block.kind == .list || $0.block.kind == .table
            || (($0.block.kind == .code || $0.block.kind == .formula) && $0.passage < 2) }
        let scored = pool.map { ($0, score($0) - blockPenalty($0.block)) }.filter { $0.0.passage == 0 || relevance($0.0).body > 0 || relevance($0.0).heading > 0.34 }
            .sorted { $0.1 > $1.1 }
        // A code block or formula leads only for a reader or a question that wants it, or when
        // the passages have no prose that could.
        guard let lead = (scored.first { welcome($0.0.block) } ?? scored.first)?.0 else { return "" }
        let leadRelevance = relevance(lead).body + relevance(lead).heading * 0.3
        // The subject: the weightiest question term the lead holds.
        let subject = terms.filter { lead.terms.contains($0) || lead.headingTerms.contains($0) }
            .max { (weights[$0] ?? 0) < (weights[$1] ?? 0) }

        var chosen: [Candidate] = [lead]
        var words = lead.facts.words
        var seenSentences = lead.facts.sentenceKeys
        let sides = intent.compared.map { Set(TextTokenizer.terms($0)) }.filter { !$0.isEmpty }
        for (candidate, candidateScore) in scored.dropFirst() {
            if chosen.count > style.supportingPassages || words >= style.wordBudget { break }
            if chosen.contains(where: { $0.passage == candidate.passage && $0.block.position == candidate.block.position }) { continue }
            // Code and formulas come only as the extras below (or as the lead when there is no prose).
            if candidate.block.kind == .code || candidate.block.kind == .formula { continue }
            let rel = relevance(candidate)
            let missingSide = sides.count >= 2 && sides.contains { side in
                chosen.allSatisfy { side.isDisjoint(with: $0.terms) } && !side.isDisjoint(with: candidate.terms)
            }
            let bar = style.level == .advanced ? 0.45 : 0.55
            guard missingSide || (candidateScore >= scored[0].1 * bar && rel.body + rel.heading * 0.3 >= leadRelevance * 0.5) else { continue }
            if let subject, !candidate.terms.contains(subject), !candidate.headingTerms.contains(subject), !missingSide { continue }
            // Beginners get no "advanced note" or "going deeper" sections beside the answer.
            if style.level == .beginner, candidate.chunkFacts.isAdvancedAside { continue }
            let keys = candidate.facts.sentenceKeys
            if keys.contains(where: { key in seenSentences.contains { Self.similarity($0, key) > 0.6 } }) { continue }
            let size = candidate.facts.words
            if words + size > style.wordBudget * 2, !missingSide { continue }
            chosen.append(candidate)
            seenSentences += keys
            words += size
        }

        // Too short to teach (a bare list, one sentence): the blocks around the lead in its own
        // section say more about the same thing.
        var neighbourOffset = 1
        while words < style.minimumWords, neighbourOffset <= 3 {
            for position in [lead.block.position + neighbourOffset, lead.block.position - neighbourOffset] {
                guard words < style.minimumWords,
                      let neighbour = candidates.first(where: { $0.passage == lead.passage && $0.block.position == position }),
                      neighbour.block.kind != .code || style.includeCode || (intent.asksHowOrFix && welcome(neighbour.block)),
                      neighbour.block.kind != .formula || style.includeFormulas,
                      eligible(neighbour), !chosen.contains(where: { $0.passage == neighbour.passage && $0.block.position == position }),
                      !neighbour.facts.sentenceKeys.contains(where: { key in seenSentences.contains { Self.similarity($0, key) > 0.6 } })
                else { continue }
                chosen.append(neighbour)
                seenSentences += neighbour.facts.sentenceKeys
                words += neighbour.facts.words
            }
            neighbourOffset += 1
        }

        // A beginner also gets the book's example or analogy of it, when one is at hand.
        if style.preferExamples, !chosen.contains(where: isExample), let example = scored.first(where: { candidate, _ in
            isExample(candidate) && candidate.block.kind != .code && !candidate.chunkFacts.isAdvancedAside
                && !chosen.contains { $0.passage == candidate.passage && $0.block.position == candidate.block.position }
                && (subject.map { candidate.terms.contains($0) || candidate.headingTerms.contains($0) } ?? true)
                && !candidate.facts.sentenceKeys.contains { key in seenSentences.contains { Self.similarity($0, key) > 0.6 } }
        })?.0 {
            chosen.append(example)
        }
        // Steps are shown as the book lists them: for "how do I …", the blocks of each passage in
        // book order (passages in the order the answer first uses them).
        if intent.kind == .procedure {
            let firstUse = Dictionary(chosen.enumerated().map { ($0.element.passage, $0.offset) }, uniquingKeysWith: min)
            chosen.sort { (firstUse[$0.passage]!, $0.block.position) < (firstUse[$1.passage]!, $1.block.position) }
        }
        var parts: [String] = []
        var previous: Candidate?
        for item in arranged(chosen) {
            // A list right after another block of its own chunk needs no heading to say what it lists.
            let continues = previous.map { $0.chunk.id == item.candidate.chunk.id && $0.block.position < item.candidate.block.position } ?? false
            parts.append(render(item.candidate, budget: style.wordBudget, withPrevious: item.withPrevious, continuesPrevious: continues))
            previous = item.candidate
        }
        if style.includeCode, !chosen.contains(where: { $0.block.kind == .code }), let code = bestExtra(.code, near: chosen) {
            parts.append(render(code, budget: 0))
        }
        if style.includeFormulas, !chosen.contains(where: { $0.block.kind == .formula }), let formula = bestExtra(.formula, near: chosen) {
            parts.append(render(formula, budget: 0))
        }
        if let keyTerms = keyTermsLine(for: parts.joined(separator: "\n\n")) { parts.append(keyTerms) }
        return parts.joined(separator: "\n\n")
    }

    /// Whether `block` may lead the answer for this reader and question: prose always; code
    /// unless the reader said they are a beginner or don't program (then only for a question
    /// that asks for code, or a few commands for steps or a fix, never a whole program); a
    /// formula unless the reader is a beginner who didn't ask for one.
    func welcome(_ block: PassageBlock) -> Bool {
        switch block.kind {
        case .code: !style.avoidsCode || (intent.asksHowOrFix && Self.isCommands(block))
        case .formula: !style.avoidsFormulas
        case .paragraph, .list, .table: true
        }
    }

    /// A few lines to type (commands, a setting), not a program: what a reader who doesn't
    /// program can still follow as a step or a fix.
    static func isCommands(_ block: PassageBlock) -> Bool {
        block.body.split(separator: "\n").filter { !$0.trimmingWhitespace().isEmpty && !$0.hasPrefix("```") }.count <= 8
    }

    /// Whether a candidate gives an example or an analogy.
    func isExample(_ candidate: Candidate) -> Bool {
        candidate.facts.givesExample || candidate.chunkFacts.headingExample
    }

    /// The best code block or formula from the passages the answer uses (or the top passage).
    func bestExtra(_ kind: PassageBlock.Kind, near chosen: [Candidate]) -> Candidate? {
        let passages = Set(chosen.map(\.passage) + [0])
        let used = Set(chosen.map(\.passage))
        return candidates.filter { $0.block.kind == kind && passages.contains($0.passage) && eligible($0) }
            .map { ($0, relevance($0).body * 10 + 1.0 / Double($0.passage + 1) + (used.contains($0.passage) ? 1 : 0)) }
            .filter { $0.1 > 0.6 }
            .max { $0.1 < $1.1 }?.0
    }

    static func similarity(_ a: Set<String>, _ b: Set<String>) -> Double {
        let union = a.union(b).count
        return union == 0 ? 1 : Double(a.intersection(b).count) / Double(union)
    }

    /// A candidate as answer Markdown with its citation, the block it refers to put first, long
    /// paragraphs cut to whole sentences within `budget` words (0: no cut).
    /// The chosen blocks in answer order: a block that refers back follows the block before it
    /// when that one was chosen too (then it needs no copy of it); otherwise it brings it along.
    /// A block already brought along by the next one is not repeated.
    func arranged(_ chosen: [Candidate]) -> [(candidate: Candidate, withPrevious: Bool)] {
        func same(_ a: Candidate, _ passage: Int, _ position: Int) -> Bool { a.passage == passage && a.block.position == position }
        var result: [(candidate: Candidate, withPrevious: Bool)] = []
        for candidate in chosen {
            let refers = candidate.facts.opensByReferring && candidate.previous != nil
            let position = candidate.block.position
            if result.contains(where: { same($0.candidate, candidate.passage, position) || ($0.withPrevious && same($0.candidate, candidate.passage, position + 1)) }) {
                continue  // already shown (itself, or as the block the next one refers to)
            }
            if refers, let index = result.firstIndex(where: { same($0.candidate, candidate.passage, position - 1) }) {
                result.insert((candidate, false), at: index + 1)
            } else if let index = result.firstIndex(where: { same($0.candidate, candidate.passage, position + 1) && $0.candidate.facts.opensByReferring }) {
                result[index].withPrevious = false
                result.insert((candidate, false), at: index)
            } else {
                result.append((candidate, refers))
            }
        }
        return result
    }

    func render(_ candidate: Candidate, budget: Int, withPrevious: Bool = true, continuesPrevious: Bool = false) -> String {
        let block = candidate.block
        var prefix = ""
        if withPrevious, candidate.facts.opensByReferring, let previous = candidate.previous {
            prefix = (previous.kind == .list ? previous.markdown : trimmed(previous.body, budget: 60, keepEnd: true)) + "\n\n"
            if previous.kind == .paragraph { prefix = trimmed(previous.body, budget: 60, keepEnd: true) + " " }
        }
        let cite = candidate.citation
        switch block.kind {
        case .paragraph:
            let body = Self.withoutPointers(block.body)
            let text = budget > 0 ? trimmed(body, budget: budget, keepEnd: false) : body
            return prefix + text + " " + cite
        case .list, .table:
            var lines = block.body.split(separator: "\n").map(String.init)
            // A step's command or file (code nested under its item) is shown to readers who may
            // see code, and for steps and fixes; otherwise it goes, and so does the colon that
            // announced it.
            lines = Self.listLines(lines, keepingCode: !style.avoidsCode || intent.asksHowOrFix)
            // A beginner who names rows of a table ("the Jetson AGX Orin compared with an A100")
            // gets those rows; the others are named after them.
            var otherRows: [String] = []
            if block.kind == .table, style.level == .beginner, let named = Self.rowsNamed(in: lines, by: request.question) {
                otherRows = lines.indices.filter { !named.contains($0) }.compactMap { Self.boldLabel(lines[$0]) }
                lines = named.map { lines[$0] }
            }
            var fenced = PassageBlocks.fencedLines(lines)
            // Beginners get the list's main points without their nested details, when it has
            // several; a single point keeps its details (they are what it says), and so does a
            // point that introduces them ("- **Content:**").
            if style.level == .beginner, lines.indices.filter({ !lines[$0].hasPrefix(" ") && !fenced[$0] }).count >= 3 {
                var point = ""
                lines = lines.filter { item in
                    if !item.hasPrefix(" ") { point = item; return true }
                    return MarkdownText.plain(point).trimmingWhitespace().hasSuffix(":")
                }
                fenced = PassageBlocks.fencedLines(lines)
            }
            // A long list of groups (items with their own sub-items) keeps the groups about the question.
            var omittedGroups: [String] = []
            if intent.kind != .procedure, let groups = relevantGroups(lines, fenced: fenced) {
                lines = groups.kept
                omittedGroups = groups.omitted
                fenced = PassageBlocks.fencedLines(lines)
            }
            // At most ten items (a code block nested in the tenth stays whole).
            var kept = 0, end = lines.count
            for index in lines.indices where !fenced[index] {
                kept += 1
                if kept > 10 { end = index; break }
            }
            lines = Array(lines.prefix(end))
            fenced = Array(fenced.prefix(end))
            lines = lines.indices.map { index in
                fenced[index] || Self.wordCount(lines[index]) <= 45 ? lines[index] : (Sentences.split(lines[index]).first ?? lines[index])
            }
            if !otherRows.isEmpty { lines.append("\nThe table also lists " + EnglishList.joined(otherRows) + ".") }
            if !omittedGroups.isEmpty { lines.append("\nThe list also covers " + EnglishList.joined(omittedGroups) + ".") }
            // A list needs what it lists: its lead-in, or else the heading it sits under.
            let lead = block.lead ?? (prefix.isEmpty && !continuesPrevious ? "**\(candidate.chunk.section)**:" : nil)
            if let lead {
                return prefix + Self.cited(lead: lead, cite) + "\n\n" + lines.joined(separator: "\n")
            }
            let last = lines.indices.last { !fenced[$0] } ?? lines.count - 1
            lines[last] += " " + cite
            return prefix + lines.joined(separator: "\n")
        case .code:
            let lead = block.lead.map { Self.cited(lead: $0, cite) } ?? "**\(candidate.chunk.section)** \(cite):"
            return prefix + lead + "\n\n" + block.body
        case .formula:
            return prefix + (block.lead.map { $0 + "\n\n" } ?? "") + block.body + " " + cite
        }
    }

    /// The groups of a list longer than ten lines whose top-level items are named in bold and
    /// have sub-items ("- **End-Effectors**:" with its grippers under it), cut to those that hold the
    /// question's words, the weightiest first while ten lines allow, shown in the book's
    /// order, and the names of the groups left out; nil when the list is short, flat,
    /// numbered (steps keep their order) or no group stands out.
    func relevantGroups(_ lines: [String], fenced: [Bool]) -> (kept: [String], omitted: [String])? {
        guard lines.indices.filter({ !fenced[$0] }).count > 10 else { return nil }
        var groups: [[String]] = []
        for (index, line) in lines.enumerated() {
            if !fenced[index], !line.hasPrefix(" ") || groups.isEmpty { groups.append([line]) } else { groups[groups.count - 1].append(line) }
        }
        // Peer items named in bold ("- **Grippers**:"), not the fields of one record ("- Cause: …").
        guard groups.count >= 2, groups.contains(where: { $0.count > 1 }), groups.allSatisfy({ Self.boldLabel($0[0]) != nil }) else { return nil }
        let scores = groups.map { group in
            let words = Set(TextTokenizer.terms(MarkdownText.plain(group.joined(separator: "\n"))))
            return terms.reduce(0.0) { $0 + (words.contains($1) ? weights[$1] ?? 0 : 0) }
        }
        guard let best = scores.max(), best > 0, scores.filter({ $0 == best }).count < groups.count else { return nil }
        var kept = Set<Int>(), size = 0
        for index in groups.indices.sorted(by: { (scores[$0], -$0) > (scores[$1], -$1) }) where scores[index] >= best / 2 {
            let lineCount = groups[index].filter { !$0.trimmingWhitespace().hasPrefix("```") }.count
            if size + lineCount > 10, !kept.isEmpty { continue }
            kept.insert(index)
            size += lineCount
        }
        guard kept.count < groups.count else { return nil }
        let omitted = groups.indices.filter { !kept.contains($0) }.compactMap { Self.boldLabel(groups[$0][0]) }
        return (groups.indices.filter(kept.contains).flatMap { groups[$0] }, omitted)
    }

    /// The rows of a table (as ``PassageBlocks`` renders it, "- **Name** — Column: value; …")
    /// whose names `question` says word for word, capitalised as a name ("Jetson AGX Orin" for a
    /// row named "Jetson AGX Orin (64GB)", "Bullet", "A100", "cuMotion"), or nil when it names none or all
    /// of them. A capital that only opens the question doesn't make a name, and rows named by a
    /// common word ("my planning node" for a row "Planning") or by numbers alone ("weeks 3-4",
    /// which may ask about the rest of the schedule) are not named.
    static func rowsNamed(in lines: [String], by question: String) -> [Int]? {
        let words = MarkdownText.plain(question).split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let names = lines.map { $0.hasPrefix(" ") ? nil : boldLabel($0) }
        guard names.count >= 2, !names.contains(nil) else { return nil }
        let named = lines.indices.filter { index in
            guard let name = names[index] else { return false }
            let bare = name.replacingOccurrences(of: #"\s*\([^)]*\)"#, with: "", options: .regularExpression)
            let nameWords = bare.split { !$0.isLetter && !$0.isNumber }.map(String.init)
            let inner = bare.dropFirst().contains { $0.isUppercase || $0.isNumber }  // "A100", "cuMotion"
            guard let first = bare.first, first.isUppercase || first.isNumber || inner, bare.contains(where: \.isLetter),
                  !nameWords.isEmpty, nameWords.count <= words.count else { return false }
            return (0...(words.count - nameWords.count)).contains { start in
                (start > 0 || inner) && Array(words[start..<(start + nameWords.count)]) == nameWords
            }
        }
        return named.isEmpty || named.count == lines.count ? nil : named
    }

    /// The bold name a list item opens with: "Jetson AGX Orin (64GB)" from "- **Jetson AGX
    /// Orin (64GB)** — Model Size: …", "End-Effectors (Grippers)" from "* **End-Effectors
    /// (Grippers)**:"; nil for a numbered item, one that doesn't open in bold, or a line that
    /// is no item.
    static func boldLabel(_ line: String) -> String? {
        guard let item = PassageBlocks.listItem(line)?.trimmingWhitespace(), item.hasPrefix("- **"),
              let close = item.dropFirst(4).range(of: "**") else { return nil }
        let name = item.dropFirst(4)[..<close.lowerBound].trimmingWhitespace()
        return name.isEmpty ? nil : name
    }

    /// A list's lines with the code blocks nested under its items, or without them (then an
    /// item that announced its code no longer ends with a colon).
    static func listLines(_ lines: [String], keepingCode: Bool) -> [String] {
        let fenced = PassageBlocks.fencedLines(lines)
        guard !keepingCode, fenced.contains(true) else { return lines }
        var result: [String] = []
        for (index, line) in lines.enumerated() {
            if fenced[index] {
                if let last = result.indices.last { result[last] = withoutFinalColon(result[last]) }
                continue
            }
            result.append(line)
        }
        return result
    }

    /// "1. **Prepare URDF**:" → "1. **Prepare URDF**".
    static func withoutFinalColon(_ line: String) -> String {
        if line.hasSuffix(":**") { return String(line.dropLast(3)) + "**" }
        if line.hasSuffix("**:") || line.hasSuffix(":") { return String(line.dropLast()) }
        return line
    }

    /// Phrases that point at a code block, figure or table the answer does not show.
    static let pointers = ["class above", "code above", "function above", "example above", "snippet above", "listing above",
                           "figure above", "table above", "diagram above", "shown above", "code below", "example below",
                           "figure below", "table below", "shown below", "listed below", "diagram below"]

    /// A paragraph without its sentences that point at something the answer doesn't show ("The
    /// class above prevents it …"); the first sentence always stays.
    static func withoutPointers(_ paragraph: String) -> String {
        let lower = paragraph.lowercased()
        guard lower.containsAnyPhrase(pointers) else { return paragraph }
        let sentences = Sentences.split(paragraph)
        let kept = sentences.enumerated().filter { $0.offset == 0 || !$0.element.lowercased().containsAnyPhrase(pointers) }.map(\.element)
        return kept.joined(separator: " ")
    }

    /// A lead-in with the citation before its colon: "The loop has three steps [2]:".
    static func cited(lead: String, _ cite: String) -> String {
        if lead.hasSuffix(":**") { return String(lead.dropLast(3)) + "** " + cite + ":" }
        guard lead.hasSuffix(":") else { return lead + " " + cite }
        return String(lead.dropLast()) + " " + cite + ":"
    }

    /// Whole sentences of `text` within about `budget` words: from the start, or (keepEnd) the
    /// last ones, which an opening "This" refers to.
    func trimmed(_ text: String, budget: Int, keepEnd: Bool) -> String {
        let sentences = Sentences.split(text)
        guard Self.wordCount(text) > budget, sentences.count > 1 else { return text }
        var kept: [String] = []
        var words = 0
        for sentence in keepEnd ? sentences.reversed() : sentences {
            let size = Self.wordCount(sentence)
            if !kept.isEmpty, words + size > budget { break }
            kept.append(sentence)
            words += size
        }
        if keepEnd {
            // Go back until the first kept sentence no longer points elsewhere.
            var start = sentences.count - kept.count
            while start > 0, Self.refersElsewhere(sentences[start]) { start -= 1 }
            return sentences[start...].joined(separator: " ")
        }
        // A cut list lead-in would dangle: stop before it.
        while let last = kept.last, kept.count > 1, last.hasSuffix(":") { kept.removeLast() }
        return kept.joined(separator: " ")
    }

    // MARK: - Key terms

    static let hardwareWords: Set<String> = Set(TextTokenizer.terms(
        "motor servo voltage current sensor actuator torque gear encoder circuit battery resistor wire power signal joint gearbox "
            + "imu lidar camera accelerometer gyroscope microcontroller pwm force mechanical electrical"))

    /// "**Key terms:** X — …; Y — …" for the book-defined terms in the answer the reader may not know.
    func keyTermsLine(for answer: String) -> String? {
        guard style.explainTerms || style.explainHardwareTerms, !request.keyTerms.isEmpty else { return nil }
        let text = WordText(KeyTerms.normalise(MarkdownText.plain(answer)))
        let lowerAnswer = MarkdownText.plain(answer).lowercased()
        var lines: [String] = []
        var seen = Set<String>()
        for term in request.keyTerms {
            guard lines.count < 3 else { break }
            let names = KeyTerms.names(of: term.term)
            guard seen.isDisjoint(with: names), KeyTerms.variants(of: term.term).contains(where: { text.firstMatch(of: $0) != nil }) else { continue }
            let definition = Sentences.split(term.definition).first ?? term.definition
            guard !definition.isEmpty, Self.wordCount(definition) <= 40, !definition.hasSuffix(":") else { continue }
            // Already defined in the answer itself.
            if lowerAnswer.contains(String(definition.lowercased().prefix(60))) { continue }
            let hardware = !Self.hardwareWords.isDisjoint(with: TextTokenizer.terms(term.term + " " + definition))
            guard hardware ? style.explainHardwareTerms : style.explainTerms else { continue }
            seen.formUnion(names)
            lines.append(Self.keyTermLine(term.term, definition))
        }
        return Self.keyTermsBlock(lines)
    }

    /// "**Key terms:**" then one "- **Term** — definition" line each; nil without terms.
    static func keyTermsBlock(_ lines: [String]) -> String? {
        lines.isEmpty ? nil : "**Key terms:**\n\n" + lines.joined(separator: "\n")
    }

    /// "- **Sensor** — a device that measures …" from "A sensor is a device that measures …".
    static func keyTermLine(_ term: String, _ definition: String) -> String {
        var text = definition.trimmingWhitespace()
        let lower = text.lowercased()
        for name in [term.lowercased()] + KeyTerms.names(of: term) {
            for article in ["a ", "an ", "the ", ""] {
                for verb in [" is ", " are ", " refers to ", " means "] where lower.hasPrefix(article + name + verb) {
                    text = String(text.dropFirst((article + name + verb).count))
                    return "- **\(term)** — \(text)"
                }
            }
        }
        return "- **\(term)** — \(lowercasedStart(text))"
    }

    /// "A sensor that …" → "a sensor that …"; acronyms and names in capitals ("IMU", "ROS") stay.
    static func lowercasedStart(_ text: String) -> String {
        let firstWord = text.prefix { !$0.isWhitespace }
        guard let first = text.first, first.isUppercase, firstWord.count == 1 || firstWord.dropFirst().first?.isLowercase == true,
              !firstWord.dropFirst().contains(where: \.isUppercase) else { return text }
        return first.lowercased() + text.dropFirst()
    }
}

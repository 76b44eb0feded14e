import Foundation
import PrimerCore

/// `primer eval --answers`: the extractive answer measured on a question set, through the
/// same steps as `/query` (instructions out of the search text, follow-ups resolved, coverage,
/// citations renumbered and sources pruned to the cited passages).
///
/// - key facts: mean share of each answerable question's `key_phrases` found in the answer;
/// - dangling: answers with a lead-in without its list, an opening that points elsewhere, or a cut sentence;
/// - cited only: answers whose sources are exactly the passages cited, numbered from [1];
/// - selection echo: "explain this" on a partial sentence of the answering section that gets
///   back little more than the selection;
/// - follow-up hit@5: "can you give an example of that?"-style follow-ups retrieve the first
///   question's section; new topic: the next question asked inside that conversation still
///   retrieves its own section;
/// - beginner vs advanced: answers that differ, and mean Flesch–Kincaid grade per reader.
struct AnswerEvaluation {
    let questions: [EvaluationQuestion]
    let snapshot: BookLibrary.Snapshot
    let mode: BookSearchEngine.Mode

    static let beginner = ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none, programmingBackground: ProgrammingBackground.none, interests: [])
    static let advanced = ReaderProfile(softwareExperience: .advanced, hardwareExperience: .advanced, programmingBackground: .advanced, interests: [])
    static let followUps = [
        "Can you explain that more simply?", "Why does that matter?", "Can you give me an example of it?",
        "How would I use this in practice?", "Tell me more about that.",
    ]

    /// One answer as `/query` would give it.
    struct Answer {
        let text: String
        let sources: [BookChunk]
        let hits: [BookChunk]
    }

    func answer(_ question: String, history: [ConversationTurn] = [], profile: ReaderProfile? = nil, selection: String? = nil) async throws -> Answer {
        var passages: [SourcePassage]
        var hits: [BookChunk] = []
        if let selection, let found = SelectionLocator.passages(for: selection, chapter: nil, in: snapshot) {
            passages = found
        } else {
            let query = QueryRewriter.retrievalQuery(QuestionIntent(question: question).searchText, history: history)
            let result = try await snapshot.engine.search(query, terms: TextTokenizer.terms(query), limit: 5, pageSlug: nil, mode: mode,
                                                          question: question, chunk: { snapshot.chunksByID[$0] })
            hits = result.hits.compactMap { snapshot.chunksByID[$0.id] }
            guard result.coverage.answers else { return Answer(text: "", sources: [], hits: hits) }
            passages = snapshot.answerPassages(result.hits, for: question)
        }
        let found = selection.flatMap { SelectionLocator.passage(for: $0, chapter: nil, in: snapshot) } != nil
        let request = AnswerRequest(question: question, passages: passages, profile: profile, history: history,
                                    keyTerms: snapshot.keyTerms, selection: found ? selection : nil)
        let (text, cited) = CitationNumbering.renumber(ExtractiveGenerator().compose(request), passageCount: passages.count)
        return Answer(text: text, sources: cited.map { passages[$0].chunk }, hits: hits)
    }

    /// A partial sentence of the answering section that holds the question's first key phrase.
    func selection(for question: EvaluationQuestion) -> String? {
        let chunks = snapshot.chunks.filter(question.isAnswered(by:))
        for phrase in question.keyPhrases {
            let needle = AnswerChecks.words(phrase)
            for chunk in chunks {
                for block in PassageBlocks.split(chunk.text) where (block.kind == .paragraph || block.kind == .list) && !block.isDataLike {
                    let sentences = block.kind == .list ? PassageBlocks.listItems(block.body).map { MarkdownText.plain($0) }
                        : Sentences.split(MarkdownText.plain(block.body))
                    for sentence in sentences where AnswerChecks.containsRun(AnswerChecks.words(sentence), needle) {
                        let words = sentence.split(separator: " ")
                        guard words.count >= 8 else { continue }
                        return words.dropFirst(2).dropLast(2).joined(separator: " ")  // cut at both ends, as readers select
                    }
                }
            }
        }
        return nil
    }

    struct Report {
        var answered = 0
        var keyFacts = 0.0
        /// The same measure over the whole top retrieved chunk (what quoting it entire would reach).
        var topChunkKeyFacts = 0.0
        var dangling: [String] = []
        var citedOnly = 0
        var selections = 0
        var echoes: [String] = []
        var followUpHits = 0, firstHits = 0, followUps = 0
        var newTopicHits = 0, newTopicAlone = 0, newTopics = 0
        var differ = 0, pairs = 0
        var grades: [String: [Double]] = [:]
        var samples: [(String, String)] = []
    }

    func run() async throws -> Report {
        var report = Report()
        let answerable = questions.filter { $0.isCovered }
        for (index, question) in answerable.enumerated() {
            let plain = try await answer(question.question)
            if !plain.text.isEmpty {
                report.answered += 1
                report.keyFacts += AnswerChecks.keyFactShare(plain.text, phrases: question.keyPhrases)
                report.topChunkKeyFacts += AnswerChecks.keyFactShare(plain.hits.first?.text ?? "", phrases: question.keyPhrases)
                if !AnswerChecks.danglingFragments(plain.text).isEmpty { report.dangling.append(question.id) }
                if AnswerChecks.citesExactly(plain.text, sourceCount: plain.sources.count) { report.citedOnly += 1 }
            }
            let top = plain.hits.prefix(5).firstIndex(where: question.isAnswered(by:)).map { "hit at \($0 + 1)" } ?? "miss"
            report.samples.append((question.id + " " + question.question + String(format: " [key facts %.2f, top chunk %.2f, %@]", AnswerChecks.keyFactShare(plain.text, phrases: question.keyPhrases),
                                                                                AnswerChecks.keyFactShare(plain.hits.first?.text ?? "", phrases: question.keyPhrases), top), plain.text))

            // Reader levels.
            let beginner = try await answer(question.question, profile: Self.beginner)
            let advanced = try await answer(question.question, profile: Self.advanced)
            if !beginner.text.isEmpty || !advanced.text.isEmpty {
                report.pairs += 1
                if beginner.text != advanced.text { report.differ += 1 }
            }
            report.samples.append((question.id + " beginner", beginner.text))
            report.samples.append((question.id + " advanced", advanced.text))
            for (name, text) in [("beginner", beginner.text), ("signed out", plain.text), ("advanced", advanced.text)] {
                if let grade = ReadingGrade.of(text) { report.grades[name, default: []].append(grade) }
            }

            // Follow-up and a new topic inside the conversation.
            let turn = ConversationTurn(question: question.question, answer: plain.text)
            let followUp = try await answer(Self.followUps[index % Self.followUps.count], history: [turn])
            report.followUps += 1
            if plain.hits.prefix(5).contains(where: question.isAnswered(by:)) { report.firstHits += 1 }
            if followUp.hits.prefix(5).contains(where: question.isAnswered(by:)) { report.followUpHits += 1 }
            let next = answerable[(index + 1) % answerable.count]
            let alone = try await answer(next.question)
            let inside = try await answer(next.question, history: [turn])
            report.newTopics += 1
            if alone.hits.prefix(5).contains(where: next.isAnswered(by:)) { report.newTopicAlone += 1 }
            if inside.hits.prefix(5).contains(where: next.isAnswered(by:)) { report.newTopicHits += 1 }

            // "Ask about this" on part of a sentence of the answering section.
            if let selected = selection(for: question) {
                report.selections += 1
                let explained = try await answer("What does this mean?", selection: selected)
                if AnswerChecks.echoes(explained.text, selection: selected) { report.echoes.append(question.id) }
                report.samples.append((question.id + " selection: " + selected, explained.text))
            }
        }
        return report
    }
}

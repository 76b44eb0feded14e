import Foundation

/// One question of a retrieval evaluation set: where its answer lives in the book (one or
/// more files, and the heading above the answer in each), or nothing for a question the book
/// does not cover. `source_path` and `section` are a string or an array of strings.
public struct EvaluationQuestion: Codable, Sendable, Equatable {
    public let id: String
    public let question: String
    /// Files that answer it (empty: not covered).
    public let sourcePaths: [String]
    /// Headings whose text answers it.
    public let sections: [String]
    /// `student` or `textbook`.
    public let style: String?
    /// For not-covered questions: `near_domain` (a robotics question the book never treats) or `off_domain`.
    public let kind: String?
    /// Short phrases from the answering passage that a good answer contains (its key facts).
    public var keyPhrases: [String] = []

    enum CodingKeys: String, CodingKey {
        case id, question, sourcePath = "source_path", section, style, kind, keyPhrases = "key_phrases"
    }

    public init(id: String, question: String, sourcePath: String?, section: String?, style: String? = nil, kind: String? = nil) {
        self.init(id: id, question: question, sourcePaths: sourcePath.map { [$0] } ?? [], sections: section.map { [$0] } ?? [],
                  style: style, kind: kind)
    }

    public init(id: String, question: String, sourcePaths: [String], sections: [String], style: String? = nil, kind: String? = nil) {
        self.id = id
        self.question = question
        self.sourcePaths = sourcePaths
        self.sections = sections
        self.style = style
        self.kind = kind
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func strings(_ key: CodingKeys) throws -> [String] {
            if let one = try? container.decodeIfPresent(String.self, forKey: key) { return [one] }
            return try container.decodeIfPresent([String].self, forKey: key) ?? []
        }
        self.init(id: try container.decode(String.self, forKey: .id), question: try container.decode(String.self, forKey: .question),
                  sourcePaths: try strings(.sourcePath), sections: try strings(.section),
                  style: try container.decodeIfPresent(String.self, forKey: .style), kind: try container.decodeIfPresent(String.self, forKey: .kind))
        keyPhrases = try container.decodeIfPresent([String].self, forKey: .keyPhrases) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(question, forKey: .question)
        try container.encode(sourcePaths, forKey: .sourcePath)
        try container.encode(sections, forKey: .section)
        try container.encodeIfPresent(style, forKey: .style)
        try container.encodeIfPresent(kind, forKey: .kind)
        if !keyPhrases.isEmpty { try container.encode(keyPhrases, forKey: .keyPhrases) }
    }

    /// Whether the book answers it.
    public var isCovered: Bool { !sourcePaths.isEmpty }

    /// Whether `chunk` holds the answer: from a listed file, under a listed heading.
    public func isAnswered(by chunk: BookChunk) -> Bool {
        sourcePaths.contains(chunk.sourcePath) && chunk.headings.contains { heading in
            sections.contains { Self.sameHeading($0, heading) }
        }
    }

    /// Headings compared without Markdown emphasis, code marks and surrounding space.
    static func sameHeading(_ a: String, _ b: String) -> Bool {
        func plain(_ s: String) -> String {
            s.filter { $0 != "*" && $0 != "`" && $0 != "_" }.trimmingCharacters(in: .whitespaces)
        }
        return a == b || plain(a) == plain(b)
    }
}

/// hit@1, hit@5 and MRR of a retriever over a question set, and how the coverage decision
/// behaved: answerable questions wrongly refused, not-covered questions refused. A hit is a
/// retrieved chunk that ``EvaluationQuestion/isAnswered(by:)``.
public struct RetrievalEvaluation: Sendable, Equatable {
    /// Number of answerable questions.
    public let questions: Int
    public let hitAt1: Double
    public let hitAt5: Double
    /// Mean reciprocal rank of the first hit within the top 10.
    public let mrr: Double
    /// Share of answerable questions refused as not covered.
    public let wronglyRefused: Double
    /// Share of not-covered questions refused (1 when the set has none).
    public let refusedUncovered: Double
    /// Share of near-domain not-covered questions refused (1 when the set has none).
    public let refusedNearDomain: Double
    /// Per-question rank of the first hit (nil: none in the top 10).
    public let ranks: [String: Int?]
    /// Ids of not-covered questions that were answered.
    public let wronglyAccepted: [String]
    /// Ids of answerable questions that were refused.
    public let wronglyRefusedIDs: [String]

    /// Share of answerable questions let through.
    public var acceptedCovered: Double { 1 - wronglyRefused }

    /// Scores each question's ranked chunks and whether it was answered.
    public static func score(_ questions: [EvaluationQuestion], outcome: (EvaluationQuestion) throws -> (chunks: [BookChunk], answered: Bool)) rethrows -> RetrievalEvaluation {
        var ranks: [String: Int?] = [:]
        var wronglyAccepted: [String] = [], wronglyRefusedIDs: [String] = []
        var reciprocal = 0.0, at1 = 0, at5 = 0, covered = 0, uncovered = 0, refused = 0, near = 0, nearRefused = 0
        for question in questions {
            let (chunks, answered) = try outcome(question)
            guard question.isCovered else {
                uncovered += 1
                if question.kind == "near_domain" { near += 1 }
                if answered {
                    wronglyAccepted.append(question.id)
                } else {
                    refused += 1
                    if question.kind == "near_domain" { nearRefused += 1 }
                }
                continue
            }
            covered += 1
            if !answered { wronglyRefusedIDs.append(question.id) }
            let rank = chunks.prefix(10).firstIndex(where: question.isAnswered(by:)).map { $0 + 1 }
            ranks[question.id] = rank
            if let rank {
                reciprocal += 1 / Double(rank)
                if rank == 1 { at1 += 1 }
                if rank <= 5 { at5 += 1 }
            }
        }
        let n = Double(max(covered, 1))
        return RetrievalEvaluation(
            questions: covered, hitAt1: Double(at1) / n, hitAt5: Double(at5) / n, mrr: reciprocal / n,
            wronglyRefused: Double(wronglyRefusedIDs.count) / n,
            refusedUncovered: uncovered == 0 ? 1 : Double(refused) / Double(uncovered),
            refusedNearDomain: near == 0 ? 1 : Double(nearRefused) / Double(near),
            ranks: ranks, wronglyAccepted: wronglyAccepted, wronglyRefusedIDs: wronglyRefusedIDs)
    }

    /// Runs `search` (question → ranked chunks and the coverage decision) over `questions`.
    public static func run(_ questions: [EvaluationQuestion],
                           search: (String) async throws -> (chunks: [BookChunk], relevant: Bool)) async rethrows -> RetrievalEvaluation {
        var outcomes: [String: ([BookChunk], Bool)] = [:]
        for question in questions { outcomes[question.id] = try await search(question.question) }
        return score(questions) { outcomes[$0.id] ?? ([], false) }
    }
}

import Foundation

/// One question of a retrieval evaluation set: where its answer lives in the book, or
/// nil/nil for a question the book does not cover.
public struct EvaluationQuestion: Codable, Sendable, Equatable {
    public let id: String
    public let question: String
    public let sourcePath: String?
    public let section: String?
    public let style: String?

    enum CodingKeys: String, CodingKey {
        case id, question, sourcePath = "source_path", section, style
    }

    public init(id: String, question: String, sourcePath: String?, section: String?, style: String? = nil) {
        self.id = id
        self.question = question
        self.sourcePath = sourcePath
        self.section = section
        self.style = style
    }
}

/// hit@1, hit@5 and MRR of a retriever over a question set. A hit is a retrieved chunk from
/// the expected file whose heading path contains the expected section.
public struct RetrievalEvaluation: Sendable, Equatable {
    public let questions: Int
    public let hitAt1: Double
    public let hitAt5: Double
    /// Mean reciprocal rank of the first hit within the top 10.
    public let mrr: Double
    /// Share of not-covered questions that the relevance gate refused.
    public let refusedUncovered: Double
    /// Share of covered questions the relevance gate let through.
    public let acceptedCovered: Double
    /// Per-question rank of the first hit (nil: none in the top 10).
    public let ranks: [String: Int?]
    /// Ids of not-covered questions that the gate let through.
    public let wronglyAccepted: [String]

    /// Runs `search` (question → ranked chunks) over `questions`; the lexical relevance gate
    /// decides coverage.
    public static func run(_ questions: [EvaluationQuestion], inBook: ((String) -> Bool)? = nil, search: (String) -> [BookChunk]) -> RetrievalEvaluation {
        var tally = Tally()
        for question in questions {
            let results = search(question.question)
            let passages = results.map { SourcePassage(chunk: $0, score: 1) }
            tally.add(question, results: results, relevant: RelevanceGate.isRelevant(question: question.question, passages: passages, inBook: inBook))
        }
        return tally.result
    }

    /// Runs `search` (question → ranked chunks and the coverage decision) over `questions`.
    public static func run(_ questions: [EvaluationQuestion],
                           search: (String) async throws -> (chunks: [BookChunk], relevant: Bool)) async rethrows -> RetrievalEvaluation {
        var tally = Tally()
        for question in questions {
            let (results, relevant) = try await search(question.question)
            tally.add(question, results: results, relevant: relevant)
        }
        return tally.result
    }

    /// Accumulates ranks and gate decisions question by question.
    private struct Tally {
        var ranks: [String: Int?] = [:]
        var wronglyAccepted: [String] = []
        var reciprocal = 0.0, at1 = 0, at5 = 0, covered = 0, accepted = 0, uncovered = 0, refused = 0

        mutating func add(_ question: EvaluationQuestion, results: [BookChunk], relevant: Bool) {
            guard let path = question.sourcePath, let section = question.section else {
                uncovered += 1
                if !relevant { refused += 1 } else { wronglyAccepted.append(question.id) }
                return
            }
            covered += 1
            if relevant { accepted += 1 }
            let rank = results.prefix(10).firstIndex { $0.sourcePath == path && $0.headings.contains(section) }.map { $0 + 1 }
            ranks[question.id] = rank
            if let rank {
                reciprocal += 1 / Double(rank)
                if rank == 1 { at1 += 1 }
                if rank <= 5 { at5 += 1 }
            }
        }

        var result: RetrievalEvaluation {
            let n = Double(max(covered, 1))
            return RetrievalEvaluation(
                questions: covered, hitAt1: Double(at1) / n, hitAt5: Double(at5) / n, mrr: reciprocal / n,
                refusedUncovered: uncovered == 0 ? 1 : Double(refused) / Double(uncovered),
                acceptedCovered: Double(accepted) / n, ranks: ranks, wronglyAccepted: wronglyAccepted)
        }
    }
}

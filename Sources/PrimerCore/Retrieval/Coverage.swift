/// Whether the book covers a question, and if not what it lacks, in the reader's words.
public enum Coverage: Sendable, Equatable {
    /// Answer from the retrieved passages.
    case covered
    /// The question names things the book never mentions (`missing`), but another part of it
    /// (`coveredPart`, the clauses without them) is covered: answer that part and say what is missing.
    case partial(missing: [String], coveredPart: String)
    /// Refuse. `missing` names what the book lacks (empty when nothing in the book is close
    /// enough, without a name to blame).
    case notCovered(missing: [String])

    /// Whether an answer is composed (fully or partly).
    public var answers: Bool {
        if case .notCovered = self { return false }
        return true
    }

    /// What the book lacks, as the reader wrote it.
    public var missing: [String] {
        switch self {
        case .covered: []
        case .partial(let missing, _), .notCovered(let missing): missing
        }
    }
}

/// A reader's interests: at most 10 entries, each 1–50 characters (Unicode scalars) after trimming, with
/// case-insensitive duplicates collapsed (the first spelling wins).
public enum Interests {
    public static let maxCount = 10
    public static let maxLength = 50

    /// Normalises `raw` or throws the first problem found.
    public static func normalize(_ raw: [String]) throws(FieldProblem) -> [String] {
        // Counted as sent (before duplicates collapse): a million copies of one topic are not one topic.
        if raw.count > maxCount { throw FieldProblem("must have at most \(maxCount) items") }
        var seen = Set<String>()
        var result: [String] = []
        for (index, item) in raw.enumerated() {
            let topic = item.trimmingWhitespace()
            if topic.isEmpty { throw FieldProblem("item \(index) must not be empty") }
            if !TextLimit(maxLength).admits(topic) { throw FieldProblem("item \(index) must be at most \(maxLength) characters") }
            if seen.insert(topic.lowercased()).inserted { result.append(topic) }
        }
        return result
    }
}

/// A reader's display name: optional, trimmed, at most 100 characters (Unicode scalars); blank means none.
public enum DisplayName {
    public static let maxLength = 100

    /// Returns the trimmed name, nil for a blank one, or throws when too long.
    public static func normalize(_ raw: String?) throws(FieldProblem) -> String? {
        guard let name = raw?.trimmingWhitespace(), !name.isEmpty else { return nil }
        if !TextLimit(maxLength).admits(name) { throw FieldProblem("must be at most \(maxLength) characters") }
        if name.contains(where: { $0.isNewline || ($0.asciiValue.map { $0 < 0x20 } ?? false) }) {
            throw FieldProblem("must not contain control characters")
        }
        return name
    }
}

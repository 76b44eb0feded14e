/// One or more input fields failed validation. `fields` maps a field name to its problem.
public struct ValidationFailure: Error, Equatable, Sendable {
    /// Field name → human-readable problem.
    public var fields: [String: String]

    public init(fields: [String: String] = [:]) {
        self.fields = fields
    }

    /// True when no field has a problem.
    public var isEmpty: Bool { fields.isEmpty }

    /// Records a problem for `field` (the first problem per field wins).
    public mutating func add(_ field: String, _ problem: String) {
        if fields[field] == nil { fields[field] = problem }
    }

    /// Runs `parse`, recording its failure under `field`; returns the parsed value or nil.
    public mutating func check<T>(_ field: String, _ parse: () throws(FieldProblem) -> T) -> T? {
        do {
            return try parse()
        } catch {
            add(field, error.message)
            return nil
        }
    }

    /// Throws `self` when any field has a problem.
    public func throwIfAny() throws(ValidationFailure) {
        if !isEmpty { throw self }
    }
}

/// The problem with a single value, before it is attached to a field name.
public struct FieldProblem: Error, Equatable, Sendable {
    /// Human-readable description, e.g. "must be at least 8 characters".
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// An enum whose cases are spelled exactly one way on output but accepted in any letter case on input.
public protocol CaseInsensitiveEnum: RawRepresentable<String>, CaseIterable, Codable, Sendable, Hashable {}

extension CaseInsensitiveEnum {
    /// Parses `raw` ignoring letter case and surrounding spaces.
    public init(parsing raw: String) throws(FieldProblem) {
        let wanted = raw.trimmingWhitespace().lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else {
            throw FieldProblem("must be one of: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = match
    }
}

/// How much software experience a reader has.
public enum SoftwareExperience: String, CaseInsensitiveEnum {
    case beginner = "Beginner"
    case intermediate = "Intermediate"
    case advanced = "Advanced"
}

/// How much hardware (electronics, mechanics) experience a reader has.
public enum HardwareExperience: String, CaseInsensitiveEnum {
    case none = "None"
    case basic = "Basic"
    case intermediate = "Intermediate"
    case advanced = "Advanced"
}

/// How much programming a reader has done; optional on a profile.
public enum ProgrammingBackground: String, CaseInsensitiveEnum {
    case none = "None"
    case basic = "Basic"
    case intermediate = "Intermediate"
    case advanced = "Advanced"
}

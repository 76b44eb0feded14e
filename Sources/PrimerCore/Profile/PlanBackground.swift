/// The reader's background in the vocabulary of the second plan's frontend: lowercase levels,
/// `expert` for the top software level, `hardware_knowledge` for the hardware experience.
/// Primer stores one `ReaderProfile`; this maps it both ways so those clients work unchanged.
public struct PlanBackground: Equatable, Sendable {
    /// `beginner`, `intermediate` or `expert`.
    public var softwareExperience: String
    /// `none`, `basic`, `intermediate`, `advanced`, or nil when not given.
    public var programmingBackground: String?
    /// `none`, `basic`, `intermediate` or `advanced`.
    public var hardwareKnowledge: String
    public var interests: [String]

    /// The plan's words for `profile`.
    public init(_ profile: ReaderProfile) {
        softwareExperience = switch profile.softwareExperience {
        case .beginner: "beginner"
        case .intermediate: "intermediate"
        case .advanced: "expert"
        }
        programmingBackground = profile.programmingBackground?.rawValue.lowercased()
        hardwareKnowledge = profile.hardwareExperience.rawValue.lowercased()
        interests = profile.interests
    }

    /// The software level for the plan's `beginner|intermediate|expert` (Primer's own names,
    /// such as `Advanced`, are accepted too).
    public static func software(_ raw: String) throws(FieldProblem) -> SoftwareExperience {
        let word = raw.trimmingWhitespace().lowercased()
        if word == "expert" { return .advanced }
        guard let level = try? SoftwareExperience(parsing: word) else { throw FieldProblem("must be one of: beginner, intermediate, expert") }
        return level
    }

    /// The hardware level for the plan's `none|basic|intermediate|advanced`.
    public static func hardware(_ raw: String) throws(FieldProblem) -> HardwareExperience {
        guard let level = try? HardwareExperience(parsing: raw) else { throw FieldProblem("must be one of: none, basic, intermediate, advanced") }
        return level
    }

    /// The programming level: `none|basic|intermediate|advanced`; `beginner` reads as basic
    /// and `expert` as advanced, the words the plan uses for software experience.
    public static func programming(_ raw: String) throws(FieldProblem) -> ProgrammingBackground {
        switch raw.trimmingWhitespace().lowercased() {
        case "beginner": return .basic
        case "expert": return .advanced
        default:
            guard let level = try? ProgrammingBackground(parsing: raw) else {
                throw FieldProblem("must be one of: none, basic, intermediate, advanced")
            }
            return level
        }
    }
}

extension ReaderProfile {
    /// True when all three background questions are answered (the programming background is
    /// the optional one): the second plan's `profile_complete`.
    public var isComplete: Bool { programmingBackground != nil }
}

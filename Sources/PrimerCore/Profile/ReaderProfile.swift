/// A reader's background, used to adapt answers and chapters.
public struct ReaderProfile: Equatable, Sendable {
    public var softwareExperience: SoftwareExperience
    public var hardwareExperience: HardwareExperience
    public var programmingBackground: ProgrammingBackground?
    public var interests: [String]

    public init(
        softwareExperience: SoftwareExperience,
        hardwareExperience: HardwareExperience,
        programmingBackground: ProgrammingBackground? = nil,
        interests: [String] = []
    ) {
        self.softwareExperience = softwareExperience
        self.hardwareExperience = hardwareExperience
        self.programmingBackground = programmingBackground
        self.interests = interests
    }
}

/// A partial update of a profile and name: nil leaves a field as it is; for the optional
/// fields, `.some(nil)` clears them.
public struct ProfileChange: Equatable, Sendable {
    public var softwareExperience: SoftwareExperience?
    public var hardwareExperience: HardwareExperience?
    public var programmingBackground: ProgrammingBackground??
    public var interests: [String]?
    public var name: String??

    public init(
        softwareExperience: SoftwareExperience? = nil,
        hardwareExperience: HardwareExperience? = nil,
        programmingBackground: ProgrammingBackground?? = nil,
        interests: [String]? = nil,
        name: String?? = nil
    ) {
        self.softwareExperience = softwareExperience
        self.hardwareExperience = hardwareExperience
        self.programmingBackground = programmingBackground
        self.interests = interests
        self.name = name
    }
}

/// A value recorded in the audit trail: text, a list of texts, or nothing. Encodes as plain JSON.
public enum AuditValue: Equatable, Sendable, Codable {
    case null
    case text(String)
    case list([String])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .text(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let text = try? container.decode(String.self) { self = .text(text) }
        else { self = .list(try container.decode([String].self)) }
    }
}

/// One changed field of a profile update, for the audit trail.
public struct FieldChange: Equatable, Sendable {
    public let field: String
    public let old: AuditValue
    public let new: AuditValue

    public init(field: String, old: AuditValue, new: AuditValue) {
        self.field = field
        self.old = old
        self.new = new
    }
}

extension ReaderProfile {
    /// Applies `change` to the profile and `name`, returning the fields whose values changed.
    public mutating func apply(_ change: ProfileChange, name: inout String?) -> [FieldChange] {
        var changes: [FieldChange] = []
        func record<T: Equatable>(_ field: String, _ old: T, _ new: T, _ text: (T) -> AuditValue) {
            if old != new { changes.append(FieldChange(field: field, old: text(old), new: text(new))) }
        }
        if let value = change.softwareExperience {
            record("software_experience", softwareExperience, value) { .text($0.rawValue) }
            softwareExperience = value
        }
        if let value = change.hardwareExperience {
            record("hardware_experience", hardwareExperience, value) { .text($0.rawValue) }
            hardwareExperience = value
        }
        if let value = change.programmingBackground {
            record("programming_background", programmingBackground, value) { $0.map { .text($0.rawValue) } ?? .null }
            programmingBackground = value
        }
        if let value = change.interests {
            record("interests", interests, value) { .list($0) }
            interests = value
        }
        if let value = change.name {
            record("name", name, value) { $0.map(AuditValue.text) ?? .null }
            name = value
        }
        return changes
    }
}

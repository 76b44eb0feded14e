import PrimerCore
import Vapor

/// Body of `PUT /profile`: a partial update. An absent key leaves the field unchanged;
/// `null` clears `programming_background` or `name`.
struct UpdateProfileRequest: Decodable {
    var softwareExperience: String??
    var hardwareExperience: String??
    var programmingBackground: String??
    var interests: [String]??
    var name: String??

    enum CodingKeys: String, CodingKey {
        case softwareExperience = "software_experience", hardwareExperience = "hardware_experience"
        case programmingBackground = "programming_background", interests, name
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys, _: T.Type) throws -> T?? {
            guard c.contains(key) else { return nil }
            if try c.decodeNil(forKey: key) { return .some(nil) }
            return .some(try c.decode(T.self, forKey: key))
        }
        softwareExperience = try field(.softwareExperience, String.self)
        hardwareExperience = try field(.hardwareExperience, String.self)
        programmingBackground = try field(.programmingBackground, String.self)
        interests = try field(.interests, [String].self)
        name = try field(.name, String.self)
    }

    /// The validated change, or every field problem at once.
    func validated() throws(ValidationFailure) -> ProfileChange {
        var failure = ValidationFailure()
        var change = ProfileChange()
        func notNull<T>(_ value: T??, _ field: String) throws(FieldProblem) -> T? {
            switch value {
            case .none: return nil
            case .some(.none): throw FieldProblem("cannot be null")
            case .some(.some(let v)): return v
            }
        }
        change.softwareExperience = failure.check("software_experience") { () throws(FieldProblem) in
            try notNull(softwareExperience, "software_experience").map { raw throws(FieldProblem) in try SoftwareExperience(parsing: raw) }
        } ?? nil
        change.hardwareExperience = failure.check("hardware_experience") { () throws(FieldProblem) in
            try notNull(hardwareExperience, "hardware_experience").map { raw throws(FieldProblem) in try HardwareExperience(parsing: raw) }
        } ?? nil
        change.interests = failure.check("interests") { () throws(FieldProblem) in
            try notNull(interests, "interests").map { raw throws(FieldProblem) in try Interests.normalize(raw) }
        } ?? nil
        if let value = programmingBackground {
            change.programmingBackground = failure.check("programming_background") { () throws(FieldProblem) in
                try value.map { raw throws(FieldProblem) in try ProgrammingBackground(parsing: raw) }
            }
        }
        if let value = name {
            change.name = failure.check("name") { () throws(FieldProblem) in try DisplayName.normalize(value) }
        }
        try failure.throwIfAny()
        return change
    }
}

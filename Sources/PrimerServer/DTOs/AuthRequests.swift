import PrimerCore
import Vapor

/// Body of `POST /auth/signup`. Every field is optional at the JSON level so that all
/// missing and invalid fields are reported together. The background comes either as flat
/// fields (`software_experience`, `hardware_experience`, …) or, as the second plan's frontend
/// sends it, nested in `background` (`software_experience: beginner|intermediate|expert`,
/// `programming_background`, `hardware_knowledge`); then the levels are read from it alone
/// (only `interests` may also come flat), and problems are reported as `background.<field>`.
struct SignupRequest: Content {
    var email: String?
    var password: String?
    var software_experience: String?
    var hardware_experience: String?
    var programming_background: String?
    var interests: [String]?
    var name: String?
    var background: PlanBackgroundInput?
    /// Level fields sent as JSON `null` (refused: they are strings when present).
    var nullLevels: Set<String> = []

    enum CodingKeys: String, CodingKey {
        case email, password, software_experience, hardware_experience, programming_background, interests, name, background
    }

    init(email: String? = nil, password: String? = nil, software_experience: String? = nil, hardware_experience: String? = nil,
         programming_background: String? = nil, interests: [String]? = nil, name: String? = nil, background: PlanBackgroundInput? = nil) {
        self.email = email
        self.password = password
        self.software_experience = software_experience
        self.hardware_experience = hardware_experience
        self.programming_background = programming_background
        self.interests = interests
        self.name = name
        self.background = background
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        email = try c.decodeIfPresent(String.self, forKey: .email)
        password = try c.decodeIfPresent(String.self, forKey: .password)
        software_experience = try c.decodeIfPresent(String.self, forKey: .software_experience)
        hardware_experience = try c.decodeIfPresent(String.self, forKey: .hardware_experience)
        programming_background = try c.decodeIfPresent(String.self, forKey: .programming_background)
        interests = try c.decodeIfPresent([String].self, forKey: .interests)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        background = try c.decodeIfPresent(PlanBackgroundInput.self, forKey: .background)
        for key in [CodingKeys.software_experience, .hardware_experience] where c.contains(key) {
            if try c.decodeNil(forKey: key) { nullLevels.insert(key.rawValue) }
        }
    }

    /// The validated sign-up, or every field problem at once.
    func validated() throws(ValidationFailure) -> (email: EmailAddress, password: String, profile: ReaderProfile, name: String?) {
        var failure = ValidationFailure()
        let email = failure.check("email") { () throws(FieldProblem) in try EmailAddress(parsing: required(self.email)) }
        let password = failure.check("password") { () throws(FieldProblem) in
            let value = try required(self.password)
            try PasswordPolicy.check(value)
            return value
        }
        // The flat fields are checked whenever they are sent; with `background` they are optional
        // and the nested values win.
        let nested = background != nil
        for field in nullLevels.sorted() { failure.add(field, "cannot be null") }
        let flatSoftware = failure.check("software_experience") { () throws(FieldProblem) in
            try (nested ? software_experience : required(software_experience)).map { raw throws(FieldProblem) in try SoftwareExperience(parsing: raw) }
        } ?? nil
        let flatHardware = failure.check("hardware_experience") { () throws(FieldProblem) in
            try (nested ? hardware_experience : required(hardware_experience)).map { raw throws(FieldProblem) in try HardwareExperience(parsing: raw) }
        } ?? nil
        let flatProgramming = failure.check("programming_background") { () throws(FieldProblem) in
            try programming_background.map { raw throws(FieldProblem) in try ProgrammingBackground(parsing: raw) }
        }
        let flatInterests = failure.check("interests") { () throws(FieldProblem) in try Interests.normalize(self.interests ?? []) }
        let software: SoftwareExperience?, hardware: HardwareExperience?, programming: ProgrammingBackground??, interests: [String]?
        if let background {
            software = failure.check("background.software_experience") { () throws(FieldProblem) in
                try PlanBackground.software(required(background.software_experience))
            }
            hardware = failure.check("background.hardware_knowledge") { () throws(FieldProblem) in
                try PlanBackground.hardware(required(background.hardware_knowledge))
            }
            programming = failure.check("background.programming_background") { () throws(FieldProblem) in
                try background.programming_background.map { raw throws(FieldProblem) in try PlanBackground.programming(raw) }
            }
            interests = background.interests == nil ? flatInterests : failure.check("background.interests") { () throws(FieldProblem) in
                try Interests.normalize(background.interests ?? [])
            }
        } else {
            (software, hardware, programming, interests) = (flatSoftware, flatHardware, flatProgramming, flatInterests)
        }
        let name = failure.check("name") { () throws(FieldProblem) in try DisplayName.normalize(self.name) }
        try failure.throwIfAny()
        let profile = ReaderProfile(
            softwareExperience: software!, hardwareExperience: hardware!,
            programmingBackground: programming!, interests: interests!)
        return (email!, password!, profile, name!)
    }
}

/// The second plan's nested `background` object (sign-up and `PUT /auth/profile`).
struct PlanBackgroundInput: Content {
    var software_experience: String?
    var programming_background: String?
    var hardware_knowledge: String?
    var interests: [String]?
}

/// Body of `POST /auth/signin`.
struct SigninRequest: Content {
    var email: String?
    var password: String?

    /// The normalised email key and password; only presence is checked here, so a
    /// malformed address gets the same 401 as an unknown one.
    func validated() throws(ValidationFailure) -> (email: String, password: String) {
        var failure = ValidationFailure()
        let email = failure.check("email") { () throws(FieldProblem) in
            let value = try required(self.email).trimmingWhitespace()
            try TextLimit(EmailAddress.maxLength).check(value)  // no address that long exists: bounds the work
            return value.lowercased()
        }
        let password = failure.check("password") { () throws(FieldProblem) in try enteredPassword(self.password) }
        try failure.throwIfAny()
        return (email!, password!)
    }
}

/// Body of `POST /auth/refresh`.
struct RefreshRequest: Content {
    var refresh_token: String?
}

/// Body of `DELETE /account`.
struct DeleteAccountRequest: Content {
    var password: String?
}

/// A password typed to prove who one is (sign-in, confirming a change): required, and bounded
/// generously only to bound the work; the password rules apply when one is chosen.
func enteredPassword(_ value: String?) throws(FieldProblem) -> String {
    let value = try required(value)
    try TextLimit(PasswordPolicy.maxLength * 4).check(value)
    return value
}

/// A required value: nil or blank is "is required".
func required(_ value: String?) throws(FieldProblem) -> String {
    guard let value, !value.isEmpty else { throw FieldProblem("is required") }
    return value
}

import PrimerCore
import Vapor

/// Body of `POST /auth/signup`. Every field is optional at the JSON level so that all
/// missing and invalid fields are reported together. The background comes either as flat
/// fields (`software_experience`, `hardware_experience`, …) or, as the second plan's frontend
/// sends it, nested in `background` (`software_experience: beginner|intermediate|expert`,
/// `programming_background`, `hardware_knowledge`); problems in it are reported as `background.<field>`.
struct SignupRequest: Content {
    var email: String?
    var password: String?
    var software_experience: String?
    var hardware_experience: String?
    var programming_background: String?
    var interests: [String]?
    var name: String?
    var background: PlanBackgroundInput?

    /// The validated sign-up, or every field problem at once.
    func validated() throws(ValidationFailure) -> (email: EmailAddress, password: String, profile: ReaderProfile, name: String?) {
        var failure = ValidationFailure()
        let email = failure.check("email") { () throws(FieldProblem) in try EmailAddress(parsing: required(self.email)) }
        let password = failure.check("password") { () throws(FieldProblem) in
            let value = try required(self.password)
            try PasswordPolicy.check(value)
            return value
        }
        let software: SoftwareExperience?, hardware: HardwareExperience?, programming: ProgrammingBackground??, interests: [String]?
        if let background {
            software = failure.check("background.software_experience") { () throws(FieldProblem) in
                try PlanBackground.software(required(background.software_experience ?? software_experience))
            }
            hardware = failure.check("background.hardware_knowledge") { () throws(FieldProblem) in
                try PlanBackground.hardware(required(background.hardware_knowledge ?? background.hardware_experience ?? hardware_experience))
            }
            programming = failure.check("background.programming_background") { () throws(FieldProblem) in
                try (background.programming_background ?? programming_background).map { raw throws(FieldProblem) in try PlanBackground.programming(raw) }
            }
            interests = failure.check("background.interests") { () throws(FieldProblem) in
                try Interests.normalize(background.interests ?? self.interests ?? [])
            }
        } else {
            software = failure.check("software_experience") { () throws(FieldProblem) in
                try SoftwareExperience(parsing: required(software_experience))
            }
            hardware = failure.check("hardware_experience") { () throws(FieldProblem) in
                try HardwareExperience(parsing: required(hardware_experience))
            }
            programming = failure.check("programming_background") { () throws(FieldProblem) in
                try programming_background.map { raw throws(FieldProblem) in try ProgrammingBackground(parsing: raw) }
            }
            interests = failure.check("interests") { () throws(FieldProblem) in try Interests.normalize(self.interests ?? []) }
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
    /// Primer's own name for `hardware_knowledge`, accepted too.
    var hardware_experience: String?
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
        let password = failure.check("password") { () throws(FieldProblem) in
            let value = try required(self.password)
            try TextLimit(PasswordPolicy.maxLength * 4).check(value)  // generous: only to bound the work
            return value
        }
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

/// A required value: nil or blank is "is required".
func required(_ value: String?) throws(FieldProblem) -> String {
    guard let value, !value.isEmpty else { throw FieldProblem("is required") }
    return value
}

import PrimerCore
import Vapor

/// The sign-up form (also the profile form: same background fields). Interests come as
/// checked topics (`interests[]`) plus comma-separated `interests_other`.
struct SignupForm: Content {
    var email: String?
    var password: String?
    var name: String?
    var software_experience: String?
    var programming_background: String?
    var hardware_experience: String?
    var interests: [String]?
    var interests_other: String?

    /// Checked topics and typed ones, in that order.
    var allInterests: [String] {
        (interests ?? []) + (interests_other ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The same request the JSON API validates.
    var request: SignupRequest {
        SignupRequest(email: email, password: password, software_experience: software_experience, hardware_experience: hardware_experience,
                      programming_background: programming_background?.isEmpty == false ? programming_background : nil,
                      interests: allInterests, name: name)
    }

    /// The profile page's change: every background field, as the form always sends them all.
    func profileChange() throws(ValidationFailure) -> ProfileChange {
        var failure = ValidationFailure()
        let software = failure.check("software_experience") { () throws(FieldProblem) in try SoftwareExperience(parsing: required(software_experience)) }
        let hardware = failure.check("hardware_experience") { () throws(FieldProblem) in try HardwareExperience(parsing: required(hardware_experience)) }
        let programming = failure.check("programming_background") { () throws(FieldProblem) -> ProgrammingBackground? in
            guard let raw = programming_background, !raw.isEmpty else { return nil }
            return try ProgrammingBackground(parsing: raw)
        }
        let interests = failure.check("interests") { () throws(FieldProblem) in try Interests.normalize(allInterests) }
        let name = failure.check("name") { () throws(FieldProblem) in try DisplayName.normalize(self.name) }
        try failure.throwIfAny()
        return ProfileChange(softwareExperience: software!, hardwareExperience: hardware!, programmingBackground: .some(programming!),
                             interests: interests!, name: .some(name!))
    }

    /// What to show again after a failed submission.
    var background: AccountPages.Background {
        AccountPages.Background(software: software_experience ?? "", programming: programming_background ?? "",
                                hardware: hardware_experience ?? "", interests: allInterests, name: name ?? "")
    }
}

/// The sign-in form.
struct SigninForm: Content {
    var email: String?
    var password: String?
    var next: String?
}

/// The delete-account form.
struct DeleteAccountForm: Content {
    var delete_password: String?
}

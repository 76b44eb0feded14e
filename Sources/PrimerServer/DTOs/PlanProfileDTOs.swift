import Foundation
import PrimerCore
import Vapor

/// `GET`/`PUT /auth/profile` as the second plan's frontend reads it: the background nested,
/// in that plan's words (`expert`, `hardware_knowledge`), with `user_id` and `profile_complete`.
struct PlanProfileResponse: Content {
    let userID: UUID
    let email: String
    let name: String?
    let emailVerified: Bool
    let background: PlanBackgroundOutput
    let profileComplete: Bool
    let createdAt: Date
    let updatedAt: Date

    init(user: UserResponse) {
        let profile = user.profile.readerProfile
        userID = user.id
        email = user.email
        name = user.name
        emailVerified = user.emailVerified
        background = PlanBackgroundOutput(PlanBackground(profile))
        profileComplete = profile.isComplete
        createdAt = user.profile.createdAt
        updatedAt = user.profile.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", email, name, emailVerified = "email_verified", background
        case profileComplete = "profile_complete", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(userID, forKey: .userID)
        try c.encode(email, forKey: .email)
        try c.encode(name, forKey: .name)  // null, not omitted
        try c.encode(emailVerified, forKey: .emailVerified)
        try c.encode(background, forKey: .background)
        try c.encode(profileComplete, forKey: .profileComplete)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// The nested `background` of `PlanProfileResponse`.
struct PlanBackgroundOutput: Content {
    let softwareExperience: String
    let programmingBackground: String?
    let hardwareKnowledge: String
    let interests: [String]

    init(_ background: PlanBackground) {
        softwareExperience = background.softwareExperience
        programmingBackground = background.programmingBackground
        hardwareKnowledge = background.hardwareKnowledge
        interests = background.interests
    }

    enum CodingKeys: String, CodingKey {
        case softwareExperience = "software_experience", programmingBackground = "programming_background"
        case hardwareKnowledge = "hardware_knowledge", interests
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(softwareExperience, forKey: .softwareExperience)
        try c.encode(programmingBackground, forKey: .programmingBackground)  // null, not omitted
        try c.encode(hardwareKnowledge, forKey: .hardwareKnowledge)
        try c.encode(interests, forKey: .interests)
    }
}

/// Body of `PUT /auth/profile`: `{"background": {...}, "name": ...}`, each field optional
/// (absent leaves it as it is).
struct UpdatePlanProfileRequest: Content {
    var background: PlanBackgroundInput?
    var name: String?
    var interests: [String]?

    func validated() throws(ValidationFailure) -> ProfileChange {
        var failure = ValidationFailure()
        var change = ProfileChange()
        let background = self.background ?? PlanBackgroundInput()
        change.softwareExperience = failure.check("background.software_experience") { () throws(FieldProblem) in
            try background.software_experience.map { raw throws(FieldProblem) in try PlanBackground.software(raw) }
        } ?? nil
        change.hardwareExperience = failure.check("background.hardware_knowledge") { () throws(FieldProblem) in
            try background.hardware_knowledge.map { raw throws(FieldProblem) in try PlanBackground.hardware(raw) }
        } ?? nil
        if let raw = background.programming_background {
            change.programmingBackground = failure.check("background.programming_background") { () throws(FieldProblem) in
                try PlanBackground.programming(raw)
            }.map { .some($0) }
        }
        let flatInterests = failure.check("interests") { () throws(FieldProblem) in
            try interests.map { raw throws(FieldProblem) in try Interests.normalize(raw) }
        } ?? nil
        let nestedInterests = failure.check("background.interests") { () throws(FieldProblem) in
            try background.interests.map { raw throws(FieldProblem) in try Interests.normalize(raw) }
        } ?? nil
        change.interests = nestedInterests ?? flatInterests
        if let name {
            change.name = failure.check("name") { () throws(FieldProblem) in try DisplayName.normalize(name) }
        }
        try failure.throwIfAny()
        return change
    }
}

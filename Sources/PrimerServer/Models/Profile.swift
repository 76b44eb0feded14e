import Fluent
import Foundation
import PrimerCore

/// A reader's background (table `profiles`), one per user.
final class Profile: Model, @unchecked Sendable {
    static let schema = "profiles"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "software_experience") var softwareExperience: String
    @Field(key: "hardware_experience") var hardwareExperience: String
    @OptionalField(key: "programming_background") var programmingBackground: String?
    @Field(key: "interests") var interests: [String]
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(userID: UUID, profile: ReaderProfile) {
        self.$user.id = userID
        self.set(profile)
    }

    /// Copies the domain values into the row.
    func set(_ profile: ReaderProfile) {
        softwareExperience = profile.softwareExperience.rawValue
        hardwareExperience = profile.hardwareExperience.rawValue
        programmingBackground = profile.programmingBackground?.rawValue
        interests = profile.interests
    }

}

import Fluent
import Foundation
import PrimerCore

/// A reader's background (table `profiles`), one per user. The levels and the interests are
/// stored encrypted (`DataCipher`): each column holds `enc:v1:…` text, the interests the
/// encrypted JSON of the list; `FluentAccountRepository` encrypts and decrypts them.
final class Profile: Model, @unchecked Sendable {
    static let schema = "profiles"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "software_experience") var softwareExperience: String
    @Field(key: "hardware_experience") var hardwareExperience: String
    @OptionalField(key: "programming_background") var programmingBackground: String?
    @Field(key: "interests") var interests: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(userID: UUID, profile: ReaderProfile, cipher: DataCipher) throws {
        self.$user.id = userID
        try self.set(profile, cipher: cipher)
    }

    /// Copies the domain values into the row, encrypted.
    func set(_ profile: ReaderProfile, cipher: DataCipher) throws {
        softwareExperience = try cipher.encrypt(profile.softwareExperience.rawValue)
        hardwareExperience = try cipher.encrypt(profile.hardwareExperience.rawValue)
        programmingBackground = try cipher.encryptIfPresent(profile.programmingBackground?.rawValue)
        interests = try cipher.encrypt(list: profile.interests)
    }

    /// The domain values, decrypted; unknown stored spellings fall back to the most basic level.
    func readerProfile(cipher: DataCipher) throws -> ReaderProfile {
        let software = try cipher.decrypt(softwareExperience), hardware = try cipher.decrypt(hardwareExperience)
        return ReaderProfile(
            softwareExperience: (try? SoftwareExperience(parsing: software)) ?? .beginner,
            hardwareExperience: (try? HardwareExperience(parsing: hardware)) ?? .none,
            programmingBackground: try cipher.decryptIfPresent(programmingBackground).flatMap { try? ProgrammingBackground(parsing: $0) },
            interests: try cipher.decryptList(interests))
    }

}

import Foundation
import PrimerCore
import Vapor

/// An immutable copy of a signed-in reader: user, profile and session facts. Requests read
/// from it; writes load fresh models from the database.
struct AuthenticatedReader: Authenticatable, Sendable {
    let userID: UUID
    let sessionID: UUID
    /// The reader as the API shows it.
    let user: UserResponse
    let sessionExpiresAt: Date
    var sessionLastUsedAt: Date
    /// The `GET /profile` answer, encoded once when the reader is resolved.
    let encodedProfile: ByteBuffer

    init(account: Account, session: DeviceSession) throws {
        self.user = UserResponse(account: account)
        userID = account.id
        sessionID = session.id
        sessionExpiresAt = session.expiresAt
        sessionLastUsedAt = session.lastUsedAt
        encodedProfile = ByteBuffer(data: try APIJSON.encoder.encode(self.user))
    }

    /// The background used to personalise answers.
    var readerProfile: ReaderProfile { user.profile.readerProfile }
}

/// The stored profile's values; also `profile` inside user objects in API answers.
struct ProfileSnapshot: Sendable, Equatable, Codable {
    let softwareExperience: String
    let hardwareExperience: String
    let programmingBackground: String?
    let interests: [String]
    let createdAt: Date
    let updatedAt: Date

    init(_ account: Account) {
        softwareExperience = account.profile.softwareExperience.rawValue
        hardwareExperience = account.profile.hardwareExperience.rawValue
        programmingBackground = account.profile.programmingBackground?.rawValue
        interests = account.profile.interests
        createdAt = account.profileCreatedAt
        updatedAt = account.profileUpdatedAt
    }

    enum CodingKeys: String, CodingKey {
        case softwareExperience = "software_experience", hardwareExperience = "hardware_experience"
        case programmingBackground = "programming_background", interests
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(softwareExperience, forKey: .softwareExperience)
        try c.encode(hardwareExperience, forKey: .hardwareExperience)
        try c.encode(programmingBackground, forKey: .programmingBackground)  // null, not omitted
        try c.encode(interests, forKey: .interests)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    /// The domain value; unknown stored spellings fall back to the most basic level.
    var readerProfile: ReaderProfile {
        ReaderProfile(
            softwareExperience: (try? SoftwareExperience(parsing: softwareExperience)) ?? .beginner,
            hardwareExperience: (try? HardwareExperience(parsing: hardwareExperience)) ?? .none,
            programmingBackground: programmingBackground.flatMap { try? ProgrammingBackground(parsing: $0) },
            interests: interests)
    }
}

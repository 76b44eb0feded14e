import Foundation
import PrimerCore
import Vapor

/// An immutable copy of a signed-in reader: user, profile and session facts. Requests read
/// from it; writes load fresh models from the database.
struct AuthenticatedReader: Authenticatable, Sendable {
    let userID: UUID
    let sessionID: UUID
    let email: String
    let name: String?
    let emailVerified: Bool
    let isActive: Bool
    let createdAt: Date
    let lastLoginAt: Date?
    let profile: ProfileSnapshot
    let sessionExpiresAt: Date
    var sessionLastUsedAt: Date
    /// The `GET /profile` answer, encoded once when the reader is resolved.
    let encodedProfile: ByteBuffer

    init(user: User, profile: Profile, session: AuthSession) throws {
        userID = try user.requireID()
        sessionID = try session.requireID()
        email = user.email
        name = user.name
        emailVerified = user.emailVerified
        isActive = user.isActive
        createdAt = user.createdAt ?? Date()
        lastLoginAt = user.lastLoginAt
        self.profile = ProfileSnapshot(profile)
        sessionExpiresAt = session.expiresAt
        sessionLastUsedAt = session.lastUsedAt
        encodedProfile = ByteBuffer(data: try UserResponse.encoder.encode(UserResponse(user: user, profile: profile)))
    }

    /// The background used to personalise answers.
    var readerProfile: ReaderProfile { profile.readerProfile }
}

/// The stored profile's values.
struct ProfileSnapshot: Sendable, Equatable {
    let softwareExperience: String
    let hardwareExperience: String
    let programmingBackground: String?
    let interests: [String]
    let createdAt: Date
    let updatedAt: Date

    init(_ profile: Profile) {
        softwareExperience = profile.softwareExperience
        hardwareExperience = profile.hardwareExperience
        programmingBackground = profile.programmingBackground
        interests = profile.interests
        createdAt = profile.createdAt ?? Date()
        updatedAt = profile.updatedAt ?? profile.createdAt ?? Date()
    }

    var readerProfile: ReaderProfile {
        ReaderProfile(
            softwareExperience: (try? SoftwareExperience(parsing: softwareExperience)) ?? .beginner,
            hardwareExperience: (try? HardwareExperience(parsing: hardwareExperience)) ?? .none,
            programmingBackground: programmingBackground.flatMap { try? ProgrammingBackground(parsing: $0) },
            interests: interests)
    }
}

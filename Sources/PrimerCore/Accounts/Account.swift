import Foundation

/// A reader account with its background, as the account services see it (no storage types).
public struct Account: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var passwordHash: String
    public var name: String?
    public var emailVerified: Bool
    public var isActive: Bool
    public var createdAt: Date
    public var lastLoginAt: Date?
    public var profile: ReaderProfile
    public var profileCreatedAt: Date
    public var profileUpdatedAt: Date

    public init(id: UUID = UUID(), email: String, passwordHash: String, name: String?, emailVerified: Bool = false,
                isActive: Bool = true, createdAt: Date, lastLoginAt: Date? = nil, profile: ReaderProfile,
                profileCreatedAt: Date? = nil, profileUpdatedAt: Date? = nil) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.name = name
        self.emailVerified = emailVerified
        self.isActive = isActive
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
        self.profile = profile
        self.profileCreatedAt = profileCreatedAt ?? createdAt
        self.profileUpdatedAt = profileUpdatedAt ?? profileCreatedAt ?? createdAt
    }
}

import Foundation

/// A signed-in device: access tokens carry its id; it ends when revoked or when its refresh
/// lifetime passes.
public struct DeviceSession: Sendable, Equatable {
    public var id: UUID
    public var userID: UUID
    public var createdAt: Date
    public var lastUsedAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?
    public var userAgent: String?
    public var ipAddress: String?

    public init(id: UUID = UUID(), userID: UUID, createdAt: Date, lastUsedAt: Date? = nil, expiresAt: Date, revokedAt: Date? = nil,
                userAgent: String?, ipAddress: String?) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt ?? createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.userAgent = userAgent
        self.ipAddress = ipAddress
    }

    /// True when the session may still be used at `now`.
    public func isLive(at now: Date) -> Bool {
        revokedAt == nil && expiresAt > now
    }
}

/// The device details a new session records (from the request that opened it).
public struct ClientInfo: Sendable, Equatable {
    public var userAgent: String?
    public var ipAddress: String?

    public init(userAgent: String? = nil, ipAddress: String? = nil) {
        self.userAgent = userAgent.map { String($0.prefix(512)) }
        self.ipAddress = ipAddress
    }
}

/// A stored refresh token: the SHA-256 of the token, its session, and when it was exchanged
/// for its successor (nil while it is the session's current token).
public struct StoredRefreshToken: Sendable, Equatable {
    public var id: UUID
    public var sessionID: UUID
    public var tokenHash: String
    public var rotatedAt: Date?

    public init(id: UUID = UUID(), sessionID: UUID, tokenHash: String, rotatedAt: Date? = nil) {
        self.id = id
        self.sessionID = sessionID
        self.tokenHash = tokenHash
        self.rotatedAt = rotatedAt
    }
}

/// A record of a profile change: which fields, their old and new values (JSON objects keyed by field).
public struct AuditEntry: Sendable, Equatable {
    public var userID: UUID
    public var action: String
    public var changedFields: [String]
    public var oldValues: String
    public var newValues: String

    public init(userID: UUID, action: String, changedFields: [String], oldValues: String, newValues: String) {
        self.userID = userID
        self.action = action
        self.changedFields = changedFields
        self.oldValues = oldValues
        self.newValues = newValues
    }
}

import PrimerCore
import Vapor

/// One entry of `GET /auth/sessions`.
struct SessionResponse: Content {
    let id: UUID
    let createdAt: Date
    let lastUsedAt: Date
    let userAgent: String?
    let ipAddress: String?
    let current: Bool

    /// A live session as the reader's device list shows it; `current` marks the asking one.
    init(_ session: DeviceSession, current: UUID) {
        id = session.id
        createdAt = session.createdAt
        lastUsedAt = session.lastUsedAt
        userAgent = session.userAgent
        ipAddress = session.ipAddress
        self.current = session.id == current
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", lastUsedAt = "last_used_at", userAgent = "user_agent"
        case ipAddress = "ip_address", current
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(lastUsedAt, forKey: .lastUsedAt)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(ipAddress, forKey: .ipAddress)
        try c.encode(current, forKey: .current)
    }
}

import Foundation
import PrimerCore
import Vapor

/// `GET /api/v1/account/export`: everything Primer holds about the reader, decrypted.
struct AccountExport: Content {
    let exportedAt: Date
    let user: UserResponse
    let sessions: [ExportedSession]
    let auditEvents: [ExportedAuditEvent]
    let questions: [ExportedQuestion]
    /// Whether two-factor sign-in is on (the secret and the backup codes are never exported).
    let twoFactor: TwoFactorStatusResponse

    enum CodingKeys: String, CodingKey {
        case exportedAt = "exported_at", user, sessions, auditEvents = "audit_events", questions, twoFactor = "two_factor"
    }
}

/// Every session of the reader, ended ones included.
struct ExportedSession: Content {
    let id: UUID
    let createdAt: Date
    let lastUsedAt: Date
    let expiresAt: Date
    let revokedAt: Date?
    let userAgent: String?
    let ipAddress: String?

    enum CodingKeys: String, CodingKey {
        case id, createdAt = "created_at", lastUsedAt = "last_used_at", expiresAt = "expires_at", revokedAt = "revoked_at"
        case userAgent = "user_agent", ipAddress = "ip_address"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(lastUsedAt, forKey: .lastUsedAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(revokedAt, forKey: .revokedAt)  // null, not omitted
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(ipAddress, forKey: .ipAddress)
    }
}

/// A profile change with its old and new values.
struct ExportedAuditEvent: Content {
    let action: String
    let changedFields: [String]
    let oldValues: [String: AuditValue]
    let newValues: [String: AuditValue]
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case action, changedFields = "changed_fields", oldValues = "old_values", newValues = "new_values", createdAt = "created_at"
    }
}

/// A question the reader asked, its answer and their feedback.
struct ExportedQuestion: Content {
    let id: UUID
    let conversationID: UUID
    let query: String
    let answer: String
    let answered: Bool
    let helpful: Bool?
    let feedbackComment: String?
    let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, conversationID = "conversation_id", query, answer, answered, helpful, feedbackComment = "feedback_comment"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(conversationID, forKey: .conversationID)
        try c.encode(query, forKey: .query)
        try c.encode(answer, forKey: .answer)
        try c.encode(answered, forKey: .answered)
        try c.encode(helpful, forKey: .helpful)
        try c.encode(feedbackComment, forKey: .feedbackComment)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

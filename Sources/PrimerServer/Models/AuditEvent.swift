import Fluent
import Foundation

/// A record of a profile change (table `audit_events`): who, when, which fields, old and new
/// values (JSON objects keyed by field name, each stored encrypted with `DataCipher`).
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Field(key: "action") var action: String
    @Field(key: "changed_fields") var changedFields: [String]
    @Field(key: "old_values") var oldValues: String
    @Field(key: "new_values") var newValues: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, action: String, changedFields: [String], oldValues: String, newValues: String) {
        self.$user.id = userID
        self.action = action
        self.changedFields = changedFields
        self.oldValues = oldValues
        self.newValues = newValues
    }
}

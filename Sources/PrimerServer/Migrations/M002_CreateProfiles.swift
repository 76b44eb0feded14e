import Fluent

/// 002: `profiles`, one per user.
struct M002_CreateProfiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Profile.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("software_experience", .string, .required)
            .field("hardware_experience", .string, .required)
            .field("programming_background", .string)
            .field("interests", .array(of: .string), .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Profile.schema).delete()
    }
}

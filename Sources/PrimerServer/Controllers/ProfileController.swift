import Fluent
import Foundation
import PrimerCore
import Vapor

/// `/api/v1/profile`: read and edit the reader's background.
struct ProfileController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let profile = routes.grouped("profile").grouped(ReaderAuthMiddleware())
        profile.get(use: show)
        profile.put(use: update)
    }

    /// Synchronous: the reader is already resolved (often from the cache) with its answer
    /// encoded.
    @Sendable
    func show(req: Request) throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"],
                 body: .init(buffer: try req.reader.encodedProfile))
    }

    @Sendable
    func update(req: Request) async throws -> UserResponse {
        let change = try req.decodeJSON(UpdateProfileRequest.self).validated()
        let reader = try req.reader
        guard let user = try await User.query(on: req.db).filter(\.$id == reader.userID).with(\.$profile).first(),
              let profile = user.profile
        else { throw APIError.invalidToken }
        var values = ProfileSnapshot(profile).readerProfile
        var name = user.name
        let changes = values.apply(change, name: &name)
        guard !changes.isEmpty else { return try UserResponse(user: user, profile: profile) }
        profile.set(values)
        user.name = name
        let event = try AuditEvent(
            userID: reader.userID, action: "profile.update", changedFields: changes.map(\.field),
            oldValues: Self.json(changes.map { ($0.field, $0.old) }), newValues: Self.json(changes.map { ($0.field, $0.new) }))
        try await req.primer.writes.transaction(on: req.db) { db in
            try await profile.save(on: db)
            if changes.contains(where: { $0.field == "name" }) { try await user.save(on: db) }
            try await event.create(on: db)
        }
        req.primer.readers.invalidate(userID: reader.userID)
        return try UserResponse(user: user, profile: profile)
    }

    /// `{"field": value, ...}` as a JSON string, keys sorted.
    static func json(_ pairs: [(String, AuditValue)]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: pairs)), as: UTF8.self)
    }
}

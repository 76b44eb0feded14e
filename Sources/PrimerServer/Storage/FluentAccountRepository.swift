import Fluent
import Foundation
import PrimerCore

/// Accounts, sessions and refresh tokens in the database (SQLite or PostgreSQL) through Fluent.
/// Every write goes through the write gate; each method is one transaction.
struct FluentAccountRepository: AccountRepository, SessionRepository {
    let db: any Database
    let writes: WriteGate

    // MARK: AccountRepository

    func account(email: String) async throws -> Account? {
        try await User.query(on: db).filter(\.$email == email).with(\.$profile).first().flatMap(Account.init)
    }

    func account(id: UUID) async throws -> Account? {
        try await User.query(on: db).filter(\.$id == id).with(\.$profile).first().flatMap(Account.init)
    }

    func create(_ account: Account, session: DeviceSession, refreshTokenHash: String) async throws {
        do {
            try await writes.transaction(on: db) { db in
                let user = User(id: account.id, email: account.email, passwordHash: account.passwordHash, name: account.name)
                try await user.create(on: db)
                try await Profile(userID: account.id, profile: account.profile).create(on: db)
                try await Self.store(session, refreshTokenHash: refreshTokenHash, on: db)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw AccountError.emailTaken
        }
    }

    func recordSignIn(userID: UUID, at date: Date, session: DeviceSession, refreshTokenHash: String) async throws {
        try await writes.transaction(on: db) { db in
            try await User.query(on: db).filter(\.$id == userID).set(\.$lastLoginAt, to: date).update()
            try await Self.store(session, refreshTokenHash: refreshTokenHash, on: db)
        }
    }

    private static func store(_ session: DeviceSession, refreshTokenHash: String, on db: any Database) async throws {
        try await AuthSession(id: session.id, userID: session.userID, expiresAt: session.expiresAt, userAgent: session.userAgent,
                              ipAddress: session.ipAddress, now: session.createdAt).create(on: db)
        try await RefreshTokenRecord(sessionID: session.id, tokenHash: refreshTokenHash).create(on: db)
    }

    func updateProfile(_ account: Account, audit: AuditEntry) async throws {
        let userID = account.id
        try await writes.transaction(on: db) { db in
            guard let user = try await User.query(on: db).filter(\.$id == userID).with(\.$profile).first(),
                  let profile = user.profile else { throw AccountError.accountNotFound }
            profile.set(account.profile)
            try await profile.save(on: db)
            if user.name != account.name {
                user.name = account.name
                try await user.save(on: db)
            }
            try await AuditEvent(userID: userID, action: audit.action, changedFields: audit.changedFields,
                                 oldValues: audit.oldValues, newValues: audit.newValues).create(on: db)
        }
    }

    func delete(userID: UUID) async throws {
        try await writes.transaction(on: db) { db in
            let sessionIDs = try await AuthSession.query(on: db).filter(\.$user.$id == userID).all(\.$id)
            if !sessionIDs.isEmpty {
                try await RefreshTokenRecord.query(on: db).filter(\.$session.$id ~~ sessionIDs).delete()
            }
            try await AuthSession.query(on: db).filter(\.$user.$id == userID).delete()
            try await AuditEvent.query(on: db).filter(\.$user.$id == userID).delete()
            try await ChatQuery.query(on: db).filter(\.$userID == userID).delete()
            try await Profile.query(on: db).filter(\.$user.$id == userID).delete()
            try await User.query(on: db).filter(\.$id == userID).delete()
        }
    }

    // MARK: SessionRepository

    func session(id: UUID) async throws -> DeviceSession? {
        try await AuthSession.find(id, on: db).map(DeviceSession.init)
    }

    func liveSessions(userID: UUID, at date: Date) async throws -> [DeviceSession] {
        try await AuthSession.query(on: db)
            .filter(\.$user.$id == userID).filter(\.$revokedAt == nil).filter(\.$expiresAt > date)
            .sort(\.$lastUsedAt, .descending).all().map(DeviceSession.init)
    }

    func touch(sessionID: UUID, at date: Date) async throws {
        try await AuthSession.query(on: db).filter(\.$id == sessionID).set(\.$lastUsedAt, to: date).update()
    }

    func revoke(sessionIDs: [UUID], at date: Date) async throws {
        try await writes.serialised {
            try await AuthSession.query(on: db).filter(\.$id ~~ sessionIDs).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: date).update()
        }
    }

    func revokeAll(userID: UUID, at date: Date) async throws {
        try await writes.serialised {
            try await AuthSession.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: date).update()
        }
    }

    func refreshToken(hash: String) async throws -> StoredRefreshToken? {
        guard let record = try await RefreshTokenRecord.query(on: db).filter(\.$tokenHash == hash).first() else { return nil }
        return StoredRefreshToken(id: try record.requireID(), sessionID: record.$session.id, tokenHash: record.tokenHash,
                                  rotatedAt: record.rotatedAt)
    }

    func rotate(_ token: StoredRefreshToken, successorHash: String, at date: Date, expiresAt: Date) async throws -> Bool {
        do {
            try await writes.transaction(on: db) { db in
                try await RefreshTokenRecord.query(on: db).filter(\.$id == token.id).filter(\.$rotatedAt == nil)
                    .set(\.$rotatedAt, to: date).update()
                try await RefreshTokenRecord(sessionID: token.sessionID, tokenHash: successorHash).create(on: db)
                try await AuthSession.query(on: db).filter(\.$id == token.sessionID)
                    .set(\.$lastUsedAt, to: date).set(\.$expiresAt, to: expiresAt).update()
            }
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false  // a concurrent request rotated the same token first
        }
    }
}

extension Account {
    /// The account of a user row loaded with its profile; nil without a profile.
    init?(_ user: User) {
        guard let id = user.id, let profile = user.profile else { return nil }
        self.init(id: id, email: user.email, passwordHash: user.passwordHash, name: user.name, emailVerified: user.emailVerified,
                  isActive: user.isActive, createdAt: user.createdAt ?? Date(), lastLoginAt: user.lastLoginAt,
                  profile: ProfileSnapshot(profile).readerProfile, profileCreatedAt: profile.createdAt,
                  profileUpdatedAt: profile.updatedAt ?? profile.createdAt)
    }
}

extension DeviceSession {
    init(_ session: AuthSession) {
        self.init(id: session.id ?? UUID(), userID: session.$user.id, createdAt: session.createdAt ?? session.lastUsedAt,
                  lastUsedAt: session.lastUsedAt, expiresAt: session.expiresAt, revokedAt: session.revokedAt,
                  userAgent: session.userAgent, ipAddress: session.ipAddress)
    }
}

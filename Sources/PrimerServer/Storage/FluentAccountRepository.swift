import Fluent
import Foundation
import PrimerCore
import SQLKit

/// Accounts, sessions and refresh tokens in the database (SQLite or PostgreSQL) through Fluent.
/// Every write goes through the write gate; each method is one transaction. The name, the
/// background and the audit values are encrypted with `cipher` on the way in and decrypted on
/// the way out: `Account` values are always plaintext.
struct FluentAccountRepository: AccountRepository, SessionRepository, OneTimeTokenRepository, TwoFactorRepository {
    let db: any Database
    let writes: WriteGate
    let cipher: DataCipher

    // MARK: AccountRepository

    func account(email: String) async throws -> Account? {
        let cipher = self.cipher
        return try await User.query(on: db).filter(\.$email == email).with(\.$profile).first().flatMap { try Account($0, cipher: cipher) }
    }

    func account(id: UUID) async throws -> Account? {
        let cipher = self.cipher
        return try await User.query(on: db).filter(\.$id == id).with(\.$profile).first().flatMap { try Account($0, cipher: cipher) }
    }

    func create(_ account: Account, session: DeviceSession, refreshTokenHash: String) async throws {
        let name = try cipher.encryptIfPresent(account.name)
        let profile = try Profile(userID: account.id, profile: account.profile, cipher: cipher)
        do {
            try await writes.transaction(on: db) { db in
                let user = User(id: account.id, email: account.email, passwordHash: account.passwordHash, name: name)
                try await user.create(on: db)
                try await profile.create(on: db)
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
        let userID = account.id, cipher = self.cipher
        let event = try auditEvent(audit)
        try await writes.transaction(on: db) { db in
            guard let user = try await User.query(on: db).filter(\.$id == userID).with(\.$profile).first(),
                  let profile = user.profile else { throw AccountError.accountNotFound }
            try profile.set(account.profile, cipher: cipher)
            try await profile.save(on: db)
            if try cipher.decryptIfPresent(user.name) != account.name {
                user.name = try cipher.encryptIfPresent(account.name)
                try await user.save(on: db)
            }
            try await event.create(on: db)
        }
    }

    func markEmailVerified(userID: UUID) async throws {
        try await writes.serialised {
            try await User.query(on: db).filter(\.$id == userID).set(\.$emailVerified, to: true).update()
        }
    }

    func setPassword(userID: UUID, hash: String) async throws {
        try await writes.serialised {
            try await User.query(on: db).filter(\.$id == userID).set(\.$passwordHash, to: hash).update()
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
            try await AccountToken.query(on: db).filter(\.$user.$id == userID).delete()
            try await TwoFactorRecord.query(on: db).filter(\.$user.$id == userID).delete()
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

    func revokeAll(userID: UUID, except: UUID?, at date: Date) async throws {
        try await writes.serialised {
            let query = AuthSession.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil)
            if let except { query.filter(\.$id != except) }
            try await query.set(\.$revokedAt, to: date).update()
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

extension FluentAccountRepository {
    // MARK: OneTimeTokenRepository

    func store(_ token: OneTimeToken) async throws {
        let row = AccountToken(OneTimeTokenRow(id: token.id, userID: token.userID, purpose: token.purpose.rawValue,
                                               tokenHash: token.tokenHash, createdAt: token.createdAt,
                                               expiresAt: token.expiresAt, usedAt: token.usedAt))
        try await writes.serialised { try await row.create(on: db) }
    }

    func token(hash: String) async throws -> OneTimeToken? {
        guard let row = try await AccountToken.query(on: db).filter(\.$tokenHash == hash).first(),
              let purpose = OneTimeToken.Purpose(rawValue: row.purpose) else { return nil }
        return OneTimeToken(id: try row.requireID(), userID: row.$user.id, purpose: purpose, tokenHash: row.tokenHash,
                            createdAt: row.createdAt, expiresAt: row.expiresAt, usedAt: row.usedAt)
    }

    func use(id: UUID, at date: Date) async throws -> Bool {
        try await writes.transaction(on: db) { db in
            // PostgreSQL: lock the row so two requests using the same token can't both see it unused
            // (SQLite transactions are already one at a time through the write gate).
            if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
                let rows = try await sql.raw("SELECT id FROM account_tokens WHERE id = \(bind: id) AND used_at IS NULL FOR UPDATE").all()
                guard rows.count == 1 else { return false }
            } else {
                guard try await AccountToken.query(on: db).filter(\.$id == id).filter(\.$usedAt == nil).count() == 1 else { return false }
            }
            try await AccountToken.query(on: db).filter(\.$id == id).filter(\.$usedAt == nil).set(\.$usedAt, to: date).update()
            return true
        }
    }

    func retire(userID: UUID, purpose: OneTimeToken.Purpose, at date: Date) async throws {
        try await writes.serialised {
            try await AccountToken.query(on: db).filter(\.$user.$id == userID).filter(\.$purpose == purpose.rawValue)
                .filter(\.$usedAt == nil).set(\.$usedAt, to: date).update()
        }
    }
}

extension FluentAccountRepository {
    // MARK: TwoFactorRepository

    func twoFactor(userID: UUID) async throws -> TwoFactorState? {
        guard let row = try await TwoFactorRecord.query(on: db).filter(\.$user.$id == userID).first() else { return nil }
        guard let secret = TOTP(base32: try cipher.decrypt(row.secret)) else { throw TwoFactorStorageError.unreadableSecret(userID) }
        return TwoFactorState(userID: userID, secret: secret.secret, createdAt: row.createdAt, enabledAt: row.enabledAt,
                              lastUsedStep: row.lastUsedStep.map { UInt64(clamping: $0) },
                              backupCodeHashes: try cipher.decryptList(row.backupCodes), version: row.version)
    }

    func saveTwoFactor(_ state: TwoFactorState, expectedVersion: Int?, audit: AuditEntry?) async throws -> Bool {
        let secret = try cipher.encrypt(TOTP(secret: state.secret).base32Secret)
        let codes = try cipher.encrypt(list: state.backupCodeHashes)
        let step = state.lastUsedStep.map { Int64(clamping: $0) }
        let event = try audit.map { try auditEvent($0) }
        do {
            return try await writes.transaction(on: db) { db in
                if let expectedVersion {
                    let sql = db as! any SQLDatabase
                    let updated = try await sql.update(TwoFactorRecord.schema)
                        .set("secret", to: SQLBind(secret)).set("backup_codes", to: SQLBind(codes))
                        .set("enabled_at", to: SQLBind(state.enabledAt)).set("last_used_step", to: SQLBind(step))
                        .set("created_at", to: SQLBind(state.createdAt)).set("version", to: SQLBind(expectedVersion + 1))
                        .where("user_id", .equal, SQLBind(state.userID)).where("version", .equal, SQLBind(expectedVersion))
                        .returning("id").all()
                    guard updated.count == 1 else { return false }
                } else {
                    let row = TwoFactorRecord()
                    row.$user.id = state.userID
                    row.secret = secret
                    row.backupCodes = codes
                    row.createdAt = state.createdAt
                    row.enabledAt = state.enabledAt
                    row.lastUsedStep = step
                    row.version = 0
                    try await row.create(on: db)
                }
                try await event?.create(on: db)
                return true
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false  // a concurrent set-up stored its row first
        }
    }

    func deleteTwoFactor(userID: UUID, audit: AuditEntry?) async throws {
        let event = try audit.map { try auditEvent($0) }
        try await writes.transaction(on: db) { db in
            try await TwoFactorRecord.query(on: db).filter(\.$user.$id == userID).delete()
            try await event?.create(on: db)
        }
    }

    /// The audit row for `entry`, its values encrypted.
    private func auditEvent(_ entry: AuditEntry) throws -> AuditEvent {
        AuditEvent(userID: entry.userID, action: entry.action, changedFields: entry.changedFields,
                   oldValues: try cipher.encrypt(entry.oldValues), newValues: try cipher.encrypt(entry.newValues))
    }
}

/// A stored two-factor secret that decrypts to something that is not base32 (never written by Primer).
enum TwoFactorStorageError: Error, CustomStringConvertible {
    case unreadableSecret(UUID)

    var description: String {
        switch self {
        case .unreadableSecret(let userID): "the two-factor secret of user \(userID) is not base32"
        }
    }
}

extension Account {
    /// The account of a user row loaded with its profile, decrypted with `cipher`; nil without a
    /// profile. Throws `DataCipherError` for a value the configured keys do not open.
    init?(_ user: User, cipher: DataCipher) throws {
        guard let id = user.id, let profile = user.profile else { return nil }
        self.init(id: id, email: user.email, passwordHash: user.passwordHash, name: try cipher.decryptIfPresent(user.name),
                  emailVerified: user.emailVerified, isActive: user.isActive, createdAt: user.createdAt ?? Date(),
                  lastLoginAt: user.lastLoginAt, profile: try profile.readerProfile(cipher: cipher), profileCreatedAt: profile.createdAt,
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

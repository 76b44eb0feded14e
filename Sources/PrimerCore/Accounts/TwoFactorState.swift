import Crypto
import Foundation

/// A reader's two-factor sign-in as stored: the TOTP secret, whether it is switched on (a
/// secret set up but never confirmed with a code stays off), the last time step a code was
/// accepted for (so no code works twice) and the hashes of the unused backup codes.
/// `version` changes on every write, so two requests using codes at once can't both win.
public struct TwoFactorState: Sendable, Equatable {
    public var userID: UUID
    public var secret: [UInt8]
    public var createdAt: Date
    /// When the reader confirmed the set-up with a code; nil while it is only set up.
    public var enabledAt: Date?
    /// The TOTP step of the last accepted code.
    public var lastUsedStep: UInt64?
    /// `TwoFactorState.hash(backupCode:userID:)` of each unused backup code.
    public var backupCodeHashes: [String]
    public var version: Int

    public init(userID: UUID, secret: [UInt8], createdAt: Date, enabledAt: Date? = nil, lastUsedStep: UInt64? = nil,
                backupCodeHashes: [String] = [], version: Int = 0) {
        self.userID = userID
        self.secret = secret
        self.createdAt = createdAt
        self.enabledAt = enabledAt
        self.lastUsedStep = lastUsedStep
        self.backupCodeHashes = backupCodeHashes
        self.version = version
    }

    public var isEnabled: Bool { enabledAt != nil }

    /// The stored form of a backup code: SHA-256 of the user id and the normalised code (the
    /// list of hashes is itself stored encrypted).
    public static func hash(backupCode: String, userID: UUID) -> String {
        let input = userID.uuidString.lowercased() + ":" + BackupCodes.normalize(backupCode)
        return SHA256.hash(data: Data(input.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Where two-factor states live (one per account at most).
public protocol TwoFactorRepository: Sendable {
    func twoFactor(userID: UUID) async throws -> TwoFactorState?
    /// Stores `state` when the stored one still has `expectedVersion` (nil: there is none yet),
    /// with the version moved on, and `audit` in the same transaction; false when another
    /// request changed it first (nothing is written then).
    func saveTwoFactor(_ state: TwoFactorState, expectedVersion: Int?, audit: AuditEntry?) async throws -> Bool
    /// Removes the account's two-factor state, with `audit`.
    func deleteTwoFactor(userID: UUID, audit: AuditEntry?) async throws
}

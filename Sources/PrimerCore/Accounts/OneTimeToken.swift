import Crypto
import Foundation

/// A single-use token sent by email (verify the address, reset the password). Only its
/// SHA-256 is stored; it expires after its purpose's lifetime and works once.
public struct OneTimeToken: Sendable, Equatable {
    /// What a token proves, and for how long.
    public enum Purpose: String, Sendable, Equatable, CaseIterable {
        case emailVerification = "verify_email"
        case passwordReset = "reset_password"
        /// The second step of a two-factor sign-in (`mfa_token`).
        case signInChallenge = "sign_in_challenge"

        public var lifetime: TimeInterval {
            switch self {
            case .emailVerification: 24 * 3600
            case .passwordReset: 3600
            case .signInChallenge: 300
            }
        }
    }

    public var id: UUID
    public var userID: UUID
    public var purpose: Purpose
    public var tokenHash: String
    public var createdAt: Date
    public var expiresAt: Date
    public var usedAt: Date?

    public init(id: UUID = UUID(), userID: UUID, purpose: Purpose, tokenHash: String, createdAt: Date, expiresAt: Date? = nil,
                usedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.purpose = purpose
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt ?? createdAt.addingTimeInterval(purpose.lifetime)
        self.usedAt = usedAt
    }

    /// A new random token (32 bytes, base64url) and the record that stores its hash.
    public static func issue(for userID: UUID, purpose: Purpose, at date: Date) -> (token: String, record: OneTimeToken) {
        let token = RefreshTokens.random(byteCount: 32)
        return (token, OneTimeToken(userID: userID, purpose: purpose, tokenHash: hash(token), createdAt: date))
    }

    /// The stored form of `token`.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// True when the token may still be used at `date`.
    public func isUsable(at date: Date) -> Bool {
        usedAt == nil && expiresAt > date
    }
}

/// Where one-time tokens live.
public protocol OneTimeTokenRepository: Sendable {
    func store(_ token: OneTimeToken) async throws
    func token(hash: String) async throws -> OneTimeToken?
    /// Marks the token used at `date` if it is still unused; false when another request used it first.
    func use(id: UUID, at date: Date) async throws -> Bool
    /// Marks every unused token of `userID` for `purpose` used (a newer one replaces them, or the job is done).
    func retire(userID: UUID, purpose: OneTimeToken.Purpose, at date: Date) async throws
}

/// The emails the account flows send. The server renders and queues them off the request path.
public protocol AccountMail: Sendable {
    func verifyEmail(_ account: Account, token: String) async
    func resetPassword(_ account: Account, token: String) async
    func passwordChanged(_ account: Account) async
    func twoFactorEnabled(_ account: Account) async
    func twoFactorDisabled(_ account: Account) async
}

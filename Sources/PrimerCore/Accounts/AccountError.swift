import Foundation

/// What the account rules refuse. The server turns each into an HTTP answer in one place.
public enum AccountError: Error, Equatable, Sendable {
    case emailTaken
    case invalidCredentials
    case accountDisabled
    /// Too many failed sign-ins: locked until `until` (as seen at `now`).
    case locked(until: Date, now: Date)
    case invalidRefreshToken
    /// An old refresh token was replayed after the grace window: its session was ended.
    case refreshTokenReused(sessionID: UUID)
    case passwordRequired
    case wrongPassword
    case sessionNotFound
    /// The account behind a valid token no longer exists.
    case accountNotFound
    /// An emailed token that is unknown, expired or already used.
    case invalidToken
    /// Sign-in needs a verified email (`REQUIRE_EMAIL_VERIFICATION=true`).
    case emailNotVerified
    /// Two-factor set-up asked for while it is already on.
    case twoFactorAlreadyEnabled
    /// Two-factor sign-in is off, so there is nothing to disable or regenerate.
    case twoFactorNotEnabled
    /// `enable` without a `setUp` first.
    case twoFactorNotSetUp
    /// Another request changed the two-factor state at the same moment.
    case twoFactorChanged
    /// A wrong, expired or already used two-factor code.
    case invalidCode
    /// The sign-in challenge of the second step is unknown, expired (5 minutes) or used.
    case invalidChallenge
}

extension LoginLockoutStore {
    /// Reserves one check (a password or a code) for `key`, or throws `AccountError.locked`.
    func reserveCheck(_ key: String, now: Date) async throws(AccountError) -> LoginAttempt {
        switch await reserve(key, now: now) {
        case .granted(let attempt): return attempt
        case .refused(let until): throw .locked(until: until, now: now)
        }
    }
}

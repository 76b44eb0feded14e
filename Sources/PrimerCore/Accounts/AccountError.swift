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
}

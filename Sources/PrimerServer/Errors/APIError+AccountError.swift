import PrimerCore

extension APIError {
    /// The HTTP answer for a refused account rule (the one place that decides it).
    init(_ error: AccountError) {
        switch error {
        case .emailTaken: self = .emailTaken
        case .invalidCredentials: self = .invalidCredentials
        case .accountDisabled: self = .accountDisabled
        case let .locked(until, now):
            let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
            self = .tooManyRequests(
                code: "account_locked",
                detail: "Too many failed sign-ins for this account. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").",
                retryAfter: until.timeIntervalSince(now))
        case .invalidRefreshToken: self = .invalidRefreshToken
        case .refreshTokenReused: self = .refreshTokenReused
        case .passwordRequired: self = .invalidRequest("Confirm with your password", fields: ["password": "is required"])
        case .wrongPassword:
            self = APIError(status: .forbidden, code: "invalid_password", detail: "The password is not correct",
                            fields: ["password": "is not correct"])
        case .sessionNotFound: self = .notFound("No such session")
        case .accountNotFound: self = .invalidToken
        case .invalidToken:
            self = APIError(status: .badRequest, code: "invalid_token", detail: "This link is invalid, expired or already used")
        case .emailNotVerified:
            self = APIError(status: .forbidden, code: "email_not_verified",
                            detail: "Confirm your email address first: follow the link we sent you, or ask for a new one")
        case .twoFactorAlreadyEnabled:
            self = APIError(status: .conflict, code: "two_factor_enabled",
                            detail: "Two-factor sign-in is already on. Turn it off first to set up a new authenticator")
        case .twoFactorNotEnabled:
            self = APIError(status: .conflict, code: "two_factor_not_enabled", detail: "Two-factor sign-in is not on for this account")
        case .twoFactorNotSetUp:
            self = APIError(status: .conflict, code: "two_factor_not_set_up",
                            detail: "Set up two-factor sign-in first (POST /api/v1/auth/2fa/setup), then confirm it with a code")
        case .twoFactorChanged:
            self = APIError(status: .conflict, code: "two_factor_changed",
                            detail: "Two-factor sign-in was changed by another request at the same time. Try again")
        case .invalidCode:
            self = APIError(status: .badRequest, code: "invalid_code",
                            detail: "That code is not right, or was already used. Enter the current code from your authenticator app, or an unused backup code",
                            fields: ["code": "is not right or was already used"])
        case .invalidChallenge:
            self = APIError(status: .unauthorized, code: "invalid_mfa_token",
                            detail: "This sign-in step has expired or was already completed. Sign in again with your password")
        }
    }
}

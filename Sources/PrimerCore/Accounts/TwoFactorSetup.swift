import Foundation

/// What a reader needs to add Primer to an authenticator app: the secret in base32 (to type
/// in) and the `otpauth://` URL (shown as a QR code).
public struct TwoFactorSetup: Sendable, Equatable {
    public let secret: String
    public let otpauthURL: String

    public init(secret: String, otpauthURL: String) {
        self.secret = secret
        self.otpauthURL = otpauthURL
    }
}

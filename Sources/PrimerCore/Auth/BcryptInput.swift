import Crypto
import Foundation

/// Prepares a password for bcrypt, which reads at most 72 bytes and stops at a NUL byte.
/// Passwords that fit are passed through unchanged; longer ones (or ones with NUL) are
/// replaced by a tagged SHA-256 digest so no part of them is silently ignored.
public enum BcryptInput {
    /// bcrypt's input limit in bytes.
    public static let maxBytes = 72

    /// The string to hand to bcrypt for `password`.
    public static func prepare(_ password: String) -> String {
        let bytes = Array(password.utf8)
        guard bytes.count > maxBytes || bytes.contains(0) else { return password }
        return "sha256$" + Data(SHA256.hash(data: bytes)).base64EncodedString()
    }
}

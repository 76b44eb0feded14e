import Crypto
import Foundation

/// Opaque refresh tokens: 256 random bits, base64url. The server stores only their SHA-256
/// hashes. A rotated token's successor is derived with HMAC from the token and the server
/// secret, so a racing request that presents the old token again can be given the same
/// successor without the server ever storing a usable token.
public struct RefreshTokens: Sendable {
    private let key: SymmetricKey

    /// - Parameter secret: the server secret (`BETTER_AUTH_SECRET`).
    public init(secret: String) {
        // Domain-separate from the JWT signing key.
        let derived = HMAC<SHA256>.authenticationCode(
            for: Data("primer refresh token rotation v1".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        self.key = SymmetricKey(data: Data(derived))
    }

    /// A fresh random token (32 bytes from the system CSPRNG).
    public func generate() -> String {
        Self.random(byteCount: 32)
    }

    /// `byteCount` bytes from the system CSPRNG, base64url-encoded.
    public static func random(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The token that replaces `token` when it is rotated.
    public func successor(of token: String) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: key)))
    }

    /// Hex SHA-256 of `token`: the only form in which tokens are stored.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Base64url without padding (RFC 4648 §5).
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func decode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

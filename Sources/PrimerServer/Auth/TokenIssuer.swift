import Crypto
import Foundation
import JWT
import PrimerCore

/// Signs and verifies access tokens and mints refresh tokens.
struct TokenIssuer: Sendable {
    let keys: JWTKeyCollection
    let verificationKey: SymmetricKey
    let refresh: RefreshTokens
    let accessLifetime: TimeInterval
    let refreshLifetime: TimeInterval

    static func make(secret: String, accessMinutes: Int, refreshDays: Int) async -> TokenIssuer {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenIssuer(
            keys: keys, verificationKey: SymmetricKey(data: Data(secret.utf8)), refresh: RefreshTokens(secret: secret),
            accessLifetime: TimeInterval(accessMinutes * 60), refreshLifetime: TimeInterval(refreshDays * 86_400))
    }

    /// A signed access token for `userID` in session `sessionID`.
    func accessToken(userID: UUID, sessionID: UUID, now: Date = Date()) async throws -> String {
        let claims = AccessTokenClaims(
            sub: .init(value: userID.uuidString), sid: sessionID.uuidString,
            iat: .init(value: now), exp: .init(value: now.addingTimeInterval(accessLifetime)), type: "access")
        return try await keys.sign(claims)
    }

    /// The user and session of `token`, or nil unless it is an HS256 Primer access token that
    /// is correctly signed, unexpired and of type `access`. Synchronous: it runs on the event
    /// loop without hopping (an HMAC and a small JSON decode).
    func verifyAccessToken(_ token: String, now: Date = Date()) -> (userID: UUID, sessionID: UUID)? {
        let bytes = Array(token.utf8)
        guard let parsed = try? DefaultJWTParser().parse(bytes, as: AccessTokenClaims.self),
              parsed.header.alg == "HS256",
              let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")),
              HMAC<SHA256>.isValidAuthenticationCode(parsed.signature, authenticating: bytes[..<lastDot], using: verificationKey),
              parsed.payload.type == "access",
              parsed.payload.exp.value > now,
              let userID = UUID(uuidString: parsed.payload.sub.value),
              let sessionID = UUID(uuidString: parsed.payload.sid)
        else { return nil }
        return (userID, sessionID)
    }
}

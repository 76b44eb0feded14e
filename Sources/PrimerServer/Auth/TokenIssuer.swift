import Foundation
import JWT
import PrimerCore

/// Signs and verifies access tokens and mints refresh tokens.
struct TokenIssuer: Sendable {
    let keys: JWTKeyCollection
    let refresh: RefreshTokens
    let accessLifetime: TimeInterval
    let refreshLifetime: TimeInterval

    static func make(secret: String, accessMinutes: Int, refreshDays: Int) async -> TokenIssuer {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenIssuer(
            keys: keys, refresh: RefreshTokens(secret: secret),
            accessLifetime: TimeInterval(accessMinutes * 60), refreshLifetime: TimeInterval(refreshDays * 86_400))
    }

    /// A signed access token for `userID` in session `sessionID`.
    func accessToken(userID: UUID, sessionID: UUID, now: Date = Date()) async throws -> String {
        let claims = AccessTokenClaims(
            sub: .init(value: userID.uuidString), sid: sessionID.uuidString,
            iat: .init(value: now), exp: .init(value: now.addingTimeInterval(accessLifetime)), type: "access")
        return try await keys.sign(claims)
    }

    /// The verified claims of `token`, or nil when it is not an HS256 Primer access token
    /// that is correctly signed, unexpired and of type `access`.
    func verifyAccessToken(_ token: String) async -> (userID: UUID, sessionID: UUID)? {
        guard Self.headerAlgorithm(of: token) == "HS256",
              let claims = try? await keys.verify(token, as: AccessTokenClaims.self),
              let userID = UUID(uuidString: claims.sub.value),
              let sessionID = UUID(uuidString: claims.sid)
        else { return nil }
        return (userID, sessionID)
    }

    /// The `alg` of a compact JWT's header, read before any key is chosen.
    static func headerAlgorithm(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first,
              let data = Base64URL.decode(header),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object["alg"] as? String
    }
}

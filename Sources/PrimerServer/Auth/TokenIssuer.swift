import Crypto
import Foundation
import JWT
import PrimerCore
import Synchronization

/// Signs and verifies access tokens and mints refresh tokens.
struct TokenIssuer: Sendable {
    let keys: JWTKeyCollection
    let verificationKey: SymmetricKey
    let refresh: RefreshTokens
    let accessLifetime: TimeInterval
    let refreshLifetime: TimeInterval
    /// Tokens already verified, so a token used again skips parsing and the HMAC.
    let verified = VerifiedTokenCache()

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
        if let known = verified.lookup(token, now: now) { return (known.userID, known.sessionID) }
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
        verified.remember(token, .init(userID: userID, sessionID: sessionID, expiresAt: parsed.payload.exp.value))
        return (userID, sessionID)
    }
}

/// Access tokens that passed verification, with their claims, until they expire. Bounded:
/// when full it starts over. Session liveness is checked separately on every request.
final class VerifiedTokenCache: Sendable {
    struct Claims: Sendable {
        let userID: UUID
        let sessionID: UUID
        let expiresAt: Date
    }

    private let entries = Mutex<[String: Claims]>([:])
    private let capacity = 50_000

    func lookup(_ token: String, now: Date) -> Claims? {
        entries.withLock { entries in
            guard let claims = entries[token] else { return nil }
            if claims.expiresAt > now { return claims }
            entries[token] = nil
            return nil
        }
    }

    func remember(_ token: String, _ claims: Claims) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = claims
        }
    }
}

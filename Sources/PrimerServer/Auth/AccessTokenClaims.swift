import JWT
import Vapor

/// Claims of a Primer access token (JWT HS256).
struct AccessTokenClaims: JWTPayload {
    /// The user id.
    var sub: SubjectClaim
    /// The session id.
    var sid: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    /// Always `"access"`.
    var type: String

    /// Used by JWTKit when signing; verification is `TokenIssuer.verifyAccessToken`.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard type == "access" else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "wrong token type") }
    }
}

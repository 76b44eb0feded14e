import Crypto
import Foundation
@testable import PrimerCore
import Testing

/// Contract items 4 (access tokens) and 10 (no token).
@Suite struct AccessTokenTests {
    @Test(arguments: TestDatabase.allCases)
    func accessTokenCarriesTheContractClaims(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let parts = reader.accessToken.split(separator: ".")
            let header = try #require(jsonObject(Base64URL.decode(parts[0])))
            let claims = try #require(jsonObject(Base64URL.decode(parts[1])))
            #expect(header["alg"] as? String == "HS256")
            #expect(claims["sub"] as? String == reader.userID)
            #expect(UUID(uuidString: claims["sid"] as? String ?? "") != nil)
            #expect(claims["type"] as? String == "access")
            let iat = try #require(claims["iat"] as? Double), exp = try #require(claims["exp"] as? Double)
            #expect(exp - iat == 15 * 60)
            // It verifies with BETTER_AUTH_SECRET.
            let expected = hs256(Array(parts[0..<2].joined(separator: ".").utf8), secret: testSecret)
            #expect(expected == String(parts[2]))
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func lifetimeFollowsSetting(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.accessTokenMinutes = 5 }) { server in
            let response = try await server.send(.POST, "/api/v1/auth/signup", json: signupBody())
            #expect(response.json["expires_in"] as? Int == 300)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func forgedTokensAreRejected(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            let claims = try #require(jsonObject(Base64URL.decode(reader.accessToken.split(separator: ".")[1])))
            let now = Date().timeIntervalSince1970
            var expired = claims
            expired["iat"] = now - 3600
            expired["exp"] = now - 60
            var refreshType = claims
            refreshType["type"] = "refresh"
            let forged: [(String, String)] = [
                ("other secret", makeJWT(header: ["alg": "HS256", "typ": "JWT"], claims: claims, secret: "another-secret-of-sufficient-length-000")),
                ("alg none", makeJWT(header: ["alg": "none", "typ": "JWT"], claims: claims, secret: nil)),
                ("alg none, no dot", makeJWT(header: ["alg": "none"], claims: claims, secret: nil, trailingDot: false)),
                ("expired", makeJWT(header: ["alg": "HS256", "typ": "JWT"], claims: expired, secret: testSecret)),
                ("wrong type", makeJWT(header: ["alg": "HS256", "typ": "JWT"], claims: refreshType, secret: testSecret)),
                ("HS512", makeJWT(header: ["alg": "HS512", "typ": "JWT"], claims: claims, secret: testSecret, sha512: true)),
                ("garbage", "not.a.jwt"),
                ("tampered", reader.accessToken.dropLast(2) + "xx"),
            ]
            for (name, token) in forged {
                let response = try await server.send(.GET, "/api/v1/profile", token: token)
                #expect(response.status == .unauthorized, "\(name)")
                #expect(response.code == "invalid_token", "\(name)")
                #expect(response.headers.first(name: "WWW-Authenticate") == "Bearer", "\(name)")
            }
            // The genuine token still works.
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.allCases, ["/api/v1/profile", "/api/v1/auth/sessions"])
    func noTokenIsNotAuthenticated(db: TestDatabase, path: String) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.GET, path)
            #expect(response.status == .unauthorized)
            #expect(response.code == "not_authenticated")
            #expect(response.headers.first(name: "WWW-Authenticate") == "Bearer")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func nonBearerAuthorizationIsRejected(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let response = try await server.send(.GET, "/api/v1/profile", headers: [("Authorization", "Basic dXNlcjpwYXNz")])
            #expect(response.status == .unauthorized)
        }
    }
}

func jsonObject(_ data: Data?) -> [String: Any]? {
    data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
}

func hs256(_ bytes: [UInt8], secret: String) -> String {
    Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(secret.utf8)))))
}

/// Builds a compact JWT by hand (to forge tokens the server must refuse).
func makeJWT(header: [String: Any], claims: [String: Any], secret: String?, sha512: Bool = false, trailingDot: Bool = true) -> String {
    let h = Base64URL.encode(Array(try! JSONSerialization.data(withJSONObject: header)))
    let c = Base64URL.encode(Array(try! JSONSerialization.data(withJSONObject: claims)))
    let input = Array("\(h).\(c)".utf8)
    guard let secret else { return trailingDot ? "\(h).\(c)." : "\(h).\(c)" }
    let key = SymmetricKey(data: Data(secret.utf8))
    let signature = sha512
        ? Base64URL.encode(Array(HMAC<SHA512>.authenticationCode(for: input, using: key)))
        : Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: input, using: key)))
    return "\(h).\(c).\(signature)"
}

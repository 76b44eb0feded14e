import Foundation
@testable import PrimerCore
@testable import PrimerServer
import Testing

extension TestServer {
    /// Sets up and switches on two-factor sign-in for `reader`; returns the app and the backup codes.
    func enableTwoFactor(_ reader: Reader) async throws -> (app: TOTP, backupCodes: [String]) {
        let setup = try await send(.POST, "/api/v1/auth/2fa/setup", token: reader.accessToken)
        try #require(setup.status == .ok, "setup failed: \(setup.text)")
        let secret = try #require(setup.json["secret"] as? String)
        let app = try #require(TOTP(base32: secret))
        let enabled = try await send(.POST, "/api/v1/auth/2fa/enable", json: ["code": app.code(at: Date())], token: reader.accessToken)
        try #require(enabled.status == .ok, "enable failed: \(enabled.text)")
        return (app, try #require(enabled.json["backup_codes"] as? [String]))
    }

    /// The password step of a two-factor account: the `mfa_token`.
    func mfaToken(_ reader: Reader) async throws -> String {
        let response = try await send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
        try #require(response.status == .ok && response.json["mfa_required"] as? Bool == true, "\(response.text)")
        return try #require(response.json["mfa_token"] as? String)
    }
}

/// Two-factor sign-in over HTTP on both databases: set-up with a QR code, the second step,
/// codes used once, backup codes, the lockout, switching off, and the secret encrypted at rest.
@Suite struct TwoFactorHTTPTests {
    /// A code for the step after the current one: inside the ±1 window and always later than
    /// the step used to switch two-factor sign-in on, whenever the test runs.
    static func nextCode(_ app: TOTP) -> String { app.code(at: Date().addingTimeInterval(30)) }

    @Test(arguments: TestDatabase.allCases)
    func settingUpSigningInWithACodeAndSwitchingOff(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(email: "twofa@example.com")
            #expect((try await server.send(.POST, "/api/v1/auth/2fa/setup")).status == .unauthorized)
            let off = try await server.send(.GET, "/api/v1/auth/2fa", token: reader.accessToken)
            #expect(off.status == .ok && off.json["enabled"] as? Bool == false)

            let setup = try await server.send(.POST, "/api/v1/auth/2fa/setup", token: reader.accessToken)
            #expect(setup.status == .ok)
            let secret = try #require(setup.json["secret"] as? String)
            #expect((setup.json["otpauth_url"] as? String)?.hasPrefix("otpauth://totp/") == true)
            #expect((setup.json["otpauth_url"] as? String)?.contains("secret=\(secret)") == true)
            let svg = try #require(setup.json["qr_svg"] as? String)
            #expect(svg.hasPrefix("<svg") && svg.contains("<path"))
            // Stored encrypted: the secret is nowhere in the table's text.
            let stored = try await server.sql.raw("SELECT secret, backup_codes FROM two_factor").all()
            let storedSecret = try #require(try stored.first?.decode(column: "secret", as: String.self))
            #expect(storedSecret.hasPrefix("enc:v1:") && !storedSecret.contains(secret))
            // Not on until a code proves the app has it.
            #expect((try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])).json["access_token"] != nil)

            let app = try #require(TOTP(base32: secret))
            let wrongCode = app.code(at: Date()) == "000000" ? "111111" : "000000"
            let wrong = try await server.send(.POST, "/api/v1/auth/2fa/enable", json: ["code": wrongCode], token: reader.accessToken)
            #expect(wrong.status == .badRequest && wrong.code == "invalid_code" && wrong.fields["code"] != nil)
            let missing = try await server.send(.POST, "/api/v1/auth/2fa/enable", json: [String: Any](), token: reader.accessToken)
            #expect(missing.status == .badRequest && missing.fields == ["code": "is required"])
            let enableCode = app.code(at: Date())
            let enabled = try await server.send(.POST, "/api/v1/auth/2fa/enable", json: ["code": enableCode], token: reader.accessToken)
            #expect(enabled.status == .ok)
            let backupCodes = try #require(enabled.json["backup_codes"] as? [String])
            #expect(backupCodes.count == 10 && Set(backupCodes).count == 10)
            let storedCodes = try #require(try await server.sql.raw("SELECT backup_codes FROM two_factor").first()?.decode(column: "backup_codes", as: String.self))
            #expect(storedCodes.hasPrefix("enc:v1:") && !backupCodes.contains { storedCodes.contains($0) })
            #expect(try await server.mails().last?.contains("Subject: Two-factor authentication is on") == true)
            #expect((try await server.send(.POST, "/api/v1/auth/2fa/setup", token: reader.accessToken)).code == "two_factor_enabled")
            let status = try await server.send(.GET, "/api/v1/auth/2fa", token: reader.accessToken)
            #expect(status.json["enabled"] as? Bool == true && status.json["backup_codes_remaining"] as? Int == 10)

            // The password alone now gives no tokens.
            let first = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
            #expect(first.status == .ok && first.json["mfa_required"] as? Bool == true && first.json["expires_in"] as? Int == 300)
            #expect(first.json["access_token"] == nil && first.json["refresh_token"] == nil)
            let mfaToken = try #require(first.json["mfa_token"] as? String)
            // The code that switched it on can't be used again.
            let reused = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": mfaToken, "code": enableCode])
            #expect(reused.status == .badRequest && reused.code == "invalid_code")
            let both = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": mfaToken, "code": "123456", "backup_code": backupCodes[0]])
            #expect(both.status == .badRequest && both.fields["backup_code"] != nil)
            let verified = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": mfaToken, "code": Self.nextCode(app)])
            #expect(verified.status == .ok)
            let access = try #require(verified.json["access_token"] as? String)
            #expect((try await server.send(.GET, "/api/v1/profile", token: access)).status == .ok)
            let again = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": mfaToken, "code": Self.nextCode(app)])
            #expect(again.status == .unauthorized && again.code == "invalid_mfa_token")

            // A backup code works once.
            let withBackup = try await server.send(.POST, "/api/v1/auth/2fa/verify",
                                                   json: ["mfa_token": try await server.mfaToken(reader), "backup_code": backupCodes[0].uppercased()])
            #expect(withBackup.status == .ok && withBackup.json["access_token"] != nil)
            let backupAgain = try await server.send(.POST, "/api/v1/auth/2fa/verify",
                                                    json: ["mfa_token": try await server.mfaToken(reader), "backup_code": backupCodes[0]])
            #expect(backupAgain.code == "invalid_code")

            // Switching off needs the password and a code.
            let badPassword = try await server.send(.POST, "/api/v1/auth/2fa/disable", json: ["password": "Wrong#Pass1", "code": backupCodes[1]],
                                                    token: reader.accessToken)
            #expect(badPassword.status == .forbidden && badPassword.code == "invalid_password")
            let disabled = try await server.send(.POST, "/api/v1/auth/2fa/disable", json: ["password": reader.password, "code": backupCodes[1]],
                                                 token: reader.accessToken)
            #expect(disabled.status == .ok)
            #expect(try await server.mails().last?.contains("Subject: Two-factor authentication is off") == true)
            _ = try await server.signIn(reader.email, reader.password)
            #expect((try await server.send(.POST, "/api/v1/auth/2fa/disable", json: ["password": reader.password, "code": "123456"],
                                           token: reader.accessToken)).code == "two_factor_not_enabled")
            #expect(try await server.sql.raw("SELECT id FROM two_factor").all().isEmpty)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func wrongCodesCountTowardTheLockout(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(email: "guess@example.com")
            let (app, _) = try await server.enableTwoFactor(reader)
            let mfaToken = try await server.mfaToken(reader)
            let right = Self.nextCode(app)
            var wrong = 100_000
            var answers: [String] = []
            for _ in 0..<10 {
                while [right, app.code(at: Date()), app.code(at: Date().addingTimeInterval(-30))].contains(String(wrong)) { wrong += 1 }
                answers.append(try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": mfaToken, "code": String(wrong)]).code ?? "")
                wrong += 1
            }
            #expect(answers.dropLast() == Array(repeating: "invalid_code", count: 9))
            #expect(answers.last == "account_locked")
            // Locked: the right code and the password are refused.
            let locked = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": mfaToken, "code": right])
            #expect(locked.status == .tooManyRequests && locked.code == "account_locked")
            let password = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
            #expect(password.code == "account_locked")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func newBackupCodesReplaceTheOldOnesAndTheExportShowsTheStatus(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp(email: "codes@example.com")
            let (_, old) = try await server.enableTwoFactor(reader)
            let refused = try await server.send(.POST, "/api/v1/auth/2fa/backup-codes", json: ["password": "Wrong#Pass1"], token: reader.accessToken)
            #expect(refused.status == .forbidden)
            let fresh = try await server.send(.POST, "/api/v1/auth/2fa/backup-codes", json: ["password": reader.password], token: reader.accessToken)
            let codes = try #require(fresh.json["backup_codes"] as? [String])
            #expect(codes.count == 10 && Set(codes).isDisjoint(with: old))
            let oldCode = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": try await server.mfaToken(reader), "backup_code": old[0]])
            #expect(oldCode.code == "invalid_code")
            let newCode = try await server.send(.POST, "/api/v1/auth/2fa/verify", json: ["mfa_token": try await server.mfaToken(reader), "backup_code": codes[0]])
            #expect(newCode.status == .ok)
            let export = try await server.send(.GET, "/api/v1/account/export", token: reader.accessToken)
            let twoFactor = try #require(export.json["two_factor"] as? [String: Any])
            #expect(twoFactor["enabled"] as? Bool == true && twoFactor["backup_codes_remaining"] as? Int == 9)
            let audit = (export.json["audit_events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(audit.contains("two_factor.enable") && audit.contains("two_factor.backup_codes"))
            // Deleting the account deletes its two-factor row.
            #expect((try await server.send(.DELETE, "/api/v1/account", json: ["password": reader.password], token: reader.accessToken)).status == .ok)
            #expect(try await server.sql.raw("SELECT id FROM two_factor").all().isEmpty)
        }
    }
}

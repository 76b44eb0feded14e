import Foundation
import PrimerCore
import Vapor

/// Answer of `POST /auth/2fa/setup`: the secret to type in, the `otpauth://` URL, and the QR
/// code of that URL as an SVG drawn by Primer.
struct TwoFactorSetupResponse: Content {
    let secret: String
    let otpauthURL: String
    let qrSVG: String

    enum CodingKeys: String, CodingKey {
        case secret, otpauthURL = "otpauth_url", qrSVG = "qr_svg"
    }
}

/// Answer of `GET /auth/2fa`.
struct TwoFactorStatusResponse: Content {
    let enabled: Bool
    let enabledAt: Date?
    let backupCodesRemaining: Int

    init(_ status: TwoFactorStatus) {
        enabled = status.enabled
        enabledAt = status.enabledAt
        backupCodesRemaining = status.backupCodesRemaining
    }

    enum CodingKeys: String, CodingKey {
        case enabled, enabledAt = "enabled_at", backupCodesRemaining = "backup_codes_remaining"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(enabled, forKey: .enabled)
        try c.encode(enabledAt, forKey: .enabledAt)  // null, not omitted
        try c.encode(backupCodesRemaining, forKey: .backupCodesRemaining)
    }
}

/// Answer of `POST /auth/2fa/enable` and `/auth/2fa/backup-codes`: the new backup codes, shown once.
struct BackupCodesResponse: Content {
    let backupCodes: [String]
    let message: String

    enum CodingKeys: String, CodingKey {
        case backupCodes = "backup_codes", message
    }
}

/// Answer of a correct password for an account with two-factor sign-in: no tokens yet.
struct MFARequiredResponse: Content {
    let mfaRequired = true
    let mfaToken: String
    let expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case mfaRequired = "mfa_required", mfaToken = "mfa_token", expiresIn = "expires_in"
    }
}

/// Body of `POST /auth/2fa/enable`.
struct TwoFactorEnableRequest: Content {
    var code: String?

    func validated() throws(ValidationFailure) -> String {
        var failure = ValidationFailure()
        let code = failure.check("code") { () throws(FieldProblem) in try twoFactorCode(self.code) }
        try failure.throwIfAny()
        return code!
    }
}

/// Body of `POST /auth/2fa/disable`: the password and a code from the app (or a backup code).
struct TwoFactorDisableRequest: Content {
    var password: String?
    var code: String?

    func validated() throws(ValidationFailure) -> (password: String, code: String) {
        var failure = ValidationFailure()
        let password = failure.check("password") { () throws(FieldProblem) in try enteredPassword(self.password) }
        let code = failure.check("code") { () throws(FieldProblem) in try twoFactorCode(self.code) }
        try failure.throwIfAny()
        return (password!, code!)
    }
}

/// Body of `POST /auth/2fa/backup-codes`.
struct BackupCodesRequest: Content {
    var password: String?

    func validated() throws(ValidationFailure) -> String {
        var failure = ValidationFailure()
        let password = failure.check("password") { () throws(FieldProblem) in try enteredPassword(self.password) }
        try failure.throwIfAny()
        return password!
    }
}

/// Body of `POST /auth/2fa/verify`: the `mfa_token` from sign-in and either `code` or `backup_code`.
struct TwoFactorVerifyRequest: Content {
    var mfa_token: String?
    var code: String?
    var backup_code: String?

    func validated() throws(ValidationFailure) -> (challenge: String, code: String?, backupCode: String?) {
        var failure = ValidationFailure()
        let challenge = failure.check("mfa_token") { () throws(FieldProblem) in
            let value = try required(self.mfa_token).trimmingWhitespace()
            try TextLimit(200).check(value)
            return value
        }
        let hasCode = !(code ?? "").isEmpty, hasBackup = !(backup_code ?? "").isEmpty
        if hasCode && hasBackup {
            failure.add("backup_code", "must not be sent together with code")
        } else if !hasCode && !hasBackup {
            failure.add("code", "is required (or send backup_code)")
        }
        let code = hasCode ? failure.check("code") { () throws(FieldProblem) in try twoFactorCode(self.code) } : nil
        let backup = hasBackup ? failure.check("backup_code") { () throws(FieldProblem) in try twoFactorCode(self.backup_code) } : nil
        try failure.throwIfAny()
        return (challenge!, code ?? nil, backup ?? nil)
    }
}

/// A typed code: required, at most 32 characters (codes are 6 digits or `xxxx-xxxx`).
private func twoFactorCode(_ value: String?) throws(FieldProblem) -> String {
    let value = try required(value).trimmingWhitespace()
    try TextLimit(32).check(value)
    return value
}

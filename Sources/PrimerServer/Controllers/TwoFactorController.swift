import PrimerCore
import Vapor

/// `/api/v1/auth/2fa/…`: two-factor sign-in with an authenticator app. Set up (secret, URL and
/// QR code), switch on with a code (backup codes returned once), switch off, new backup codes,
/// and the second step of a sign-in (`verify`).
struct TwoFactorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let twoFactor = routes.grouped("auth", "2fa")
        twoFactor.post("verify", use: verify)
        let signedIn = twoFactor.grouped(ReaderAuthMiddleware())
        signedIn.get(use: status)
        signedIn.post("setup", use: setUp)
        signedIn.post("enable", use: enable)
        signedIn.post("disable", use: disable)
        signedIn.post("backup-codes", use: backupCodes)
    }

    @Sendable
    func status(req: Request) async throws -> TwoFactorStatusResponse {
        TwoFactorStatusResponse(try await req.twoFactor.status(userID: try req.reader.userID))
    }

    @Sendable
    func setUp(req: Request) async throws -> TwoFactorSetupResponse {
        let setup = try await req.twoFactor.setUp(userID: try req.reader.userID)
        return TwoFactorSetupResponse(secret: setup.secret, otpauthURL: setup.otpauthURL, qrSVG: try Self.qrSVG(setup))
    }

    @Sendable
    func enable(req: Request) async throws -> BackupCodesResponse {
        let code = try req.decodeJSON(TwoFactorEnableRequest.self).validated()
        let codes = try await req.twoFactor.enable(userID: try req.reader.userID, code: code)
        return BackupCodesResponse(backupCodes: codes, message: Self.backupCodesMessage)
    }

    @Sendable
    func disable(req: Request) async throws -> MessageResponse {
        let input = try req.decodeJSON(TwoFactorDisableRequest.self).validated()
        try await req.twoFactor.disable(userID: try req.reader.userID, password: input.password, code: input.code)
        return MessageResponse(message: "Two-factor sign-in is off: your password alone signs you in")
    }

    @Sendable
    func backupCodes(req: Request) async throws -> BackupCodesResponse {
        let password = try req.decodeJSON(BackupCodesRequest.self).validated()
        let codes = try await req.twoFactor.regenerateBackupCodes(userID: try req.reader.userID, password: password)
        return BackupCodesResponse(backupCodes: codes, message: Self.backupCodesMessage + " The previous codes no longer work.")
    }

    @Sendable
    func verify(req: Request) async throws -> AuthResponse {
        let input = try req.decodeJSON(TwoFactorVerifyRequest.self).validated()
        return try await req.authResponse(req.accounts.signIn(challenge: input.challenge, code: input.code, backupCode: input.backupCode,
                                                              client: req.clientInfo))
    }

    static let backupCodesMessage = "Keep these codes somewhere safe: each one signs you in once without your authenticator app."

    /// The set-up URL as a QR code an authenticator app can scan.
    static func qrSVG(_ setup: TwoFactorSetup) throws -> String {
        try QRCode(setup.otpauthURL, errorCorrection: .medium).svg(scale: 4, title: "QR code for your authenticator app")
    }
}

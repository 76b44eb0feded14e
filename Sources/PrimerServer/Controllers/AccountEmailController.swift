import PrimerCore
import Vapor

/// `/api/v1/auth/…` for the ways back into an account: verifying the email address, resetting
/// a forgotten password by email, changing the password while signed in.
struct AccountEmailController: RouteCollection {
    /// Verification links a signed-in reader may ask for.
    static let resendRule = RateLimitRule(count: 3, seconds: 3600)
    /// Reset links per email address, and reset requests per client address.
    static let resetPerEmailRule = RateLimitRule(count: 3, seconds: 3600)
    static let resetPerAddressRule = RateLimitRule(count: 10, seconds: 3600)
    /// The one answer to `forgot-password`, whether or not the address has an account.
    static let resetRequested = "If an account exists for that address, we have sent it a link to reset the password. The link works once, for an hour."

    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("verify-email", use: verifyEmail)
        auth.post("forgot-password", use: forgotPassword)
        auth.post("reset-password", use: resetPassword)
        let signedIn = auth.grouped(ReaderAuthMiddleware())
        signedIn.post("verify-email", "request", use: requestVerification)
        signedIn.post("change-password", use: changePassword)
    }

    @Sendable
    func verifyEmail(req: Request) async throws -> VerifyEmailResponse {
        let token = try req.decodeJSON(VerifyEmailRequest.self).validated()
        try await req.emailVerification.verify(token)
        return VerifyEmailResponse(emailVerified: true, message: "Your email address is confirmed")
    }

    @Sendable
    func requestVerification(req: Request) async throws -> Response {
        let reader = try req.reader
        try await RateLimitMiddleware.consume(key: "verify-email|\(reader.userID)", rule: Self.resendRule, for: req)
        guard let account = try await req.accounts.accounts.account(id: reader.userID) else { throw APIError.invalidToken }
        let message = account.emailVerified ? "Your email address is already confirmed" : "We have sent a new link to \(account.email)"
        try await req.emailVerification.send(to: account)
        return try await MessageResponse(message: message).encodeResponse(status: .accepted, for: req)
    }

    @Sendable
    func forgotPassword(req: Request) async throws -> Response {
        let email = try req.decodeJSON(ForgotPasswordRequest.self).validated()
        try await RateLimitMiddleware.consume(key: "forgot-password|\(req.clientAddress)", rule: Self.resetPerAddressRule, for: req)
        try await RateLimitMiddleware.consume(key: "forgot-password|\(email)", rule: Self.resetPerEmailRule, for: req)
        try await req.passwordReset.request(email: email)
        return try await MessageResponse(message: Self.resetRequested).encodeResponse(status: .accepted, for: req)
    }

    @Sendable
    func resetPassword(req: Request) async throws -> MessageResponse {
        let input = try req.decodeJSON(ResetPasswordRequest.self).validated()
        try await req.passwordReset.reset(token: input.token, password: input.password)
        return MessageResponse(message: "Your password is changed and every device is signed out. Sign in with the new password.")
    }

    @Sendable
    func changePassword(req: Request) async throws -> MessageResponse {
        let reader = try req.reader
        let input = try req.decodeJSON(ChangePasswordRequest.self).validated()
        try await req.accounts.changePassword(userID: reader.userID, keeping: reader.sessionID, current: input.current, new: input.new)
        return MessageResponse(message: "Your password is changed; your other devices are signed out")
    }
}

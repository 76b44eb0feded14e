import PrimerCore
import Vapor

/// The website's side of the account emails: `/verify-email` (open the link, confirm with a
/// click, ask for a new link), `/forgot-password` and `/reset-password`. The same services as
/// the API (`EmailVerification`, `PasswordReset`) and the same rate limits.
struct RecoveryController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("verify-email", use: confirmEmailPage)
        routes.post("verify-email", use: confirmEmail)
        routes.post("verify-email", "resend", use: resendVerification)
        routes.get("forgot-password", use: forgotPasswordPage)
        routes.post("forgot-password", use: forgotPassword)
        routes.get("reset-password", use: resetPasswordPage)
        routes.post("reset-password", use: resetPassword)
    }

    /// A form's `token` or `email`.
    struct Form: Content {
        var token: String?
        var email: String?
        var password: String?
    }

    @Sendable
    func confirmEmailPage(req: Request) async throws -> Response {
        let token = TextLimit(200).truncating(req.query[String.self, at: "token"] ?? "")
        return RecoveryPages.confirmEmail(frame: await req.frame(title: "Confirm your email"), token: token).response()
    }

    @Sendable
    func confirmEmail(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let token = try VerifyEmailRequest(token: form.token).validated()
            try await req.emailVerification.verify(token)
            return RecoveryPages.message(frame: await req.frame(title: "Email confirmed"), id: "email-confirmed",
                                         title: "Your email address is confirmed",
                                         text: "Thank you. If you ever forget your password, a reset link will reach you here.",
                                         links: "<a class=\"button primary\" href=\"/\">Back to the book</a>").response()
        } catch {
            let frame = await req.frame(title: "Link not valid")
            let resend: HTML = frame.reader != nil
                ? "<form method=\"post\" action=\"/verify-email/resend\"><button type=\"submit\" class=\"button primary\">Send me a new link</button></form>"
                : "<a href=\"/signin\">Sign in</a> to ask for a new link."
            return RecoveryPages.message(frame: frame, id: "email-link-invalid", title: "This link doesn't work",
                                         text: "It is invalid, has expired (links last 24 hours) or was already used.",
                                         links: resend).response(status: SiteController.status(of: error))
        }
    }

    @Sendable
    func resendVerification(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Confirm your email")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile") }
        try await RateLimitMiddleware.consume(key: "verify-email|\(reader.userID)", rule: AccountEmailController.resendRule, for: req)
        guard let account = try await req.accounts.accounts.account(id: reader.userID) else { return req.redirect(to: "/signin") }
        try await req.emailVerification.send(to: account)
        return RecoveryPages.message(frame: frame, id: "verification-sent", title: "Check your email",
                                     text: account.emailVerified ? "Your email address is already confirmed."
                                         : "We sent a new link to \(account.email). It works once, for 24 hours.",
                                     links: "<a href=\"/\">Back to the book</a>").response()
    }

    @Sendable
    func forgotPasswordPage(req: Request) async throws -> Response {
        RecoveryPages.forgotPassword(frame: await req.frame(title: "Forgot your password?"), email: "", errors: [:]).response()
    }

    @Sendable
    func forgotPassword(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let email = try ForgotPasswordRequest(email: form.email).validated()
            try await RateLimitMiddleware.consume(key: "forgot-password|\(req.clientAddress)", rule: AccountEmailController.resetPerAddressRule, for: req)
            try await RateLimitMiddleware.consume(key: "forgot-password|\(email)", rule: AccountEmailController.resetPerEmailRule, for: req)
            try await req.passwordReset.request(email: email)
            return RecoveryPages.message(frame: await req.frame(title: "Check your email"), id: "reset-requested",
                                         title: "Check your email", text: AccountEmailController.resetRequested,
                                         links: "<a href=\"/signin\">Back to sign in</a>").response(status: .accepted)
        } catch {
            return RecoveryPages.forgotPassword(frame: await req.frame(title: "Forgot your password?"), email: form.email ?? "",
                                                errors: SiteController.fieldErrors(error)).response(status: SiteController.status(of: error))
        }
    }

    @Sendable
    func resetPasswordPage(req: Request) async throws -> Response {
        let token = TextLimit(200).truncating(req.query[String.self, at: "token"] ?? "")
        return RecoveryPages.resetPassword(frame: await req.frame(title: "Choose a new password"), token: token, errors: [:]).response()
    }

    @Sendable
    func resetPassword(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        do {
            let input = try ResetPasswordRequest(token: form.token, password: form.password).validated()
            try await req.passwordReset.reset(token: input.token, password: input.password)
            let response = RecoveryPages.message(
                frame: await req.frame(title: "Password changed"), id: "password-reset-done", title: "Your password is changed",
                text: "Every device that was signed in is signed out. Sign in with your new password.",
                links: "<a class=\"button primary\" href=\"/signin\">Sign in</a>").response()
            BrowserSession.clear(on: response, for: req)
            return response
        } catch {
            var errors = SiteController.fieldErrors(error)
            if errors["token"] != nil || (error as? AccountError) == .invalidToken {
                errors = ["form": "This link is invalid, has expired (links last an hour) or was already used. Ask for a new one on the sign-in page."]
            }
            return RecoveryPages.resetPassword(frame: await req.frame(title: "Choose a new password"), token: form.token ?? "",
                                               errors: errors).response(status: SiteController.status(of: error))
        }
    }
}

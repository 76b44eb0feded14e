import PrimerCore
import Vapor

/// The website's two-factor pages: the code step after a correct password (`/signin/code`)
/// and `/profile/two-factor` (set up, switch on, new backup codes, switch off). The same
/// service (`TwoFactor`) and the same lockout as the API.
struct TwoFactorSiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("signin", "code", use: signinCode)
        let settings = routes.grouped("profile", "two-factor")
        settings.get(use: page)
        settings.post("setup", use: setUp)
        settings.post("enable", use: enable)
        settings.post("backup-codes", use: newBackupCodes)
        settings.post("disable", use: disable)
    }

    /// The fields of the two-factor forms.
    struct Form: Content {
        var mfa_token: String?
        var code: String?
        var password: String?
        var next: String?
    }

    /// Signs in with the password step's challenge and a code; a code that is not 6 digits is
    /// taken as a backup code.
    @Sendable
    func signinCode(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let next = SiteController.safeNext(form.next)
        let typed = form.code ?? ""
        let digits = typed.filter { !$0.isWhitespace }
        let isAppCode = !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        do {
            let input = try TwoFactorVerifyRequest(mfa_token: form.mfa_token, code: isAppCode ? typed : nil,
                                                   backup_code: isAppCode ? nil : typed).validated()
            let signedIn = try await req.accounts.signIn(challenge: input.challenge, code: input.code, backupCode: input.backupCode,
                                                         client: req.clientInfo)
            let response = req.redirect(to: next, redirectType: .normal)
            BrowserSession.set(try await req.authResponse(signedIn), on: response, for: req)
            return response
        } catch {
            if case AccountError.invalidChallenge = error {
                let page = AccountPages.signin(frame: await req.frame(title: "Sign in"), email: "", next: next,
                                               errors: ["form": "The code step expired after 5 minutes. Sign in again."])
                return page.response(status: .unauthorized)
            }
            var errors = SiteController.fieldErrors(error)
            if let problem = errors.removeValue(forKey: "backup_code") { errors["code"] = problem }
            if errors["code"] != nil, errors["form"] == nil { errors["form"] = "That code didn't work." }
            let page = TwoFactorPages.signinCode(frame: await req.frame(title: "Enter your code"), challenge: form.mfa_token ?? "",
                                                 next: next, errors: errors)
            return page.response(status: SiteController.status(of: error))
        }
    }

    @Sendable
    func page(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Two-factor sign-in")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile/two-factor") }
        return try await statusPage(req, frame: frame, userID: reader.userID, errors: [:], form: nil)
    }

    private func statusPage(_ req: Request, frame: PageFrame, userID: UUID, errors: [String: String], form: String?,
                            status: HTTPResponseStatus = .ok) async throws -> Response {
        let state = try await req.twoFactor.status(userID: userID)
        let page = state.enabled ? TwoFactorPages.on(frame: frame, status: state, errors: errors, form: form) : TwoFactorPages.off(frame: frame)
        return page.response(status: status)
    }

    @Sendable
    func setUp(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Set up two-factor sign-in")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile/two-factor") }
        do {
            let setup = try await req.twoFactor.setUp(userID: reader.userID)
            return TwoFactorPages.setUp(frame: frame, setup: setup, qrSVG: try TwoFactorController.qrSVG(setup), errors: [:]).response()
        } catch AccountError.twoFactorAlreadyEnabled {
            return req.redirect(to: "/profile/two-factor", redirectType: .normal)
        }
    }

    @Sendable
    func enable(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Set up two-factor sign-in")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile/two-factor") }
        let form = try req.content.decode(Form.self)
        do {
            let code = try TwoFactorEnableRequest(code: form.code).validated()
            let codes = try await req.twoFactor.enable(userID: reader.userID, code: code)
            return TwoFactorPages.backupCodes(frame: await req.frame(title: "Backup codes"), codes: codes, justEnabled: true).response()
        } catch {
            guard let setup = try await req.twoFactor.pendingSetup(userID: reader.userID) else {
                return req.redirect(to: "/profile/two-factor", redirectType: .normal)
            }
            return TwoFactorPages.setUp(frame: frame, setup: setup, qrSVG: try TwoFactorController.qrSVG(setup),
                                        errors: SiteController.fieldErrors(error)).response(status: SiteController.status(of: error))
        }
    }

    @Sendable
    func newBackupCodes(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Two-factor sign-in")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile/two-factor") }
        let form = try req.content.decode(Form.self)
        do {
            let password = try BackupCodesRequest(password: form.password).validated()
            let codes = try await req.twoFactor.regenerateBackupCodes(userID: reader.userID, password: password)
            return TwoFactorPages.backupCodes(frame: await req.frame(title: "Backup codes"), codes: codes, justEnabled: false).response()
        } catch {
            return try await statusPage(req, frame: frame, userID: reader.userID, errors: SiteController.fieldErrors(error), form: "codes",
                                        status: SiteController.status(of: error))
        }
    }

    @Sendable
    func disable(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Two-factor sign-in")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile/two-factor") }
        let form = try req.content.decode(Form.self)
        do {
            let input = try TwoFactorDisableRequest(password: form.password, code: form.code).validated()
            try await req.twoFactor.disable(userID: reader.userID, password: input.password, code: input.code)
            return req.redirect(to: "/profile/two-factor", redirectType: .normal)
        } catch {
            return try await statusPage(req, frame: frame, userID: reader.userID, errors: SiteController.fieldErrors(error), form: "off",
                                        status: SiteController.status(of: error))
        }
    }
}

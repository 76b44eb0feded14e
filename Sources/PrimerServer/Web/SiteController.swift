import Foundation
import PrimerCore
import Vapor

/// The website: reading pages, search, sign-up / sign-in / sign-out and the profile page,
/// server-rendered. Forms post back here; a signed-in browser holds the session cookies.
struct SiteController: RouteCollection {
    let assets: StaticAssets

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("book", "**", use: chapter)
        routes.get("search", use: search)
        routes.get("signup", use: signupForm)
        routes.post("signup", use: signup)
        routes.get("signin", use: signinForm)
        routes.post("signin", use: signin)
        routes.post("signout", use: signout)
        routes.get("welcome", use: welcome)
        routes.get("account-deleted", use: accountDeleted)
        routes.get("profile", use: profile)
        routes.post("profile", use: saveProfile)
        routes.post("profile", "sessions", ":sessionID", "revoke", use: revokeSession)
        routes.post("profile", "delete", use: deleteAccount)
        routes.get("assets", ":name") { req in assets.response(for: req.parameters.get("name") ?? "", request: req) }
        routes.get("widget.js") { req in assets.response(for: "widget.js", request: req) }
        routes.get("favicon.svg") { req in assets.response(for: "favicon.svg", request: req) }
        routes.get("favicon.ico") { req in req.redirect(to: "/favicon.svg", redirectType: .permanent) }
    }

    @Sendable
    func home(req: Request) async throws -> Response {
        BookPages.home(frame: await req.frame(title: req.primer.library.snapshot.readingOrder.first?.title ?? "Primer")).response()
    }

    @Sendable
    func chapter(req: Request) async throws -> Response {
        let slug = req.parameters.getCatchall().joined(separator: "/")
        let snapshot = req.primer.library.snapshot
        guard let page = snapshot.book.page(slug: slug), let rendered = snapshot.rendered[slug] else {
            return BookPages.notFound(frame: await req.frame(title: "Not found")).response(status: .notFound)
        }
        let frame = await req.frame(title: page.title, currentSlug: slug)
        return BookPages.chapter(frame: frame, page: page, html: rendered.html, headings: rendered.headings).response()
    }

    @Sendable
    func search(req: Request) async throws -> Response {
        let query = TextLimit.search.truncating((req.query[String.self, at: "q"] ?? "").trimmingWhitespace())
        let results = query.isEmpty ? [] : BookSearch.results(for: query, limit: 10, in: req.primer.library.snapshot)
        var frame = await req.frame(title: query.isEmpty ? "Search" : "Search: \(query)")
        frame.searchQuery = query
        return BookPages.search(frame: frame, query: query, results: results).response()
    }

    // MARK: Sign-up and sign-in

    /// Interests offered as checkboxes: the book's chapters (categories), then top-level pages.
    static func topics(_ snapshot: BookLibrary.Snapshot) -> [String] {
        let categories = snapshot.toc.filter { $0.kind == .category }.map(\.title)
        let titles = (categories.isEmpty ? snapshot.toc.map(\.title) : categories).map { title in
            let unnumbered = String(title.drop { $0.isNumber }.drop { $0 == "." || $0 == " " })  // "2. Sensors" → "Sensors"
            return unnumbered.isEmpty ? title : unnumbered
        }
        return Array(titles.filter { $0.count <= Interests.maxLength }.prefix(Interests.maxCount))
    }

    @Sendable
    func signupForm(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Sign up")
        if frame.reader != nil { return req.redirect(to: "/profile") }
        return AccountPages.signup(frame: frame, email: "", background: .init(), topics: Self.topics(frame.snapshot), errors: [:]).response()
    }

    @Sendable
    func signup(req: Request) async throws -> Response {
        let form = try req.content.decode(SignupForm.self)
        do {
            let input = try form.request.validated()
            let signedIn = try await req.accounts.signUp(email: input.email, password: input.password, profile: input.profile,
                                                         name: input.name, client: req.clientInfo)
            try await req.emailVerification.send(to: signedIn.account)
            let auth = try await req.authResponse(signedIn)
            let response = req.redirect(to: "/welcome", redirectType: .normal)
            BrowserSession.set(auth, on: response, for: req)
            return response
        } catch {
            let frame = await req.frame(title: "Sign up")
            let page = AccountPages.signup(frame: frame, email: form.email ?? "", background: form.background,
                                           topics: Self.topics(frame.snapshot), errors: Self.fieldErrors(error))
            return page.response(status: Self.status(of: error))
        }
    }

    @Sendable
    func welcome(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Welcome")
        guard let reader = frame.reader else { return req.redirect(to: "/signup") }
        let first = frame.snapshot.readingOrder.dropFirst().first ?? frame.snapshot.readingOrder.first
        return AccountPages.welcome(frame: frame, reader: reader, firstChapter: first?.slug).response()
    }

    @Sendable
    func accountDeleted(req: Request) async throws -> Response {
        AccountPages.accountDeleted(frame: await req.frame(title: "Account deleted")).response()
    }

    @Sendable
    func signinForm(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Sign in")
        let next = Self.safeNext(req.query[String.self, at: "next"])
        if frame.reader != nil { return req.redirect(to: next) }
        return AccountPages.signin(frame: frame, email: "", next: next, errors: [:]).response()
    }

    @Sendable
    func signin(req: Request) async throws -> Response {
        let form = try req.content.decode(SigninForm.self)
        let next = Self.safeNext(form.next)
        do {
            let input = try SigninRequest(email: form.email, password: form.password).validated()
            switch try await req.accounts.signIn(email: input.email, password: input.password, client: req.clientInfo) {
            case .signedIn(let signedIn):
                let response = req.redirect(to: next, redirectType: .normal)
                BrowserSession.set(try await req.authResponse(signedIn), on: response, for: req)
                return response
            case .secondFactorRequired(let challenge, _):
                return TwoFactorPages.signinCode(frame: await req.frame(title: "Enter your code"), challenge: challenge, next: next,
                                                 errors: [:]).response()
            }
        } catch {
            let page = AccountPages.signin(frame: await req.frame(title: "Sign in"), email: form.email ?? "", next: next,
                                           errors: Self.fieldErrors(error))
            return page.response(status: Self.status(of: error))
        }
    }

    @Sendable
    func signout(req: Request) async throws -> Response {
        if let reader = await req.pageReader() { try await req.sessions.revoke(sessionIDs: [reader.sessionID]) }
        let response = req.redirect(to: "/", redirectType: .normal)
        BrowserSession.clear(on: response, for: req)
        return response
    }

    // MARK: Profile

    @Sendable
    func profile(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Your profile")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile") }
        return try await profilePage(req, frame: frame, reader: reader, background: Self.background(of: reader), errors: [:],
                                     saved: req.query[String.self, at: "saved"] != nil)
    }

    private func profilePage(_ req: Request, frame: PageFrame, reader: AuthenticatedReader, background: AccountPages.Background,
                             errors: [String: String], saved: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let sessions = try await req.sessions.liveSessions(userID: reader.userID).map { SessionResponse($0, current: reader.sessionID) }
        let twoFactor = try await req.twoFactor.status(userID: reader.userID)
        return AccountPages.profile(frame: frame, reader: reader, background: background, topics: Self.topics(frame.snapshot),
                                    sessions: sessions, twoFactor: twoFactor, errors: errors, saved: saved).response(status: status)
    }

    static func background(of reader: AuthenticatedReader) -> AccountPages.Background {
        let profile = reader.readerProfile
        return AccountPages.Background(
            software: profile.softwareExperience.rawValue, programming: profile.programmingBackground?.rawValue ?? "",
            hardware: profile.hardwareExperience.rawValue, interests: profile.interests, name: reader.user.name ?? "")
    }

    @Sendable
    func saveProfile(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Your profile")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile") }
        let form = try req.content.decode(SignupForm.self)
        do {
            _ = try await req.accounts.updateProfile(userID: reader.userID, try form.profileChange())
            return req.redirect(to: "/profile?saved=1", redirectType: .normal)
        } catch {
            return try await profilePage(req, frame: frame, reader: reader, background: form.background,
                                         errors: Self.fieldErrors(error), saved: false, status: Self.status(of: error))
        }
    }

    @Sendable
    func revokeSession(req: Request) async throws -> Response {
        guard let reader = await req.pageReader() else { return req.redirect(to: "/signin?next=/profile") }
        if let id = req.parameters.get("sessionID", as: UUID.self) {
            try? await req.sessions.revokeSession(id, of: reader.userID)
        }
        if req.parameters.get("sessionID", as: UUID.self) == reader.sessionID {
            let response = req.redirect(to: "/", redirectType: .normal)
            BrowserSession.clear(on: response, for: req)
            return response
        }
        return req.redirect(to: "/profile", redirectType: .normal)
    }

    @Sendable
    func deleteAccount(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Your profile")
        guard let reader = frame.reader else { return req.redirect(to: "/signin?next=/profile") }
        let password = try req.content.decode(DeleteAccountForm.self).delete_password
        do {
            try await req.accounts.deleteAccount(userID: reader.userID, password: password)
        } catch {
            var errors = Self.fieldErrors(error)
            if let problem = errors.removeValue(forKey: "password") { errors["delete_password"] = problem }
            return try await profilePage(req, frame: frame, reader: reader, background: Self.background(of: reader),
                                         errors: errors, saved: false, status: Self.status(of: error))
        }
        let response = req.redirect(to: "/account-deleted", redirectType: .normal)
        BrowserSession.clear(on: response, for: req)
        return response
    }

    // MARK: Helpers

    /// Field messages for a failed form, `form` for errors about the whole form.
    static func fieldErrors(_ error: any Error) -> [String: String] {
        if let failure = error as? ValidationFailure {
            return failure.fields.mapValues { "This field \($0)." }
        }
        if let api = (error as? AccountError).map(APIError.init) ?? error as? APIError {
            if api.code == "email_taken" { return ["email": api.detail] }
            if let fields = api.fields, !fields.isEmpty {
                return fields.mapValues { "This field \($0)." }
            }
            return ["form": api.detail]
        }
        return ["form": "Something went wrong. Please try again."]
    }

    static func status(of error: any Error) -> HTTPResponseStatus {
        if error is ValidationFailure { return .badRequest }
        return ((error as? AccountError).map(APIError.init) ?? error as? APIError)?.status ?? .internalServerError
    }

    /// A local path to go to after signing in (never another site).
    static func safeNext(_ next: String?) -> String {
        LocalRedirect.path(next)
    }
}

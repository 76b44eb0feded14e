import Foundation
import Vapor

/// The website's sign-in: two HttpOnly, SameSite=Lax cookies holding the same tokens the API
/// hands out, so a browser session is an ordinary server-side session (listed, revocable).
/// `primer_access` carries the short-lived access token; `primer_refresh` the refresh token,
/// which `BrowserSessionMiddleware` rotates when the access token has expired.
enum BrowserSession {
    static let accessCookie = "primer_access"
    static let refreshCookie = "primer_refresh"

    /// Sets both cookies from a sign-in, sign-up or refresh answer.
    static func set(_ auth: AuthResponse, on response: Response, for request: Request) {
        let secure = isSecure(request)
        let tokens = request.primer.tokens
        response.cookies[accessCookie] = HTTPCookies.Value(
            string: auth.accessToken, maxAge: Int(tokens.accessLifetime), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
        response.cookies[refreshCookie] = HTTPCookies.Value(
            string: auth.refreshToken, maxAge: Int(tokens.refreshLifetime), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    /// Expires both cookies.
    static func clear(on response: Response, for request: Request) {
        for name in [accessCookie, refreshCookie] {
            response.cookies[name] = HTTPCookies.Value(
                string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: isSecure(request),
                isHTTPOnly: true, sameSite: .lax)
        }
    }

    /// True when the page was requested over HTTPS (directly or through a trusted proxy).
    static func isSecure(_ request: Request) -> Bool {
        if request.url.scheme == "https" { return true }
        guard let proto = request.headers.first(name: "X-Forwarded-Proto")?.lowercased(), proto == "https" else { return false }
        return request.primer.clientAddresses.isTrustedProxy(request.remoteAddress?.ipAddress ?? request.peerAddress?.ipAddress)
    }

    /// Whether the request carries a session cookie (and no Authorization header).
    static func isCookieAuthenticated(_ request: Request) -> Bool {
        request.headers.first(name: .authorization) == nil
            && (request.cookies[accessCookie] != nil || request.cookies[refreshCookie] != nil)
    }
}

extension Request {
    private struct RefreshedAccessKey: StorageKey { typealias Value = String }

    /// The access token of the browser session: refreshed this request, or from the cookie.
    var browserAccessToken: String? {
        get { storage[RefreshedAccessKey.self] ?? cookies[BrowserSession.accessCookie]?.string }
        set { storage[RefreshedAccessKey.self] = newValue }
    }
}

/// Keeps browser sessions alive: when the access cookie is missing or expired and a refresh
/// cookie is present (and no Authorization header), rotates the refresh token before the route
/// runs and sets fresh cookies on the response. A refresh token that no longer works clears
/// both cookies; the request continues signed out.
struct BrowserSessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.headers.first(name: .authorization) == nil,
              let refresh = request.cookies[BrowserSession.refreshCookie]?.string, !refresh.isEmpty
        else { return try await next.respond(to: request) }
        if let access = request.cookies[BrowserSession.accessCookie]?.string,
           request.primer.tokens.verifyAccessToken(access, now: Date()) != nil {
            return try await next.respond(to: request)
        }
        try await RateLimitMiddleware.consume(.refresh, for: request)  // the same limit as POST /api/v1/auth/refresh
        let refreshed: AuthResponse?
        do {
            refreshed = try await request.authResponse(request.sessions.rotate(refresh))
        } catch {
            refreshed = nil
        }
        request.browserAccessToken = refreshed?.accessToken ?? ""
        let response = try await next.respond(to: request)
        guard response.cookies[BrowserSession.accessCookie] == nil else { return response }  // the route signed in or out
        if let refreshed {
            BrowserSession.set(refreshed, on: response, for: request)
        } else {
            BrowserSession.clear(on: response, for: request)
        }
        return response
    }
}

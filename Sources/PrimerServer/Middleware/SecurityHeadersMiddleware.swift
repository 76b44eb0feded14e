import Vapor

/// Security headers on every answer: a Content-Security-Policy that allows only Primer's own
/// scripts, styles and connections (no inline scripts), no MIME sniffing, a strict referrer
/// policy and no framing. `/widget.js` may be loaded by other sites. Answers that carry tokens
/// or a reader's data (`/api/v1/auth/*`, `/api/v1/profile`, `/api/v1/account`, the account pages,
/// and any answer setting a cookie) get `Cache-Control: no-store` and `Pragma: no-cache`
/// (RFC 6749 §5.1), so no browser or proxy cache keeps them.
struct SecurityHeadersMiddleware: Middleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            let headers = [
                ("Content-Security-Policy", Self.contentSecurityPolicy), ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"), ("X-Frame-Options", "DENY"),
                ("Cross-Origin-Resource-Policy", request.url.path == "/widget.js" ? "cross-origin" : "same-site"),
            ]
            for (name, value) in headers where !response.headers.contains(name: name) {
                response.headers.replaceOrAdd(name: name, value: value)
            }
            if Self.isPrivate(request.url.path) || response.headers.contains(name: .setCookie) {
                response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
                response.headers.replaceOrAdd(name: .pragma, value: "no-cache")
            }
            return response
        }
    }

    /// Paths whose answers hold tokens or a reader's own data.
    static func isPrivate(_ path: String) -> Bool {
        for prefix in ["/api/v1/auth", "/api/v1/profile", "/api/v1/account", "/profile", "/signin", "/signup", "/signout"]
        where path.hasPrefix(prefix) {
            let rest = path.dropFirst(prefix.count)
            if rest.isEmpty || rest.hasPrefix("/") { return true }
        }
        return false
    }
}

import Vapor

/// Security headers on every answer: a Content-Security-Policy that allows only Primer's own
/// scripts, styles and connections (no inline scripts), no MIME sniffing, a strict referrer
/// policy and no framing. `/widget.js` may be loaded by other sites.
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
            return response
        }
    }
}

import Foundation
import Vapor

/// CSRF protection. A request that can change state (not GET/HEAD/OPTIONS) and that a browser
/// could send on its own — it carries Primer's session cookie and no Authorization header, or
/// it is a form post to the site (sign-in and sign-up included, against login CSRF; the API
/// answers forms with 415) — must come from a page of Primer itself or of an origin listed by name in
/// `CORS_ORIGINS`, as its `Origin` (or, failing that, `Referer`) header shows. Otherwise 403
/// `invalid_origin`. Requests with a bearer token are not affected.
struct OriginCheckMiddleware: AsyncMiddleware {
    let allowedOrigins: Set<String>

    init(corsOrigins: [String]) {
        allowedOrigins = Set(corsOrigins.filter { $0 != "*" }.map { $0.lowercased() })
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method), Self.browserCouldSend(request) else {
            return try await next.respond(to: request)
        }
        guard let origin = Self.origin(of: request), isAllowed(origin, for: request) else {
            throw APIError(status: .forbidden, code: "invalid_origin",
                           detail: "This request must come from a page of this site (the Origin header did not match)")
        }
        return try await next.respond(to: request)
    }

    static func browserCouldSend(_ request: Request) -> Bool {
        if BrowserSession.isCookieAuthenticated(request) { return true }
        guard !request.url.path.hasPrefix("/api/"), let type = request.headers.contentType else { return false }
        return type == .urlEncodedForm || type == .formData || (type.type == "text" && type.subType == "plain")
    }

    /// `scheme://host[:port]` from `Origin`, else from `Referer`; nil when neither is usable.
    static func origin(of request: Request) -> String? {
        if let origin = request.headers.first(name: .origin) {
            return origin == "null" ? nil : origin.lowercased()
        }
        guard let referer = request.headers.first(name: .referer), let url = URL(string: referer),
              let scheme = url.scheme, let host = url.host
        else { return nil }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")".lowercased()
    }

    private func isAllowed(_ origin: String, for request: Request) -> Bool {
        if allowedOrigins.contains(origin) { return true }
        // Primer's own origin: the host the browser addressed.
        guard let host = request.headers.first(name: .host)?.lowercased(), let url = URL(string: origin),
              let scheme = url.scheme, let originHost = url.host
        else { return false }
        let defaultPort = scheme == "https" ? 443 : 80
        let originAuthority = url.port.map { $0 == defaultPort ? originHost : "\(originHost):\($0)" } ?? originHost
        let hostAuthority = host.hasSuffix(":\(defaultPort)") ? String(host.dropLast(":\(defaultPort)".count)) : host
        return originAuthority == hostAuthority
    }
}

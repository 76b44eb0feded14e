import Foundation
import Vapor

/// CORS for the origins in `CORS_ORIGINS`: answers preflights and adds headers to answers
/// for listed origins only. Other origins get no CORS headers at all, and their preflights
/// are refused with 403 `origin_not_allowed` (a JSON body naming the origin to add), so the
/// browser blocks the real request and a person looking at the network log sees why.
/// Pages of Primer itself never need CORS; their (unusual) preflights pass through.
struct CORSOriginsMiddleware: Middleware {
    let allowed: Set<String>
    let allowAny: Bool

    init(origins: [String]) {
        self.allowed = Set(origins.filter { $0 != "*" })
        self.allowAny = origins.contains("*")
    }

    /// Whether a page on `origin` may use this server from a browser: listed in
    /// `CORS_ORIGINS`, allowed by `*`, or Primer's own origin (same-origin requests need no CORS).
    func allows(_ origin: String, for request: Request) -> Bool {
        allowAny || allowed.contains(origin) || Self.isOwnOrigin(origin, of: request)
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let origin = request.headers.first(name: .origin) else { return next.respond(to: request) }
        let isPreflight = request.method == .OPTIONS && request.headers.first(name: .accessControlRequestMethod) != nil
        guard allowAny || allowed.contains(origin) else {
            if isPreflight, !Self.isOwnOrigin(origin, of: request) {
                return request.eventLoop.makeSucceededFuture(Self.refusal(for: origin))
            }
            return next.respond(to: request)
        }
        let response = isPreflight ? request.eventLoop.makeSucceededFuture(Response(status: .noContent)) : next.respond(to: request)
        return response.map { response in
            addHeaders(to: response, origin: origin, preflight: isPreflight)
            return response
        }
    }

    /// 403 `origin_not_allowed` for a preflight from `origin`, without any CORS header.
    static func refusal(for origin: String) -> Response {
        let response = APIErrorMiddleware.response(for: APIError(
            status: .forbidden, code: "origin_not_allowed",
            detail: "This site isn't allowed to use this Primer server: add \(origin) to CORS_ORIGINS"))
        response.headers.replaceOrAdd(name: .vary, value: "Origin")
        return response
    }

    /// True when `origin` names the host the browser addressed (`Host`), so the page is one
    /// of Primer's own. Default ports are ignored (`https://x` = `x:443`).
    static func isOwnOrigin(_ origin: String, of request: Request) -> Bool {
        guard let host = request.headers.first(name: .host)?.lowercased(), let url = URL(string: origin.lowercased()),
              let scheme = url.scheme, scheme == "http" || scheme == "https", let originHost = url.host
        else { return false }
        let defaultPort = scheme == "https" ? 443 : 80
        let originAuthority = url.port.map { $0 == defaultPort ? originHost : "\(originHost):\($0)" } ?? originHost
        let hostAuthority = host.hasSuffix(":\(defaultPort)") ? String(host.dropLast(":\(defaultPort)".count)) : host
        return originAuthority == hostAuthority
    }

    private func addHeaders(to response: Response, origin: String, preflight isPreflight: Bool) {
        response.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: origin)
        response.headers.replaceOrAdd(name: .vary, value: "Origin")
        // Cookies only for origins listed by name: `*` lets any site read answers, never act as the reader.
        if allowed.contains(origin) { response.headers.replaceOrAdd(name: .accessControlAllowCredentials, value: "true") }
        response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "Retry-After, X-Request-Id, WWW-Authenticate")
        if isPreflight {
            response.headers.replaceOrAdd(name: .accessControlAllowMethods, value: "GET, POST, PUT, DELETE, OPTIONS")
            response.headers.replaceOrAdd(name: .accessControlAllowHeaders, value: "Authorization, Content-Type, X-Request-Id")
            response.headers.replaceOrAdd(name: .accessControlMaxAge, value: "600")
        }
    }
}

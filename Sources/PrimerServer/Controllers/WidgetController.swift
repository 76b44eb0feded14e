import Foundation
import Vapor

/// The embeddable widget's server side besides `/widget.js` itself (a static asset):
/// `GET /widget`, a page for course authors (the snippet with this server's URL, the allowed
/// origins, a live preview), and `GET /api/v1/widget/origin`, which any page may read to learn
/// whether its origin is allowed (browsers hide a refused CORS preflight from scripts).
struct WidgetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("widget", use: page)
        routes.get("api", "v1", "widget", "origin", use: origin)
    }

    /// `{"origin", "allowed"}` with `Access-Control-Allow-Origin: *` and no credentials, so a
    /// page on any origin can read it. No `Origin` header (not a cross-origin browser
    /// request): nothing to refuse, `allowed` is true.
    @Sendable
    func origin(req: Request) async throws -> Response {
        let origin = req.headers.first(name: .origin)
        let policy = CORSOriginsMiddleware(origins: req.primer.settings.corsOrigins)
        let body = WidgetOriginResponse(origin: origin, allowed: origin.map { policy.allows($0, for: req) } ?? true)
        let response = try await body.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: "*")
        response.headers.replaceOrAdd(name: .vary, value: "Origin")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The page for course authors.
    @Sendable
    func page(req: Request) async throws -> Response {
        let frame = await req.frame(title: "Put the book on your site")
        return WidgetPage.render(frame: frame, primerURL: Self.publicURL(of: req), corsOrigins: req.primer.settings.corsOrigins).response()
    }

    /// This server's URL as the browser reached it: `https` when the request came over TLS
    /// (directly or through a trusted proxy), and the `Host` header (a placeholder when it is
    /// missing or malformed).
    static func publicURL(of req: Request) -> String {
        let scheme = BrowserSession.isSecure(req) ? "https" : "http"
        let allowedCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        guard let host = req.headers.first(name: .host), !host.isEmpty, host.count <= 255,
              host.unicodeScalars.allSatisfy(allowedCharacters.contains)
        else { return "\(scheme)://your-primer.example" }
        return "\(scheme)://\(host)"
    }
}

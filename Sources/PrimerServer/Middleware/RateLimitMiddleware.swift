import PrimerCore
import Vapor

/// Per-client-address, per-route limits: sign-up, sign-in and refresh have their own rules,
/// every other route gets `RATE_LIMIT_DEFAULT`. Over the limit → 429 `rate_limited` with
/// `Retry-After`.
struct RateLimitMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .OPTIONS { return try await next.respond(to: request) }
        let routeKey = request.route.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let limits = request.primer.settings.rateLimits
        let rule: RateLimitRule
        switch routeKey {
        case "POST /api/v1/auth/signup": rule = limits.signup
        case "POST /api/v1/auth/signin": rule = limits.signin
        case "POST /api/v1/auth/refresh": rule = limits.refresh
        default: rule = limits.general
        }
        let key = "\(request.clientAddress)|\(routeKey)"
        if case let .limited(retryAfter) = await request.primer.rateLimits.consume(key: key, rule: rule, now: Date()) {
            throw APIError.tooManyRequests(
                code: "rate_limited", detail: "Too many requests: the limit for this route is \(rule). Try again later.",
                retryAfter: retryAfter)
        }
        return try await next.respond(to: request)
    }
}

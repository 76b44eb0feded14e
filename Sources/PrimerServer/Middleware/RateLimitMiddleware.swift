import PrimerCore
import Vapor

/// Per-client-address, per-route limits: sign-up, sign-in and refresh have their own rules,
/// every other route gets `RATE_LIMIT_DEFAULT`. Over the limit → 429 `rate_limited` with
/// `Retry-After`. In-process stores decide on the event loop without a task hop.
struct RateLimitMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if request.method == .OPTIONS { return next.respond(to: request) }
        let routeKey = request.route.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let limits = request.primer.settings.rateLimits
        let rule: RateLimitRule
        switch routeKey {
        case "POST /api/v1/auth/signup": rule = limits.signup
        case "POST /api/v1/auth/signin": rule = limits.signin
        case "POST /api/v1/auth/refresh": rule = limits.refresh
        case "POST /api/v1/query", "POST /api/v1/query/stream":
            return next.respond(to: request)  // per reader or per address, decided after auth (QueryService)
        default: rule = limits.general
        }
        let key = "\(request.clientAddress)|\(routeKey)"
        let store = request.primer.rateLimits
        if let local = store as? any SynchronousRateLimitStore {
            return Self.proceed(local.consumeNow(key: key, rule: rule, now: Date()), rule: rule, request: request, next: next)
        }
        return request.eventLoop.makeFutureWithTask {
            await store.consume(key: key, rule: rule, now: Date())
        }.flatMap { Self.proceed($0, rule: rule, request: request, next: next) }
    }

    private static func proceed(_ decision: RateLimitDecision, rule: RateLimitRule, request: Request, next: any Responder) -> EventLoopFuture<Response> {
        guard case let .limited(retryAfter) = decision else { return next.respond(to: request) }
        return request.eventLoop.makeFailedFuture(APIError.tooManyRequests(
            code: "rate_limited", detail: "Too many requests: the limit for this route is \(rule). Try again later.",
            retryAfter: retryAfter))
    }
}

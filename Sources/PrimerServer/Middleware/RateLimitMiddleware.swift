import PrimerCore
import Vapor

/// Per-client-address limits: sign-up, sign-in and refresh have their own rules, shared by
/// every way in (the API, the site's forms and the browser session's cookie refresh), and
/// every other route gets `RATE_LIMIT_DEFAULT` per route. Over the limit → 429 `rate_limited`
/// with `Retry-After`. In-process stores decide on the event loop without a task hop.
struct RateLimitMiddleware: Middleware {
    /// The limits that several routes share.
    enum Bucket: String {
        case signup, signin, refresh

        func rule(_ limits: PrimerSettings.RateLimits) -> RateLimitRule {
            switch self {
            case .signup: limits.signup
            case .signin: limits.signin
            case .refresh: limits.refresh
            }
        }
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if request.method == .OPTIONS { return next.respond(to: request) }
        let routeKey = request.route.map { "\($0.method.rawValue) /" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
        let limits = request.primer.settings.rateLimits
        let rule: RateLimitRule
        let key: String
        switch routeKey {
        case "POST /api/v1/query", "POST /api/v1/query/stream":
            return next.respond(to: request)  // per reader or per address, decided after auth (QueryService)
        default:
            if let bucket = Self.bucket(of: routeKey) {
                rule = bucket.rule(limits)
                key = "\(request.clientAddress)|\(bucket.rawValue)"
            } else {
                rule = limits.general
                key = "\(request.clientAddress)|\(routeKey)"
            }
        }
        let store = request.primer.rateLimits
        if let local = store as? any SynchronousRateLimitStore {
            return Self.proceed(local.consumeNow(key: key, rule: rule, now: Date()), rule: rule, request: request, next: next)
        }
        return request.eventLoop.makeFutureWithTask {
            await store.consume(key: key, rule: rule, now: Date())
        }.flatMap { Self.proceed($0, rule: rule, request: request, next: next) }
    }

    /// The shared bucket of a route, if it has one.
    static func bucket(of routeKey: String) -> Bucket? {
        switch routeKey {
        case "POST /api/v1/auth/signup", "POST /signup": .signup
        case "POST /api/v1/auth/signin", "POST /signin": .signin
        case "POST /api/v1/auth/refresh": .refresh
        default: nil
        }
    }

    /// Counts one use of `bucket` for this request's client (e.g. a cookie refresh);
    /// throws 429 `rate_limited` over the limit.
    static func consume(_ bucket: Bucket, for request: Request) async throws {
        let rule = bucket.rule(request.primer.settings.rateLimits)
        let decision = await request.primer.rateLimits.consume(key: "\(request.clientAddress)|\(bucket.rawValue)", rule: rule, now: Date())
        if case let .limited(retryAfter) = decision { throw limited(rule, retryAfter: retryAfter) }
    }

    /// Counts one use under `key` (e.g. one email address asking for reset links) against
    /// `rule`; throws 429 `rate_limited` over it.
    static func consume(key: String, rule: RateLimitRule, for request: Request) async throws {
        let decision = await request.primer.rateLimits.consume(key: key, rule: rule, now: Date())
        if case let .limited(retryAfter) = decision { throw limited(rule, retryAfter: retryAfter) }
    }

    private static func limited(_ rule: RateLimitRule, retryAfter: Double) -> APIError {
        APIError.tooManyRequests(
            code: "rate_limited", detail: "Too many requests: the limit for this route is \(rule). Try again later.",
            retryAfter: retryAfter)
    }

    private static func proceed(_ decision: RateLimitDecision, rule: RateLimitRule, request: Request, next: any Responder) -> EventLoopFuture<Response> {
        guard case let .limited(retryAfter) = decision else { return next.respond(to: request) }
        return request.eventLoop.makeFailedFuture(limited(rule, retryAfter: retryAfter))
    }
}

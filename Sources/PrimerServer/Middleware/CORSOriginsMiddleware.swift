import Vapor

/// CORS for the origins in `CORS_ORIGINS`: answers preflights and adds headers to answers
/// for listed origins only. Other origins get no CORS headers at all.
struct CORSOriginsMiddleware: Middleware {
    let allowed: Set<String>
    let allowAny: Bool

    init(origins: [String]) {
        self.allowed = Set(origins.filter { $0 != "*" })
        self.allowAny = origins.contains("*")
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let origin = request.headers.first(name: .origin), allowAny || allowed.contains(origin) else {
            return next.respond(to: request)
        }
        let isPreflight = request.method == .OPTIONS && request.headers.first(name: .accessControlRequestMethod) != nil
        let response = isPreflight ? request.eventLoop.makeSucceededFuture(Response(status: .noContent)) : next.respond(to: request)
        return response.map { response in
            addHeaders(to: response, origin: origin, preflight: isPreflight)
            return response
        }
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

import Vapor

/// CORS for the origins in `CORS_ORIGINS`: answers preflights and adds headers to answers
/// for listed origins only. Other origins get no CORS headers at all.
struct CORSOriginsMiddleware: AsyncMiddleware {
    let allowed: Set<String>
    let allowAny: Bool

    init(origins: [String]) {
        self.allowed = Set(origins.filter { $0 != "*" })
        self.allowAny = origins.contains("*")
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let origin = request.headers.first(name: .origin), allowAny || allowed.contains(origin) else {
            return try await next.respond(to: request)
        }
        let isPreflight = request.method == .OPTIONS && request.headers.first(name: .accessControlRequestMethod) != nil
        let response = isPreflight ? Response(status: .noContent) : try await next.respond(to: request)
        response.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: origin)
        response.headers.replaceOrAdd(name: .vary, value: "Origin")
        response.headers.replaceOrAdd(name: .accessControlAllowCredentials, value: "true")
        response.headers.replaceOrAdd(name: "Access-Control-Expose-Headers", value: "Retry-After, X-Request-Id, WWW-Authenticate")
        if isPreflight {
            response.headers.replaceOrAdd(name: .accessControlAllowMethods, value: "GET, POST, PUT, DELETE, OPTIONS")
            response.headers.replaceOrAdd(name: .accessControlAllowHeaders, value: "Authorization, Content-Type, X-Request-Id")
            response.headers.replaceOrAdd(name: .accessControlMaxAge, value: "600")
        }
        return response
    }
}

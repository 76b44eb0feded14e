import NIOCore
import Vapor

/// One structured log line per request: method, path (never the query string), status,
/// duration and request id. Bodies and headers are never logged.
struct RequestLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = NIODeadline.now()
        return next.respond(to: request).always { result in
            switch result {
            case .success(let response):
                response.headers.replaceOrAdd(name: "X-Request-Id", value: request.id)
                log(request, status: response.status.code, start: start)
            case .failure:
                log(request, status: 500, start: start)
            }
        }
    }

    private func log(_ request: Request, status: UInt, start: NIODeadline) {
        let ms = Double((NIODeadline.now() - start).nanoseconds) / 1_000_000
        request.application.logger.info("request", metadata: [
            "request_id": .string(request.id),
            "method": .string(request.method.rawValue),
            "path": .string(request.url.path),
            "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.2f", ms)),
        ])
    }
}

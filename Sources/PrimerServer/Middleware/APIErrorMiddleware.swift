import PrimerCore
import Vapor

/// Turns every error into `{"detail", "code", "fields"?}` JSON with the right status.
/// Decoding problems become 400 `invalid_request` with the offending field; anything
/// unexpected is logged and answered with a generic 500 that reveals nothing.
struct APIErrorMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in
            if request.route == nil, (error as? any AbortError)?.status == .notFound, let notAllowed = MethodNotAllowed.error(for: request) {
                return Self.response(for: notAllowed)
            }
            var logger = request.application.logger
            logger[metadataKey: "request_id"] = .string(request.id)
            return Self.response(for: Self.translate(error, logger: logger))
        }
    }

    static func response(for error: APIError) -> Response {
        var headers = error.headers
        headers.contentType = .json
        let body = ErrorBody(detail: error.detail, code: error.code, fields: error.fields)
        let data = (try? errorEncoder.encode(body)) ?? Data(#"{"detail":"Error","code":"internal_error"}"#.utf8)
        return Response(status: error.status, headers: headers, body: .init(data: data))
    }

    /// Sorted keys: equal errors have byte-identical bodies.
    private static let errorEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func translate(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let account as AccountError:
            if case let .refreshTokenReused(sessionID) = account {
                logger.warning("Refresh token reuse detected; session revoked", metadata: ["session_id": .string(sessionID.uuidString)])
            }
            return APIError(account)
        case let apiError as APIError:
            return apiError
        case let failure as ValidationFailure:
            return .validation(failure)
        case let decoding as DecodingError:
            return translate(decoding)
        case let abort as any AbortError:
            return translate(abort)
        case let problem as DatabaseFileWatch.Problem:
            logger.critical("Refusing writes: \(problem.description). Restore the file or restart the server.")
            return APIError(status: .serviceUnavailable, code: "database_unavailable",
                            detail: "The database is unavailable; nothing was saved. Please try again later")
        case _ where DatabaseAvailability.isUnavailable(error):
            logger.warning("Database unavailable: \(String(reflecting: type(of: error)))")
            var unavailable = APIError(status: .serviceUnavailable, code: "database_unavailable",
                                       detail: "The database is busy or unreachable; please retry shortly")
            unavailable.headers.add(name: "Retry-After", value: "1")
            return unavailable
        default:
            logger.error("Unhandled error: \(String(reflecting: type(of: error)))", metadata: ["error": "\(error)"])
            return APIError(status: .internalServerError, code: "internal_error", detail: "Something went wrong on our side")
        }
    }

    static func translate(_ error: DecodingError) -> APIError {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            return keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            let field = path(context, key)
            return .invalidRequest("Missing field: \(field)", fields: [field: "is required"])
        case let .typeMismatch(type, context):
            let field = path(context)
            let expected = describe(type)
            if field.isEmpty { return .invalidRequest("The request body must be a JSON \(expected)") }
            return .invalidRequest("Wrong type for field: \(field)", fields: [field: "must be \(expected)"])
        case let .valueNotFound(type, context):
            let field = path(context)
            return .invalidRequest("Missing value for field: \(field)", fields: [field: "must be \(describe(type)), not null"])
        case let .dataCorrupted(context):
            let field = path(context)
            if field.isEmpty { return .invalidRequest("The request body is not valid JSON") }
            return .invalidRequest("Invalid value for field: \(field)", fields: [field: "is invalid"])
        @unknown default:
            return .invalidRequest("The request body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type: "a number"
        case is [String].Type: "a list of strings"
        case is [String: Any].Type: "an object"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }

    static func translate(_ abort: any AbortError) -> APIError {
        let status = abort.status
        let code: String
        switch status {
        case .badRequest: code = "invalid_request"
        case .unauthorized: code = "not_authenticated"
        case .forbidden: code = "forbidden"
        case .notFound: code = "not_found"
        case .methodNotAllowed: code = "method_not_allowed"
        case .payloadTooLarge: code = "payload_too_large"
        case .unsupportedMediaType: code = "unsupported_media_type"
        case .tooManyRequests: code = "rate_limited"
        case .unprocessableEntity: code = "invalid_request"
        default: code = status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
        var detail = abort.reason
        if status == .payloadTooLarge { detail = "The request body is larger than 1 MB" }
        if status == .unsupportedMediaType { detail = "Send the body as JSON with Content-Type: application/json" }
        if status == .notFound, detail == "Not Found" { detail = "No such route" }
        let effective: HTTPResponseStatus = status == .unprocessableEntity ? .badRequest : status
        return APIError(status: effective, code: code, detail: detail, headers: abort.headers)
    }
}

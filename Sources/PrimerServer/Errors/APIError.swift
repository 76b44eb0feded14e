import PrimerCore
import Vapor

/// A typed API failure: HTTP status, stable snake_case `code`, human `detail`, optional
/// per-field problems and extra headers. Rendered by `APIErrorMiddleware` as
/// `{"detail", "code", "fields"?}`.
struct APIError: Error, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let detail: String
    var fields: [String: String]? = nil
    var headers: HTTPHeaders = [:]

    static func invalidRequest(_ detail: String, fields: [String: String]? = nil) -> APIError {
        APIError(status: .badRequest, code: "invalid_request", detail: detail, fields: fields)
    }

    static func validation(_ failure: ValidationFailure) -> APIError {
        let names = failure.fields.keys.sorted().joined(separator: ", ")
        return .invalidRequest("Invalid value for: \(names)", fields: failure.fields)
    }

    static func unauthorized(_ code: String, _ detail: String) -> APIError {
        APIError(status: .unauthorized, code: code, detail: detail, headers: ["WWW-Authenticate": "Bearer"])
    }

    static let notAuthenticated = unauthorized("not_authenticated", "Not authenticated: send an Authorization: Bearer <access token> header")
    static let invalidToken = unauthorized("invalid_token", "The access token is invalid, expired or its session has ended")
    static let invalidCredentials = unauthorized("invalid_credentials", "Invalid email or password")
    static let invalidRefreshToken = unauthorized("invalid_refresh_token", "The refresh token is invalid or expired")
    static let refreshTokenReused = unauthorized("refresh_token_reused", "This refresh token was already used; the session has been ended for safety. Please sign in again")
    static let accountDisabled = APIError(status: .forbidden, code: "account_disabled", detail: "This account has been disabled")
    static let emailTaken = APIError(status: .conflict, code: "email_taken", detail: "An account with this email already exists",
                                     fields: ["email": "is already registered"])
    static func notFound(_ detail: String) -> APIError {
        APIError(status: .notFound, code: "not_found", detail: detail)
    }

    static func tooManyRequests(code: String, detail: String, retryAfter: Double) -> APIError {
        let seconds = max(1, Int(retryAfter.rounded(.up)))
        return APIError(status: .tooManyRequests, code: code, detail: detail, headers: ["Retry-After": String(seconds)])
    }
}

/// The JSON body of every error answer.
struct ErrorBody: Content {
    let detail: String
    let code: String
    let fields: [String: String]?
}

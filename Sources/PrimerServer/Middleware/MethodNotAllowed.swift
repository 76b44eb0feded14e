import Vapor

/// 405 instead of 404 when the path exists but not for this method (with `Allow` listing the
/// methods it has), and always for TRACE and CONNECT, which Primer never serves.
enum MethodNotAllowed {
    /// A catch-all route's rule on the last path component (in `Route.userInfo[lastPartKey]`),
    /// when two catch-alls on one path serve different methods.
    enum LastPart: Sendable {
        case `is`(String)
        case not(String)
    }

    static let lastPartKey = "primer.lastPart"

    /// The methods `request`'s path answers to, if the router had no route for its method.
    static func allowedMethods(for request: Request) -> [HTTPMethod] {
        let parts = request.url.path.split(separator: "/").map(String.init)
        var methods: [HTTPMethod] = []
        for route in request.application.routes.all where matches(route.path, parts) && !methods.contains(route.method) {
            switch route.userInfo[lastPartKey] as? LastPart {
            case .is(let last)?: if parts.last != last { continue }
            case .not(let last)?: if parts.last == last { continue }
            case nil: break
            }
            methods.append(route.method)
        }
        if methods.contains(.GET), !methods.contains(.HEAD) { methods.append(.HEAD) }
        return methods
    }

    /// The 405 for `request`, or nil when a 404 is the right answer.
    static func error(for request: Request) -> APIError? {
        let allowed = allowedMethods(for: request)
        guard !allowed.isEmpty || request.method == .TRACE || request.method == .CONNECT else { return nil }
        var error = APIError(status: .methodNotAllowed, code: "method_not_allowed",
                             detail: "\(request.method.rawValue) is not allowed here")
        error.headers.replaceOrAdd(name: .allow, value: allowed.map(\.rawValue).joined(separator: ", "))
        return error
    }

    private static func matches(_ pattern: [PathComponent], _ parts: [String]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall: return index < parts.count
            case .constant(let text):
                guard index < parts.count, parts[index] == text else { return false }
            case .parameter, .anything:
                guard index < parts.count else { return false }
            }
            index += 1
        }
        return index == parts.count
    }
}

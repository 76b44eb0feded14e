/// A rate limit such as `5/minute`: at most `count` requests per `seconds`.
public struct RateLimitRule: Equatable, Sendable, CustomStringConvertible {
    public let count: Int
    public let seconds: Double

    public init(count: Int, seconds: Double) {
        self.count = count
        self.seconds = seconds
    }

    /// Parses `N/second`, `N/minute`, `N/hour` or `N/day` (also `N per minute`).
    public init(parsing raw: String) throws(FieldProblem) {
        let text = raw.trimmingWhitespace().lowercased().replacingOccurrences(of: " per ", with: "/")
        let parts = text.split(separator: "/").map { $0.trimmingWhitespace() }
        guard parts.count == 2, let count = Int(parts[0]), count > 0 else {
            throw FieldProblem("must look like 10/minute (a positive whole number per second, minute, hour or day)")
        }
        let seconds: Double
        switch parts[1] {
        case "s", "sec", "second": seconds = 1
        case "m", "min", "minute": seconds = 60
        case "h", "hour": seconds = 3600
        case "d", "day": seconds = 86_400
        default: throw FieldProblem("unit must be second, minute, hour or day")
        }
        self.init(count: count, seconds: seconds)
    }

    public var description: String {
        let unit = [1: "second", 60: "minute", 3600: "hour", 86_400: "day"][Int(seconds)] ?? "\(seconds)s"
        return "\(count)/\(unit)"
    }
}

/// What a rate limiter decided about one request.
public enum RateLimitDecision: Equatable, Sendable {
    case allowed
    /// Refused; the client may retry after this many seconds.
    case limited(retryAfter: Double)
}

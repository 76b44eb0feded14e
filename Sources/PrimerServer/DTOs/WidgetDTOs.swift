import Vapor

/// The answer to `GET /api/v1/widget/origin`: the `Origin` the request came with (null when
/// it had none) and whether pages on that origin may use this server from a browser. The
/// widget asks after a request failed at the network level, to tell a missing
/// `CORS_ORIGINS` entry from a connection problem.
struct WidgetOriginResponse: Content, Equatable {
    let origin: String?
    let allowed: Bool

    enum CodingKeys: String, CodingKey {
        case origin, allowed
    }

    /// `origin` is always present, as `null` when there was no `Origin` header.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(origin, forKey: .origin)
        try container.encode(allowed, forKey: .allowed)
    }
}

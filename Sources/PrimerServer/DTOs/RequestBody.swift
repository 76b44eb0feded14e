import Foundation
import PrimerCore
import Vapor

extension Request {
    /// Vapor's JSON decoder settings (ISO 8601 dates), built once.
    private static let jsonDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// The JSON body as `T`. Any other content type → 415, a missing body → 400, as Vapor's
    /// `content.decode` answers, without its per-call lookup in the global coder table.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard Self.isJSON(headers.first(name: .contentType)) else { throw Abort(.unsupportedMediaType) }
        return try content.decode(T.self, using: Self.jsonDecoder)
    }

    /// Whether a `Content-Type` value is `application/json`, parameters (`; charset=…`) aside.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.prefix { $0 != ";" }.trimmingWhitespace()
        return mediaType.count == 16 && mediaType.lowercased() == "application/json"
    }
}

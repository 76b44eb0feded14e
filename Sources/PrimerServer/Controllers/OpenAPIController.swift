import Foundation
import Vapor

/// `GET /openapi.json`: the OpenAPI 3.1 description of `/api/v1`, shipped as a resource.
struct OpenAPIController: RouteCollection {
    let document: ByteBuffer

    /// Loads the bundled document (once, at start-up).
    static func load() throws -> OpenAPIController {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw Abort(.internalServerError, reason: "openapi.json resource missing")
        }
        return OpenAPIController(document: ByteBuffer(data: try Data(contentsOf: url)))
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json") { _ in
            Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(buffer: document))
        }
    }
}

import Fluent
import PrimerCore
import SQLKit
import Vapor

/// `GET /health`: liveness plus a database round trip.
struct HealthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("health", use: health)
    }

    struct HealthResponse: Content {
        let status: String
        let database: String
        /// Why the database is down, when known (e.g. its file was deleted under the server).
        let detail: String?
        let version: String
        let retrieval: Retrieval
    }

    /// How questions are searched: `hybrid` (BM25 + embeddings) or `lexical`, and why.
    struct Retrieval: Content {
        let mode: String
        let embedder: String?
        let vectors: Int
        let note: String
    }

    @Sendable
    func health(req: Request) async throws -> Response {
        var databaseUp = false
        var problem: String?
        if let fileProblem = req.primer.writes.fileWatch?.check() {
            problem = fileProblem.description
        } else if let sql = req.db as? any SQLDatabase {
            do {
                try await sql.raw("SELECT 1").run()
                databaseUp = true
            } catch {
                req.logger.warning("Health check: database unreachable", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
        }
        let engine = req.primer.library.snapshot.engine
        let retrieval = Retrieval(mode: engine.defaultMode.rawValue, embedder: engine.embedder?.identifier, vectors: engine.dense?.count ?? 0,
                                  note: req.primer.retrievalNote.withLockedValue { $0 })
        let body = HealthResponse(status: databaseUp ? "ok" : "degraded", database: databaseUp ? "ok" : "down", detail: problem,
                                  version: PrimerVersion.current,
                                  retrieval: retrieval)
        return try await body.encodeResponse(status: databaseUp ? .ok : .serviceUnavailable, for: req)
    }
}

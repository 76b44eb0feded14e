import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Which database Primer stores its data in.
public enum DatabaseChoice: Sendable, Equatable {
    /// An SQLite file (the default: `<data dir>/primer.sqlite`).
    case sqlite(path: String)
    /// PostgreSQL at `url`; `searchPath` selects schemas (tests use one schema each);
    /// at most `connectionsPerEventLoop` connections per event loop.
    case postgres(url: String, searchPath: [String]? = nil, connectionsPerEventLoop: Int = 8)

    var isSQLite: Bool {
        if case .sqlite = self { return true }
        return false
    }

    /// Registers the database with the application.
    func install(on app: Application) throws {
        switch self {
        case .sqlite(let path):
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
        case let .postgres(url, searchPath, connections):
            var configuration = try SQLPostgresConfiguration(url: url)
            configuration.searchPath = searchPath
            app.databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: connections, sqlLogLevel: .trace), as: .psql)
        }
    }

    /// Per-connection tuning: WAL lets readers and the single writer work concurrently.
    func tune(_ db: any Database, logger: Logger) async {
        guard isSQLite, let sql = db as? any SQLDatabase else { return }
        do {
            try await sql.raw("PRAGMA journal_mode=WAL").run()
        } catch {
            logger.warning("Could not switch SQLite to WAL mode: \(error)")
        }
    }
}

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

    /// SQLite tuning. WAL (stored in the file) lets readers and the single writer work
    /// concurrently. `synchronous=NORMAL` is per connection, so it is set on the pool's one
    /// connection per event loop: in WAL mode a commit then survives a crash of the process
    /// and the file is never corrupted, and only an OS crash or power cut can roll back the
    /// last commits (SQLite's recommended setting for WAL). A connection reopened later
    /// falls back to SQLite's default, FULL, the safer side.
    func tune(_ app: Application) async {
        guard isSQLite else { return }
        do {
            try await (app.db as? any SQLDatabase)?.raw("PRAGMA journal_mode=WAL").run()
            for loop in app.eventLoopGroup.makeIterator() {
                let db = app.databases.database(logger: app.logger, on: loop)
                try await db?.withConnection { connection in
                    try await (connection as? any SQLDatabase)?.raw("PRAGMA synchronous=NORMAL").run()
                }
            }
        } catch {
            app.logger.warning("Could not tune SQLite: \(error)")
        }
    }
}

import AsyncHTTPClient
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOHTTP1
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing
import Vapor

/// The two databases every storage test runs against.
enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// PostgreSQL used by tests (`PRIMER_TEST_DATABASE_URL`); each test gets its own schema.
let testPostgresURL = ProcessInfo.processInfo.environment["PRIMER_TEST_DATABASE_URL"]
    ?? "postgres://primer:primer@127.0.0.1:5432/primer_test?tlsmode=disable"

/// Settings for tests: cheap bcrypt, generous limits, a fixed secret.
func testSettings() -> PrimerSettings {
    var settings = PrimerSettings()
    settings.authSecret = testSecret
    settings.dataKey = testDataKey  // nil would generate one into the data directory, left behind by PostgreSQL tests
    settings.bcryptCost = 4
    let generous = RateLimitRule(count: 1_000_000, seconds: 60)
    settings.rateLimits.signup = generous
    settings.rateLimits.signin = generous
    settings.rateLimits.refresh = generous
    settings.rateLimits.general = generous
    settings.rateLimits.query = generous
    settings.rateLimits.queryAnonymous = generous
    settings.dataDirectory = NSTemporaryDirectory() + "primer-test-" + UUID().uuidString
    // Lexical search unless a test opts in (embedding the book in every test would be slow);
    // `testModelDirectory` is where scripts/fetch-model put the local model.
    settings.embedding.provider = .none
    settings.embedding.modelDirectory = testModelDirectory
    return settings
}

/// The local model's folder: `PRIMER_MODEL_DIR`, else `models/all-MiniLM-L6-v2` in the package.
let testModelDirectory = ProcessInfo.processInfo.environment["PRIMER_MODEL_DIR"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/all-MiniLM-L6-v2").path

let testSecret = "test-secret-0123456789abcdef0123456789abcdef"
/// The data key of test servers (PRIMER_DATA_KEY), one per test run.
let testDataKey = DataKey.random()

/// A Primer server listening on a loopback port, with an HTTP client that talks to it.
final class TestServer: Sendable {
    let app: Application
    let baseURL: String
    let logs: LogCapture

    init(app: Application, baseURL: String, logs: LogCapture) {
        self.app = app
        self.baseURL = baseURL
        self.logs = logs
    }

    /// Sends a real HTTP request. `json` is encoded as the body; `body` sends raw bytes.
    /// `timeout` bounds a hung server, not the speed (a real model on a busy machine is slow).
    func send(
        _ method: HTTPMethod, _ path: String, json: Any? = nil, body: String? = nil,
        token: String? = nil, headers: [(String, String)] = [], timeout: Duration = .seconds(60)
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])))
        } else if let body {
            if !request.headers.contains(name: "Content-Type") { request.headers.add(name: "Content-Type", value: "application/json") }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 10 << 20)
        return TestResponse(status: response.status, headers: response.headers, body: Data(buffer: bytes))
    }

    /// A client that, like a test should, shows redirects instead of following them.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The SQL database, for assertions about stored rows.
    var sql: any SQLDatabase { app.db as! any SQLDatabase }
}

/// A response with helpers to read its JSON body.
struct TestResponse: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: Data

    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var array: [[String: Any]] { ((try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]]) ?? [] }
    var text: String { String(decoding: body, as: UTF8.self) }
    var code: String? { json["code"] as? String }
    var fields: [String: String] { (json["fields"] as? [String: String]) ?? [:] }
}

/// Runs `body` against a fresh server on `database`, migrated, then tears everything down.
func withServer(
    _ database: TestDatabase,
    configure: (inout PrimerSettings) -> Void = { _ in },
    databaseOverride: DatabaseChoice? = nil,
    migrate: Bool = true,
    _ body: (TestServer) async throws -> Void
) async throws {
    await serverSlots.acquire()
    defer { Task { await serverSlots.release() } }
    var settings = testSettings()
    configure(&settings)
    let app = try await Application.make(.testing)
    let logs = LogCapture()
    app.logger = Logger(label: "primer.test") { _ in RedactingLogHandler(wrapping: logs.handler()) }
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let choice: DatabaseChoice = databaseOverride ?? {
        switch database {
        case .sqlite: return .sqlite(path: settings.dataDirectory + "/primer.sqlite")
        case .postgres: return .postgres(url: testPostgresURL, searchPath: [schema], connectionsPerEventLoop: 2)
        }
    }()
    try await runServer(app, settings: settings, database: choice, logs: logs, prepare: { app in
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        guard migrate else { return }
        if case .postgres = choice { try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
        try await app.autoMigrate()
    }, finish: { app in
        await cleanup(app, choice: choice, schema: schema, migrated: migrate)  // shuts the application down once
    }, body)
}

/// Configures `app` on `database`, runs `prepare` (migrations), starts it on a free loopback
/// port, runs `body`, then `finish` (which stops and shuts the application down) — whatever
/// `body` did; its error is rethrown afterwards.
func runServer(
    _ app: Application, settings: PrimerSettings, database: DatabaseChoice, logs: LogCapture,
    prepare: (Application) async throws -> Void, finish: (Application) async -> Void,
    _ body: (TestServer) async throws -> Void
) async throws {
    let server: TestServer
    do {
        try await PrimerServer.configure(app, settings: settings, database: database)
        try await prepare(app)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.primerServer.localAddress?.port else { throw TestSetupError("no port") }
        server = TestServer(app: app, baseURL: "http://127.0.0.1:\(port)", logs: logs)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    let outcome: Result<Void, any Error>
    do {
        try await body(server)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    await finish(app)
    try outcome.get()
}

private func cleanup(_ app: Application, choice: DatabaseChoice, schema: String, migrated: Bool) async {
    await app.server.shutdown()
    if migrated, case .postgres = choice {
        try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    if case .sqlite(let path) = choice {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }
}

/// At most 12 test servers at once, so parallel tests stay within PostgreSQL's connection limit.
let serverSlots = AsyncSemaphore(permits: 12)

/// A counting semaphore for async code.
actor AsyncSemaphore {
    private var permits: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { self.permits = permits }

    func acquire() async {
        if permits > 0 { permits -= 1; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { permits += 1 } else { waiters.removeFirst().resume() }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Vapor

/// Starts a bare Vapor application on 127.0.0.1 (a free port) with the routes `register`
/// adds, runs `body` with its base URL (`http://127.0.0.1:<port>`), then
/// stops it, also when `body` throws. For stand-ins: a fake provider, a page for the browser,
/// a site of another origin.
func withLocalApp(_ register: (Application) -> Void, _ body: (String) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    register(app)
    do {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        try await body("http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)")
    } catch {
        await app.server.shutdown()
        try? await app.asyncShutdown()
        throw error
    }
    await app.server.shutdown()
    try? await app.asyncShutdown()
}

import Fluent
import Foundation
import PrimerCore
import PrimerProviders
import Vapor

/// Configures `app` from `settings`: database, migrations, services, middleware and routes.
/// `database` overrides the choice derived from the settings (tests use it).
public func configure(_ app: Application, settings: PrimerSettings, database: DatabaseChoice? = nil) async throws {
    let choice = database ?? settings.databaseChoice
    var privatePaths: [String] = []  // reported at start-up if other users can read them
    if case .sqlite(let path) = choice {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try PrivateFiles.ensureDirectory(directory)
        try PrivateFiles.ensureFile(path)
        privatePaths += [directory, path]
    }
    try choice.install(on: app)
    let (dataCipher, dataKeyFile) = try AccountDataEncryption.cipher(for: settings, logger: app.logger)
    if let dataKeyFile { privatePaths.append(dataKeyFile) }
    app.migrations.add(PrimerMigrations.all(cipher: dataCipher))

    let secret = try settings.authSecret ?? DevelopmentSecret.loadOrCreate(in: settings.dataDirectory, logger: app.logger)
    if settings.authSecret == nil {
        privatePaths += [URL(fileURLWithPath: settings.dataDirectory).path, settings.dataDirectory + "/secret.key"]
    }
    PrivateFiles.warnIfOpen(privatePaths, logger: app.logger)
    var fileWatch: DatabaseFileWatch?
    if case .sqlite(let path) = choice { fileWatch = DatabaseFileWatch(path: path) }
    let writes = WriteGate(serialise: choice.isSQLite, fileWatch: fileWatch)
    let (embedder, retrievalNote) = EmbedderChoice.make(settings)
    app.primer = PrimerServices(
        settings: settings,
        dataCipher: dataCipher,
        tokens: await TokenIssuer.make(secret: secret, accessMinutes: settings.accessTokenMinutes, refreshDays: settings.refreshTokenDays),
        passwords: try await PasswordHasher.make(cost: settings.bcryptCost, threadPool: makeBcryptPool(app)),
        rateLimits: InMemoryRateLimitStore(),
        lockout: InMemoryLoginLockoutStore(policy: settings.lockout),
        clientAddresses: ClientAddressResolver(trustedProxies: settings.trustedProxies),
        writes: writes,
        readers: ReaderCache(ttl: settings.authCacheSeconds ?? (choice.isSQLite ? 30 : 0)),
        library: BookLibrary(),
        generator: makeGenerator(settings.llm),
        queryLog: QueryRecorder(writes: writes, cipher: dataCipher),
        embedder: embedder, retrievalNote: retrievalNote,
        mail: try MailService.start(app, settings: settings))

    ContentConfiguration.global.use(encoder: APIJSON.encoder, for: .json)
    app.routes.defaultMaxBodySize = "1mb"

    app.servers.use { $0.primerServer }  // Vapor's routes behind Primer's connection handling (slow clients, accept back-off)

    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(CORSOriginsMiddleware(origins: settings.corsOrigins))
    app.middleware.use(APIErrorMiddleware())
    app.middleware.use(RateLimitMiddleware())
    app.middleware.use(OriginCheckMiddleware(corsOrigins: settings.corsOrigins))
    app.middleware.use(BrowserSessionMiddleware())

    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(IngestCommand(), as: "ingest")
    app.asyncCommands.use(EvalCommand(), as: "eval")
    app.asyncCommands.use(KeysCommand(), as: "keys")
    try routes(app)
    await choice.tune(app)
    // A wrong PRIMER_DATA_KEY stops start-up here, never serves garbage.
    try await AccountDataEncryption.verifyKeys(dataCipher, on: app.db, keyFile: dataKeyFile, logger: app.logger)
}

/// The answer generator chosen by `LLM_PROVIDER`.
func makeGenerator(_ llm: PrimerSettings.LLMSettings) -> any AnswerGenerator {
    switch llm.provider {
    case .extractive:
        return ExtractiveGenerator()
    case .openai:
        return OpenAIChatGenerator(baseURL: llm.openAIBaseURL, apiKey: llm.openAIAPIKey, model: llm.openAIModel, maxTokens: llm.maxTokens)
    case .cohere:
        return CohereChatGenerator(apiKey: llm.cohereAPIKey ?? "", model: llm.cohereModel, baseURL: llm.cohereBaseURL, maxTokens: llm.maxTokens)
    }
}

/// A thread pool for bcrypt, one thread per core, shut down with the application.
private func makeBcryptPool(_ app: Application) -> NIOThreadPool {
    let pool = NIOThreadPool(numberOfThreads: System.coreCount)
    pool.start()
    app.lifecycle.use(ThreadPoolShutdown(pool: pool))
    return pool
}

private struct ThreadPoolShutdown: LifecycleHandler {
    let pool: NIOThreadPool
    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}

extension PrimerSettings {
    /// PostgreSQL when `DATABASE_URL` is set, else the SQLite file in the data directory.
    var databaseChoice: DatabaseChoice {
        if let url = databaseURL { return .postgres(url: url) }
        return .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("primer.sqlite").path)
    }
}

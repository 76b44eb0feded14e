/// Every setting Primer reads, parsed from environment variables (and `.env`).
/// Names follow the original plans so existing deployments carry over.
public struct PrimerSettings: Sendable, Equatable {
    /// Where the SQLite file and the generated development secret live (`PRIMER_DATA_DIR`).
    public var dataDirectory: String = "./data"
    /// The book folder (`PRIMER_BOOK_DIR`): Markdown/MDX pages in a Docusaurus `docs/` layout.
    public var bookDirectory: String = "book"
    /// PostgreSQL URL (`DATABASE_URL`); nil means the SQLite file in the data directory.
    public var databaseURL: String?
    /// HS256 signing secret for access tokens (`BETTER_AUTH_SECRET`); nil until generated.
    public var authSecret: String?
    /// The key that encrypts readers' background, audit values and questions at rest
    /// (`PRIMER_DATA_KEY`, 32 bytes in base64); nil until generated into the data directory in
    /// development. Required in production.
    public var dataKey: DataKey?
    /// The key being rotated away from (`PRIMER_DATA_KEY_PREVIOUS`): it still decrypts, never
    /// encrypts; `primer keys rotate` re-encrypts its values with `dataKey`.
    public var previousDataKey: DataKey?
    /// Access-token lifetime in minutes (`ACCESS_TOKEN_EXPIRE_MINUTES`).
    public var accessTokenMinutes: Int = 15
    /// Refresh-token (session) lifetime in days (`REFRESH_TOKEN_EXPIRE_DAYS`).
    public var refreshTokenDays: Int = 7
    /// Origins allowed to call the API from browsers (`CORS_ORIGINS`, comma-separated).
    public var corsOrigins: [String] = []
    /// bcrypt cost factor (`BCRYPT_COST`).
    public var bcryptCost: Int = 12
    /// `REQUIRE_EMAIL_VERIFICATION=true`: sign-in refuses accounts whose email is not verified.
    public var requireEmailVerification = false
    /// Per-IP limits (`RATE_LIMIT_*`).
    public var rateLimits = RateLimits()
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated IPs/CIDRs).
    public var trustedProxies: [IPNetwork] = []
    /// Failed sign-in lockout.
    public var lockout = LockoutPolicy()
    /// Which generator writes answers (`LLM_PROVIDER`).
    public var llm = LLMSettings()
    /// Which embedder vectorises the book for dense and hybrid retrieval (`EMBEDDING_PROVIDER`).
    public var embedding = EmbeddingSettings()
    /// Seconds a resolved reader may be served from memory (`AUTH_CACHE_SECONDS`); nil means
    /// 30 on SQLite (one server process) and 0, off, on PostgreSQL (possibly several).
    public var authCacheSeconds: Double?
    /// How long slow or idle clients may hold a connection (`HTTP_*_TIMEOUT_SECONDS`).
    public var httpTimeouts = HTTPTimeouts()
    /// Outgoing email (`SMTP_URL`, `EMAIL_FROM`, `PUBLIC_URL`); without `SMTP_URL`, mails go to
    /// `PRIMER_DATA_DIR/outbox/`.
    public var mail = MailSettings()

    /// Limits on slow and idle clients, in seconds.
    public struct HTTPTimeouts: Sendable, Equatable {
        /// From a connection's first byte of a request (or from accepting it) to the end of the
        /// request head (`HTTP_HEADER_TIMEOUT_SECONDS`). Headers sent a byte at a time don't reset it.
        public var header: Double = 10
        /// Longest pause between two reads of a request body (`HTTP_BODY_TIMEOUT_SECONDS`).
        public var body: Double = 15
        /// A kept-alive connection with no request in progress is closed after this long
        /// (`HTTP_IDLE_TIMEOUT_SECONDS`).
        public var idle: Double = 60
        /// Server-sent event streams send a comment this often while they have nothing else to
        /// say, so proxies keep them open and a departed client is noticed (`SSE_HEARTBEAT_SECONDS`).
        public var sseHeartbeat: Double = 15

        public init() {}
    }

    /// Answer generation: `extractive` (no model), `openai` (any OpenAI-compatible server) or `cohere`.
    public struct LLMSettings: Sendable, Equatable {
        public enum Provider: String, Sendable, CaseIterable { case extractive, openai, cohere }
        public var provider: Provider = .extractive
        public var openAIBaseURL = "https://api.openai.com/v1"
        public var openAIAPIKey: String?
        public var openAIModel = "gpt-4o-mini"
        public var cohereBaseURL = "https://api.cohere.com/v2"
        public var cohereAPIKey: String?
        public var cohereModel = "command-r7b-12-2024"
        /// Longest answer or rewritten section a model may write, in tokens (`LLM_MAX_TOKENS`).
        public var maxTokens = 1024

        public init() {}
    }

    /// Embeddings: `local` (all-MiniLM-L6-v2 in-process, files in `PRIMER_MODEL_DIR`), `openai`
    /// (any `/v1/embeddings` server; `OPENAI_BASE_URL`, `OPENAI_API_KEY`), `cohere` (Embed v2;
    /// `COHERE_API_KEY`) or `none` (lexical search only).
    public struct EmbeddingSettings: Sendable, Equatable {
        public enum Provider: String, Sendable, CaseIterable { case local, openai, cohere, none }
        public var provider: Provider = .local
        public var modelDirectory = "models/all-MiniLM-L6-v2"
        public var openAIModel = "text-embedding-3-small"
        public var cohereModel = "embed-english-v3.0"

        public init() {}
    }

    /// Per-route rate limits.
    public struct RateLimits: Sendable, Equatable {
        public var signup = RateLimitRule(count: 5, seconds: 60)
        public var signin = RateLimitRule(count: 10, seconds: 60)
        public var refresh = RateLimitRule(count: 30, seconds: 60)
        public var general = RateLimitRule(count: 120, seconds: 60)
        /// Questions from a signed-in reader (per reader).
        public var query = RateLimitRule(count: 30, seconds: 60)
        /// Questions from signed-out clients (per address).
        public var queryAnonymous = RateLimitRule(count: 10, seconds: 60)

        public init() {}
    }

    /// The minimum length of `BETTER_AUTH_SECRET` in bytes.
    public static let minimumSecretBytes = 32

    public init() {}

    /// Names and one-line descriptions of every setting (for `.env.example` checks and docs).
    public static let documentedNames = [
        "PRIMER_DATA_DIR", "PRIMER_BOOK_DIR", "DATABASE_URL", "BETTER_AUTH_SECRET", "PRIMER_DATA_KEY", "PRIMER_DATA_KEY_PREVIOUS", "ACCESS_TOKEN_EXPIRE_MINUTES",
        "REFRESH_TOKEN_EXPIRE_DAYS", "CORS_ORIGINS", "BCRYPT_COST", "REQUIRE_EMAIL_VERIFICATION", "RATE_LIMIT_SIGNUP", "RATE_LIMIT_SIGNIN",
        "RATE_LIMIT_REFRESH", "RATE_LIMIT_DEFAULT", "RATE_LIMIT_QUERY", "RATE_LIMIT_QUERY_ANONYMOUS", "TRUSTED_PROXIES", "AUTH_CACHE_SECONDS", "LLM_PROVIDER", "OPENAI_BASE_URL", "OPENAI_API_KEY",
        "OPENAI_MODEL", "LLM_MAX_TOKENS", "COHERE_API_KEY", "COHERE_MODEL", "EMBEDDING_PROVIDER", "PRIMER_MODEL_DIR", "OPENAI_EMBEDDING_MODEL",
        "COHERE_EMBED_MODEL", "COHERE_BASE_URL", "LOG_LEVEL", "HTTP_HEADER_TIMEOUT_SECONDS", "HTTP_BODY_TIMEOUT_SECONDS",
        "HTTP_IDLE_TIMEOUT_SECONDS", "SSE_HEARTBEAT_SECONDS", "SMTP_URL", "EMAIL_FROM", "PUBLIC_URL",
    ]

    /// Parses settings from `environment`. Collects every problem and throws them together;
    /// in production a missing or weak secret and an unsafe configuration are problems too.
    public static func load(from environment: [String: String], production: Bool) throws(SettingsError) -> PrimerSettings {
        var settings = PrimerSettings()
        var problems: [String] = []
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let raw = value(name) else { return nil }
            guard let n = Int(raw), range.contains(n) else {
                problems.append("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got '\(raw)')")
                return nil
            }
            return n
        }
        func rule(_ name: String) -> RateLimitRule? {
            guard let raw = value(name) else { return nil }
            do { return try RateLimitRule(parsing: raw) } catch {
                problems.append("\(name) \(error.message) (got '\(raw)')")
                return nil
            }
        }

        if let dir = value("PRIMER_DATA_DIR") { settings.dataDirectory = dir }
        if let dir = value("PRIMER_BOOK_DIR") { settings.bookDirectory = dir }
        if let url = value("DATABASE_URL") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                settings.databaseURL = url
            } else {
                problems.append("DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use SQLite)")
            }
        }
        settings.authSecret = value("BETTER_AUTH_SECRET")
        if let secret = settings.authSecret, secret.utf8.count < minimumSecretBytes, production {
            problems.append("BETTER_AUTH_SECRET is too weak: it must be at least \(minimumSecretBytes) bytes (got \(secret.utf8.count))")
        }
        if settings.authSecret == nil, production {
            problems.append("BETTER_AUTH_SECRET is missing: set it to at least \(minimumSecretBytes) random bytes, e.g. `openssl rand -hex 32`")
        }
        if let raw = value("PRIMER_DATA_KEY") {
            do { settings.dataKey = try DataKey(base64: raw) } catch { problems.append("PRIMER_DATA_KEY \(error)") }
        } else if production {
            problems.append("PRIMER_DATA_KEY is missing: it encrypts readers' background and questions at rest; set it to 32 random bytes in base64, e.g. `openssl rand -base64 32`")
        }
        if let raw = value("PRIMER_DATA_KEY_PREVIOUS") {
            do { settings.previousDataKey = try DataKey(base64: raw) } catch { problems.append("PRIMER_DATA_KEY_PREVIOUS \(error)") }
        }
        if let n = integer("ACCESS_TOKEN_EXPIRE_MINUTES", 1...1440) { settings.accessTokenMinutes = n }
        if let n = integer("REFRESH_TOKEN_EXPIRE_DAYS", 1...365) { settings.refreshTokenDays = n }
        if let n = integer("BCRYPT_COST", 4...31) { settings.bcryptCost = n }
        if let raw = value("REQUIRE_EMAIL_VERIFICATION") {
            switch raw.lowercased() {
            case "true", "1", "yes": settings.requireEmailVerification = true
            case "false", "0", "no": settings.requireEmailVerification = false
            default: problems.append("REQUIRE_EMAIL_VERIFICATION must be true or false (got '\(raw)')")
            }
        }
        if let n = integer("AUTH_CACHE_SECONDS", 0...3600) { settings.authCacheSeconds = Double(n) }
        if let n = integer("HTTP_HEADER_TIMEOUT_SECONDS", 1...3600) { settings.httpTimeouts.header = Double(n) }
        if let n = integer("HTTP_BODY_TIMEOUT_SECONDS", 1...3600) { settings.httpTimeouts.body = Double(n) }
        if let n = integer("HTTP_IDLE_TIMEOUT_SECONDS", 1...86_400) { settings.httpTimeouts.idle = Double(n) }
        if let n = integer("SSE_HEARTBEAT_SECONDS", 1...3600) { settings.httpTimeouts.sseHeartbeat = Double(n) }
        if production, settings.bcryptCost < 10 {
            problems.append("BCRYPT_COST must be at least 10 in production (got \(settings.bcryptCost))")
        }
        if let raw = value("CORS_ORIGINS") {
            settings.corsOrigins = raw.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
            for origin in settings.corsOrigins where origin != "*" {
                if !(origin.hasPrefix("http://") || origin.hasPrefix("https://")) || origin.dropFirst(8).contains("/") {
                    problems.append("CORS_ORIGINS entry '\(origin)' must be an origin like https://example.com (scheme and host, no path)")
                }
            }
            if production, settings.corsOrigins.contains("*") {
                problems.append("CORS_ORIGINS must not contain '*' in production: list the sites that embed the book")
            }
        }
        if let r = rule("RATE_LIMIT_SIGNUP") { settings.rateLimits.signup = r }
        if let r = rule("RATE_LIMIT_SIGNIN") { settings.rateLimits.signin = r }
        if let r = rule("RATE_LIMIT_REFRESH") { settings.rateLimits.refresh = r }
        if let r = rule("RATE_LIMIT_DEFAULT") { settings.rateLimits.general = r }
        if let r = rule("RATE_LIMIT_QUERY") { settings.rateLimits.query = r }
        if let r = rule("RATE_LIMIT_QUERY_ANONYMOUS") { settings.rateLimits.queryAnonymous = r }
        if let raw = value("TRUSTED_PROXIES") {
            for item in raw.split(separator: ",") {
                do { settings.trustedProxies.append(try IPNetwork(parsing: String(item))) } catch {
                    problems.append("TRUSTED_PROXIES: \(error.message)")
                }
            }
        }
        if let raw = value("LLM_PROVIDER") {
            if let provider = LLMSettings.Provider(rawValue: raw.lowercased()) { settings.llm.provider = provider } else {
                problems.append("LLM_PROVIDER must be one of: extractive, openai, cohere (got '\(raw)')")
            }
        }
        if let url = value("OPENAI_BASE_URL") { settings.llm.openAIBaseURL = url }
        settings.llm.openAIAPIKey = value("OPENAI_API_KEY")
        if let model = value("OPENAI_MODEL") { settings.llm.openAIModel = model }
        if let url = value("COHERE_BASE_URL") { settings.llm.cohereBaseURL = url }
        settings.llm.cohereAPIKey = value("COHERE_API_KEY")
        if let model = value("COHERE_MODEL") { settings.llm.cohereModel = model }
        if let n = integer("LLM_MAX_TOKENS", 16...32768) { settings.llm.maxTokens = n }
        if let raw = value("EMBEDDING_PROVIDER") {
            if let provider = EmbeddingSettings.Provider(rawValue: raw.lowercased()) { settings.embedding.provider = provider } else {
                problems.append("EMBEDDING_PROVIDER must be one of: local, openai, cohere, none (got '\(raw)')")
            }
        }
        if let dir = value("PRIMER_MODEL_DIR") { settings.embedding.modelDirectory = dir }
        if let model = value("OPENAI_EMBEDDING_MODEL") { settings.embedding.openAIModel = model }
        if let model = value("COHERE_EMBED_MODEL") { settings.embedding.cohereModel = model }
        if settings.embedding.provider == .cohere, settings.llm.cohereAPIKey == nil {
            problems.append("EMBEDDING_PROVIDER=cohere needs COHERE_API_KEY")
        }
        if settings.llm.provider == .cohere, settings.llm.cohereAPIKey == nil {
            problems.append("LLM_PROVIDER=cohere needs COHERE_API_KEY")
        }
        if settings.llm.provider == .openai, settings.llm.openAIBaseURL.hasPrefix("https://api.openai.com"), settings.llm.openAIAPIKey == nil {
            problems.append("LLM_PROVIDER=openai with the OpenAI API needs OPENAI_API_KEY (local servers such as Ollama need only OPENAI_BASE_URL)")
        }
        if let raw = value("SMTP_URL") {
            do { settings.mail.smtp = try SMTPServer(parsing: raw) } catch { problems.append("SMTP_URL \(error.message)") }
        } else if production {
            problems.append("SMTP_URL is missing: verification and password-reset mails leave through it, e.g. smtp://user:password@smtp.example.com:587")
        }
        if let raw = value("EMAIL_FROM") {
            do { settings.mail.from = try MailAddress(parsing: raw) } catch { problems.append("EMAIL_FROM \(error.message) (got '\(raw)')") }
        } else if production {
            problems.append("EMAIL_FROM is missing: the sender of Primer's mails, e.g. Primer <primer@example.com>")
        }
        if let raw = value("PUBLIC_URL") {
            do { settings.mail.publicURL = try MailSettings.parsePublicURL(raw) } catch { problems.append("PUBLIC_URL \(error.message) (got '\(raw)')") }
        } else if production {
            problems.append("PUBLIC_URL is missing: the address readers open the book at, used in links in mails, e.g. https://book.example.com")
        }
        if !problems.isEmpty { throw SettingsError(problems: problems) }
        return settings
    }
}

/// Settings that cannot be used, all listed at once.
public struct SettingsError: Error, Equatable, CustomStringConvertible {
    public let problems: [String]

    public var description: String {
        "Primer cannot start; fix these settings (environment or .env):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

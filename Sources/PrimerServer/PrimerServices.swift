import NIOConcurrencyHelpers
import PrimerCore
import Vapor

/// Everything the routes share, built once in `configure` and reached as `app.primer` /
/// `req.primer`.
final class PrimerServices: Sendable {
    let settings: PrimerSettings
    /// Encrypts and decrypts readers' data at rest (`PRIMER_DATA_KEY`, `PRIMER_DATA_KEY_PREVIOUS`).
    let dataCipher: DataCipher
    let tokens: TokenIssuer
    let passwords: PasswordHasher
    let rateLimits: any RateLimitStore
    let lockout: any LoginLockoutStore
    let clientAddresses: ClientAddressResolver
    let writes: WriteGate
    /// Resolved readers by session id (see `ReaderCache`).
    let readers: ReaderCache
    /// The loaded book and its search index.
    let library: BookLibrary
    /// Writes answers (`LLM_PROVIDER`).
    let generator: any AnswerGenerator
    /// Stores answered questions (group commit).
    let queryLog: QueryRecorder
    /// Embeds the book and questions for dense retrieval (`EMBEDDING_PROVIDER`); nil: lexical only.
    let embedder: (any Embedder)?
    /// Why retrieval is hybrid or lexical-only (start-up log, `/health`).
    let retrievalNote: NIOLockedValueBox<String>
    /// Outgoing mail, sent in the background: `req.primer.mail.enqueue(MailTemplates(…).verifyEmail(…))`.
    let mail: MailQueue

    init(settings: PrimerSettings, dataCipher: DataCipher, tokens: TokenIssuer, passwords: PasswordHasher, rateLimits: any RateLimitStore,
         lockout: any LoginLockoutStore, clientAddresses: ClientAddressResolver, writes: WriteGate, readers: ReaderCache,
         library: BookLibrary, generator: any AnswerGenerator, queryLog: QueryRecorder, embedder: (any Embedder)?, retrievalNote: String,
         mail: MailQueue) {
        self.settings = settings
        self.dataCipher = dataCipher
        self.tokens = tokens
        self.passwords = passwords
        self.rateLimits = rateLimits
        self.lockout = lockout
        self.clientAddresses = clientAddresses
        self.writes = writes
        self.readers = readers
        self.library = library
        self.generator = generator
        self.queryLog = queryLog
        self.embedder = embedder
        self.retrievalNote = NIOLockedValueBox(retrievalNote)
        self.mail = mail
    }
}

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = PrimerServices
    }

    /// Primer's shared services; set by `configure`.
    var primer: PrimerServices {
        get {
            guard let services = storage[ServicesKey.self] else { fatalError("configure(_:) has not run") }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    /// Primer's shared services.
    var primer: PrimerServices { application.primer }

    /// The client's address: the peer, or the forwarded address when the peer is a trusted proxy.
    var clientAddress: String {
        primer.clientAddresses.clientAddress(
            peer: remoteAddress?.ipAddress ?? peerAddress?.ipAddress,
            forwardedFor: headers[.xForwardedFor])
    }
}

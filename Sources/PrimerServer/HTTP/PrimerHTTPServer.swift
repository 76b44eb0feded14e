import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import PrimerCore
import Vapor

/// Primer's HTTP/1.1 server: Vapor's routes and middleware behind a pipeline Primer controls,
/// so that slow and idle clients are cut off (`ClientTimeoutHandler`), accepting pauses
/// instead of spinning when the process runs out of file descriptors (`AcceptThrottleHandler`),
/// streamed answers end when their client leaves, and shutdown lets answers in flight finish.
/// Vapor's own server exposes no way to add handlers to its connections.
final class PrimerHTTPServer: Server, Sendable {
    private let application: Application
    private let state = NIOLockedValueBox<(channel: (any Channel)?, quiesce: ServerQuiescingHelper?)>((nil, nil))

    init(application: Application) {
        self.application = application
    }

    /// The address the server listens on once started (port 0 picks a free one).
    var localAddress: SocketAddress? { state.withLockedValue { $0.channel?.localAddress } }

    var onShutdown: EventLoopFuture<Void> {
        state.withLockedValue { $0.channel?.closeFuture } ?? application.eventLoopGroup.any().makeSucceededVoidFuture()
    }

    func start(address: BindAddress?) async throws {
        let configuration = application.http.server.configuration
        let group = application.eventLoopGroup
        let quiesce = ServerQuiescingHelper(group: group)
        let application = self.application
        let responder = application.responder.current
        let timeouts = HTTPTimeoutAmounts(application.primer.settings.httpTimeouts)
        let maxBodySize = application.routes.defaultMaxBodySize.value
        let logger = application.logger
        let acceptErrors = AcceptErrorLog(logger: logger)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: Int32(configuration.backlog))
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.maxMessagesPerRead, value: 256)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                    // Out of descriptors (EMFILE/ENFILE), accept fails at once and again: wait a
                    // little instead of retrying in a loop that eats a core.
                    try channel.pipeline.syncOperations.addHandler(AcceptThrottleHandler(pause: .milliseconds(250)) { error in
                        acceptErrors.record(error)
                    })
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let deadlines = ClientTimeoutHandler(timeouts: timeouts)
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(deadlines)
                    try operations.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
                    try operations.addHandler(HTTPRequestHandler(
                        application: application, responder: responder, timeouts: deadlines, maxBodySize: maxBodySize))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 1)

        let channel: any Channel
        switch address {
        case .unixDomainSocket(let path):
            channel = try await bootstrap.bind(unixDomainSocketPath: path).get()
        case .hostname(let host, let port):
            channel = try await bootstrap.bind(host: host ?? configuration.hostname, port: port ?? configuration.port).get()
        case nil:
            channel = try await bootstrap.bind(host: configuration.hostname, port: configuration.port).get()
        }
        state.withLockedValue { $0 = (channel, quiesce) }
        logger.notice("Server started on http://\(channel.localAddress?.ipAddress ?? configuration.hostname):\(channel.localAddress?.port ?? configuration.port)")
    }

    @available(*, noasync)
    func start(address: BindAddress?) throws {
        let box = NIOLockedValueBox<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await start(address: address); box.withLockedValue { $0 = .success(()) } } catch {
                box.withLockedValue { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        try box.withLockedValue { $0 }?.get()
    }

    /// Stops accepting, lets answers in flight finish (kept-alive idle connections close at
    /// once), then returns.
    func shutdown() async {
        let (channel, quiesce) = state.withLockedValue { state in
            defer { state = (nil, nil) }
            return state
        }
        guard let channel, let quiesce else { return }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: promise)
        try? await promise.futureResult.get()
        _ = try? await channel.closeFuture.get()
    }

    @available(*, noasync)
    func shutdown() {
        let done = DispatchSemaphore(value: 0)
        Task {
            await shutdown()
            done.signal()
        }
        done.wait()
    }
}

/// Logs accept failures (e.g. "Too many open files") at most once a second.
private final class AcceptErrorLog: Sendable {
    private let logger: Logger
    private let last = NIOLockedValueBox<(at: NIODeadline, suppressed: Int)>((.uptimeNanoseconds(0), 0))

    init(logger: Logger) {
        self.logger = logger
    }

    func record(_ error: IOError) {
        let now = NIODeadline.now()
        let report: Int? = last.withLockedValue { state in
            guard now - state.at >= .seconds(1) else { state.suppressed += 1; return nil }
            defer { state = (now, 0) }
            return state.suppressed
        }
        if let suppressed = report {
            logger.warning("Cannot accept connections: \(error.description); retrying in 250 ms\(suppressed > 0 ? " (\(suppressed) more since the last report)" : "")")
        }
    }
}

extension Application {
    private struct PrimerServerKey: StorageKey { typealias Value = PrimerHTTPServer }

    /// The one `PrimerHTTPServer` of this application (`app.server` returns it).
    var primerServer: PrimerHTTPServer {
        if let existing = storage[PrimerServerKey.self] { return existing }
        let server = PrimerHTTPServer(application: self)
        storage[PrimerServerKey.self] = server
        return server
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// On the listening socket: when accepting fails for lack of resources (EMFILE/ENFILE: out of
/// file descriptors; ENOBUFS/ENOMEM), stops watching the socket for `pause`, then tries again.
/// Without it the socket stays readable (connections wait in the backlog), accept fails at
/// once, and the event loop spins on it at 100% of a core. (NIO's AcceptBackoffHandler only
/// delays `read()` calls, which a failed accept never makes, so it doesn't stop that loop.)
final class AcceptThrottleHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel

    private let pause: TimeAmount
    private let onPause: @Sendable (IOError) -> Void
    private var paused = false

    init(pause: TimeAmount, onPause: @escaping @Sendable (IOError) -> Void) {
        self.pause = pause
        self.onPause = onPause
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let ioError = error as? IOError, Self.isResourceShortage(ioError) else {
            context.fireErrorCaught(error)
            return
        }
        onPause(ioError)
        guard !paused, let options = context.channel.syncOptions else { return }
        paused = true
        try? options.setOption(.autoRead, value: false)  // stops watching the socket
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: pause) {
            let (handler, context) = loopBound.value
            handler.paused = false
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)  // and accepts again
        }
    }

    static func isResourceShortage(_ error: IOError) -> Bool {
        [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode)
    }
}

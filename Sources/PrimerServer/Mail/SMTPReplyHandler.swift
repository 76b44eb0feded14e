import NIOCore
import NIOSSL

/// Hands the server's replies, in order, to whoever waits for them (`expectReply`), each
/// wait bounded by a timeout. A reply that arrives before anyone waits (the greeting) is
/// kept. An error, a timeout or the connection closing fails every wait, then and later,
/// and closes the connection. Lives on the channel's event loop.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = SMTPReply

    private struct Waiter {
        let step: String
        let promise: EventLoopPromise<SMTPReply>
        let timeout: Scheduled<Void>
    }

    private var waiters = CircularBuffer<Waiter>()
    private var received = CircularBuffer<SMTPReply>()
    private var failure: SMTPError?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(.connectionClosed(waitingFor: "a reply"))
        self.context = nil
    }

    /// Succeeds `promise` with the next reply, or fails it after `timeout` (closing the connection).
    func expectReply(step: String, timeout: TimeAmount, promise: EventLoopPromise<SMTPReply>) {
        if let reply = received.popFirst() {
            promise.succeed(reply)
            return
        }
        if let failure {
            promise.fail(Self.restated(failure, step: step))
            return
        }
        guard let context else {
            promise.fail(SMTPError.connectionClosed(waitingFor: step))
            return
        }
        let timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            self.fail(.timedOut(waitingFor: step))
            self.context?.close(promise: nil)
        }
        waiters.append(Waiter(step: step, promise: promise, timeout: timeoutTask))
    }

    /// Forgets replies nobody asked for; returns how many there were (after STARTTLS there
    /// must be none: anything sent before the handshake is untrusted).
    func discardUnread() -> Int {
        defer { received.removeAll() }
        return received.count
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        if let waiter = waiters.popFirst() {
            waiter.timeout.cancel()
            waiter.promise.succeed(reply)
        } else {
            received.append(reply)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(Self.smtpError(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed(waitingFor: "a reply"))
        context.fireChannelInactive()
    }

    /// Fails every wait with `error` (re-stated for each wait's step) and remembers it.
    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        let failure = self.failure ?? error
        while let waiter = waiters.popFirst() {
            waiter.timeout.cancel()
            waiter.promise.fail(Self.restated(failure, step: waiter.step))
        }
    }

    /// A timeout or closed connection says which step it interrupted.
    private static func restated(_ error: SMTPError, step: String) -> SMTPError {
        switch error {
        case .connectionClosed: .connectionClosed(waitingFor: step)
        case .timedOut(let original): .timedOut(waitingFor: original)
        default: error
        }
    }

    /// Errors from the pipeline as SMTP errors: TLS failures named as such.
    static func smtpError(_ error: any Error) -> SMTPError {
        switch error {
        case let error as SMTPError: error
        case let error as NIOSSLError: .tls(String(describing: error))
        case let error as BoringSSLError: .tls(String(describing: error))
        case is NIOSSLExtraError: .tls(String(describing: error))
        case is IOError, is ChannelError: .connectionClosed(waitingFor: "a reply (\(error))")
        default: .protocolViolation(String(describing: error))
        }
    }
}

import Foundation
import NIOCore
import PrimerCore

/// Closes connections whose clients are too slow or silent, first in every connection's
/// pipeline (it sees raw bytes):
/// - waiting for a request (a new connection, or between kept-alive requests): the idle timeout
///   (the header timeout for a new connection, which must start talking promptly);
/// - reading a request head: the header timeout, counted from the head's first byte and not
///   reset by later bytes, so headers trickled a byte at a time can't hold the connection;
/// - reading a body: the body timeout, the longest pause between two reads.
/// While the server is answering there is no client deadline (answers, streams included, end
/// on their own or when the client leaves). A request cut short gets `408 Request Timeout`.
final class ClientTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = IOData

    /// Where the connection is in its request/response cycle.
    enum Phase: Equatable {
        case awaitingRequest
        case readingHead
        case readingBody
        case answering
    }

    private let timeouts: HTTPTimeoutAmounts
    private(set) var phase: Phase = .awaitingRequest
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeouts: HTTPTimeoutAmounts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { arm(timeouts.header) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(timeouts.header)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        timerFiresAt = nil
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .awaitingRequest:
            phase = .readingHead
            arm(timeouts.header)  // from the first byte of the head, not reset by later ones
        case .readingBody:
            arm(timeouts.body)  // a pause between reads
        case .readingHead, .answering:
            break
        }
        context.fireChannelRead(data)
    }

    // MARK: Told by the request handler

    /// The request head is complete; its body (if any) follows.
    func headReceived() {
        phase = .readingBody
        arm(timeouts.body)
    }

    /// The request is complete; the server is answering.
    func requestComplete() {
        phase = .answering
        disarm()
    }

    /// The answer is sent and the connection stays open for another request.
    func responseComplete() {
        phase = .awaitingRequest
        arm(timeouts.idle)
    }

    // MARK: Deadlines

    /// When the current phase runs out; nil while answering. One timer serves every deadline:
    /// moving a deadline later costs nothing, the timer re-arms itself when it fires early.
    private var deadline: NIODeadline?
    private var timerFiresAt: NIODeadline?

    private func arm(_ amount: TimeAmount) {
        let due = NIODeadline.now() + amount
        deadline = due
        if let firesAt = timerFiresAt, firesAt <= due { return }
        schedule(at: due)
    }

    private func disarm() {
        deadline = nil
    }

    private func schedule(at due: NIODeadline) {
        timer?.cancel()
        guard let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timerFiresAt = due
        timer = context.eventLoop.scheduleTask(deadline: due) { loopBound.value.timerFired() }
    }

    private func timerFired() {
        timer = nil
        timerFiresAt = nil
        guard let due = deadline else { return }
        if NIODeadline.now() < due { schedule(at: due); return }
        deadline = nil
        expire()
    }

    private func expire() {
        guard let context, context.channel.isActive else { return }
        switch phase {
        case .awaitingRequest:
            context.close(promise: nil)
        case .readingHead, .readingBody:
            let detail = phase == .readingHead ? "The request head did not arrive in time" : "The request body stalled"
            let body = #"{"detail":"\#(detail)","code":"request_timeout"}"#
            let text = "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)"
            phase = .answering
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(context.channel.allocator.buffer(string: text))))
                .whenComplete { _ in context.close(promise: nil) }
        case .answering:
            break
        }
    }
}

/// `PrimerSettings.HTTPTimeouts` as NIO time amounts.
struct HTTPTimeoutAmounts: Sendable {
    let header: TimeAmount
    let body: TimeAmount
    let idle: TimeAmount

    init(_ timeouts: PrimerSettings.HTTPTimeouts) {
        header = .milliseconds(Int64(timeouts.header * 1000))
        body = .milliseconds(Int64(timeouts.body * 1000))
        idle = .milliseconds(Int64(timeouts.idle * 1000))
    }
}

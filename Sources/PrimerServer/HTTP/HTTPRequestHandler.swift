import Foundation
import NIOCore
import NIOHTTP1
import Vapor

/// The last handler of a connection's pipeline: collects each HTTP/1.1 request (head and body,
/// at most `maxBodySize` bytes), hands it to Vapor's responder (middleware and routes), and
/// writes the answer: whole bodies at once, `StreamedBody` answers piece by piece as they are
/// produced. Tells `ClientTimeoutHandler` where the connection is, so slow clients are cut off.
/// `HTTPServerPipelineHandler` (before it) queues pipelined requests until each answer is done.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let application: Application
    private let responder: any Responder
    private let timeouts: ClientTimeoutHandler
    private let maxBodySize: Int
    private let logger: Logger

    private enum State {
        case idle
        case reading(HTTPRequestHead, ByteBuffer?)
        /// The request was refused while reading (e.g. too large): the rest is dropped.
        case discarding
        case answering
    }

    private var state = State.idle
    /// Counts requests, so a finished stream's late writes never touch the next answer.
    private var requestNumber = 0
    private var stream: Task<Void, Never>?
    private var closed = false

    init(application: Application, responder: any Responder, timeouts: ClientTimeoutHandler, maxBodySize: Int) {
        self.application = application
        self.responder = responder
        self.timeouts = timeouts
        self.maxBodySize = maxBodySize
        self.logger = application.logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            timeouts.headReceived()
            if let length = head.headers.first(name: .contentLength).flatMap(Int.init), length > maxBodySize {
                state = .discarding
                refuse(context, head: head, status: .payloadTooLarge, code: "payload_too_large",
                       detail: "The request body is larger than \(maxBodySize / 1024) KB")
                return
            }
            state = .reading(head, nil)
        case (.body(var part), .reading(let head, var body)):
            state = .answering  // (no copy-on-write of the accumulated body while it is appended to)
            if (body?.readableBytes ?? 0) + part.readableBytes > maxBodySize {
                state = .discarding
                refuse(context, head: head, status: .payloadTooLarge, code: "payload_too_large",
                       detail: "The request body is larger than \(maxBodySize / 1024) KB")
                return
            }
            if body == nil { body = part } else { body!.writeBuffer(&part) }
            state = .reading(head, body)
        case (.end, .reading(let head, let body)):
            state = .answering
            requestNumber &+= 1
            timeouts.requestComplete()
            respond(context, head: head, body: body)
        case (.body, .discarding), (.end, .discarding):
            break
        default:
            context.close(promise: nil)  // a part out of order: the decoder guarantees this never happens
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        stream?.cancel()  // the client is gone: stop producing its answer
        stream = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Malformed requests are answered with 400 by the pipeline's error handler; I/O errors end the connection.
        context.close(promise: nil)
    }

    // MARK: Answering

    private func respond(_ context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer?) {
        let request = Request(
            application: application, method: head.method, url: URI(string: head.uri), version: head.version,
            headersNoUpdate: head.headers, collectedBody: body, remoteAddress: context.channel.remoteAddress,
            logger: logger, byteBufferAllocator: context.channel.allocator, on: context.eventLoop)
        let keepAlive = head.isKeepAlive
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        responder.respond(to: request).hop(to: context.eventLoop).whenComplete { result in
            let (handler, context) = loopBound.value
            switch result {
            case .success(let response):
                handler.write(response, for: head, keepAlive: keepAlive, context: context)
            case .failure(let error):
                handler.logger.error("Unhandled error answering \(head.method) \(head.uri): \(String(reflecting: type(of: error)))")
                handler.refuse(context, head: head, status: .internalServerError, code: "internal_error",
                               detail: "Something went wrong on our side")
            }
        }
    }

    private func write(_ response: Response, for request: HTTPRequestHead, keepAlive: Bool, context: ChannelHandlerContext) {
        guard !closed else { return }
        var headers = response.headers
        headers.replaceOrAdd(name: .connection, value: keepAlive ? "keep-alive" : "close")
        headers.replaceOrAdd(name: .date, value: HTTPDate.now())
        let bodiless = request.method == .HEAD || response.status == .noContent || response.status == .notModified
            || response.status.code < 200
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))),
                      promise: nil)
        if bodiless {
            finish(context, keepAlive: keepAlive)
        } else if let streamed = response.storage[StreamedBody.Key.self] {
            startStream(streamed, context: context, keepAlive: keepAlive)
        } else if let buffer = response.body.buffer {
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            finish(context, keepAlive: keepAlive)
        } else {
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            response.body.collect(on: context.eventLoop).whenComplete { result in
                let (handler, context) = loopBound.value
                guard case .success(let buffer) = result else { context.close(promise: nil); return }
                if let buffer { context.write(handler.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
                handler.finish(context, keepAlive: keepAlive)
            }
        }
    }

    /// Ends the answer; the connection waits for the next request or closes.
    private func finish(_ context: ChannelHandlerContext, keepAlive: Bool) {
        state = .idle
        stream = nil
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { result in
            let (handler, context) = loopBound.value
            if keepAlive, case .success = result, !handler.closed {
                handler.timeouts.responseComplete()
            } else {
                context.close(promise: nil)
            }
        }
    }

    /// Answers with a JSON error and closes the connection (the request was not read whole).
    private func refuse(_ context: ChannelHandlerContext, head: HTTPRequestHead, status: HTTPResponseStatus, code: String, detail: String) {
        timeouts.requestComplete()
        let body = ByteBuffer(data: (try? JSONEncoder().encode(["detail": detail, "code": code])) ?? Data())
        let headers: HTTPHeaders = [
            "content-type": "application/json; charset=utf-8", "content-length": "\(body.readableBytes)",
            "connection": "close", "date": HTTPDate.now(),
        ]
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    // MARK: Streamed answers

    private func startStream(_ streamed: StreamedBody, context: ChannelHandlerContext, keepAlive: Bool) {
        context.flush()  // the head goes out at once (clients wait for it)
        let writer = ChannelBodyWriter(handler: NIOLoopBound((self, context), eventLoop: context.eventLoop), keepAlive: keepAlive,
                                       requestNumber: requestNumber)
        stream = Task {
            do {
                try await streamed.produce(writer)
            } catch {
                try? await writer.write(.error(error))
            }
            try? await writer.write(.end)  // ignored if the producer already ended the stream
        }
    }

    /// Writes a piece of a streamed answer (on the event loop); `.end` finishes the answer,
    /// `.error` closes the connection, as chunked encoding can't say "failed".
    fileprivate func writeStreamed(_ result: BodyStreamResult, context: ChannelHandlerContext, keepAlive: Bool,
                                   requestNumber: Int) -> EventLoopFuture<Void> {
        guard !closed, requestNumber == self.requestNumber, case .answering = state else {
            return context.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        switch result {
        case .buffer(let buffer):
            return context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))))
        case .end:
            finish(context, keepAlive: keepAlive)
            return context.eventLoop.makeSucceededVoidFuture()
        case .error:
            state = .discarding
            context.close(promise: nil)
            return context.eventLoop.makeSucceededVoidFuture()
        }
    }
}

/// Hands a streamed answer's pieces to its connection, waiting for each write (backpressure);
/// writes fail once the client has gone.
private struct ChannelBodyWriter: AsyncBodyStreamWriter {
    let handler: NIOLoopBound<(HTTPRequestHandler, ChannelHandlerContext)>
    let keepAlive: Bool
    let requestNumber: Int

    func write(_ result: BodyStreamResult) async throws {
        let handler = self.handler, keepAlive = self.keepAlive, number = requestNumber
        try await handler.eventLoop.flatSubmit {
            let (handler, context) = handler.value
            return handler.writeStreamed(result, context: context, keepAlive: keepAlive, requestNumber: number)
        }.get()
    }
}

import NIOCore
import NIOSSL

/// One open SMTP connection: sends command lines and waits for their replies (each within
/// `replyTimeout`), and upgrades itself to TLS for STARTTLS. Safe to use from any task; one
/// command at a time.
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<SMTPReplyHandler>
    let replyTimeout: TimeAmount

    init(channel: any Channel, handler: NIOLoopBound<SMTPReplyHandler>, replyTimeout: TimeAmount) {
        self.channel = channel
        self.handler = handler
        self.replyTimeout = replyTimeout
    }

    /// Waits for the next reply (the greeting, or the answer to data already sent).
    func reply(to step: String) async throws(SMTPError) -> SMTPReply {
        try await send(nil, step: step)
    }

    /// Sends `line` plus CRLF and waits for its reply (at most `timeout`, default `replyTimeout`).
    /// `step` names it in errors and must not contain secrets (for AUTH it is just "AUTH PLAIN").
    func command(_ line: String, step: String, timeout: TimeAmount? = nil) async throws(SMTPError) -> SMTPReply {
        try await send(ByteBuffer(string: line + "\r\n"), step: step, timeout: timeout)
    }

    /// Sends raw bytes (the message of DATA, already dot-stuffed and terminated) and waits for the reply.
    func data(_ bytes: ByteBuffer, step: String) async throws(SMTPError) -> SMTPReply {
        try await send(bytes, step: step)
    }

    private func send(_ bytes: ByteBuffer?, step: String, timeout: TimeAmount? = nil) async throws(SMTPError) -> SMTPReply {
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        let (channel, handler, timeout) = (self.channel, self.handler, timeout ?? replyTimeout)
        channel.eventLoop.execute {
            // Registered before writing, so the reply can't arrive unclaimed.
            handler.value.expectReply(step: step, timeout: timeout, promise: promise)
            if let bytes { channel.writeAndFlush(bytes, promise: nil) }
        }
        do {
            return try await promise.futureResult.get()
        } catch {
            throw SMTPReplyHandler.smtpError(error)
        }
    }

    /// After the server's `220` to STARTTLS: puts TLS under the SMTP handlers. Any reply the
    /// server sent before the handshake is a protocol violation (it would be untrusted).
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws(SMTPError) {
        let (channel, handler) = (self.channel, self.handler)
        do {
            try await channel.eventLoop.submit {
                guard handler.value.discardUnread() == 0 else {
                    throw SMTPError.protocolViolation("the server sent replies before the TLS handshake")
                }
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
            }.get()
        } catch {
            throw SMTPReplyHandler.smtpError(error)
        }
    }

    /// Closes the connection (after QUIT, or on failure); never throws.
    func close() async {
        try? await channel.close()
    }
}

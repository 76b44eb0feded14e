import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PrimerCore

/// A small SMTP client (RFC 5321) on SwiftNIO: one connection per message, EHLO, STARTTLS
/// (RFC 3207) or implicit TLS, AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO, DATA with
/// dot-stuffing, QUIT. Every step is bounded by a timeout and every failure is an `SMTPError`
/// carrying the server's code and text. Passwords never appear in errors or logs.
struct SMTPClient: Sendable {
    /// How long to wait for the TCP connection and for each reply.
    struct Timeouts: Sendable {
        var connect: TimeAmount = .seconds(10)
        var reply: TimeAmount = .seconds(60)
    }

    let server: SMTPServer
    /// The name given in EHLO (a host name, or an address literal such as `[127.0.0.1]`).
    let clientName: String
    let timeouts: Timeouts
    private let group: any EventLoopGroup
    private let tlsContext: NIOSSLContext

    /// Prepares a client for `server`; the TLS context (trust roots, verification) is built
    /// once here. `clientName` is used in EHLO when it is a valid host name, else `localhost`.
    init(server: SMTPServer, clientName: String = "localhost", group: any EventLoopGroup, timeouts: Timeouts = Timeouts()) throws(SMTPError) {
        self.server = server
        if let address = try? SocketAddress(ipAddress: clientName, port: 0) {  // an address literal
            self.clientName = address.protocol == .inet6 ? "[IPv6:\(clientName)]" : "[\(clientName)]"
        } else {
            self.clientName = Self.isHostName(clientName) ? clientName : "localhost"
        }
        self.timeouts = timeouts
        self.group = group
        var tls = TLSConfiguration.makeClientConfiguration()
        if !server.verifyCertificate { tls.certificateVerification = .none }
        do {
            tlsContext = try NIOSSLContext(configuration: tls)
        } catch {
            throw .tls("cannot set up TLS: \(error)")
        }
    }

    /// Delivers `message` (RFC 5322 text, CRLF line endings, 7-bit) from `sender` to `recipients`.
    func send(from sender: String, to recipients: [String], message: String) async throws(SMTPError) {
        guard MailAddress.isValid(sender) else { throw .invalidAddress("the sender is not an address Primer can send from") }
        guard !recipients.isEmpty else { throw .invalidAddress("no recipient") }
        for recipient in recipients where !MailAddress.isValid(recipient) {
            throw .invalidAddress("a recipient is not an address Primer can send to")
        }
        let connection = try await connect()
        do {
            try await converse(connection, sender: sender, recipients: recipients, message: message)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    // MARK: - The conversation

    private func converse(_ connection: SMTPConnection, sender: String, recipients: [String], message: String) async throws(SMTPError) {
        let greeting = try await connection.reply(to: "the greeting")
        guard greeting.code == 220 else { throw .rejected(command: "the connection", code: greeting.code, text: greeting.text) }
        var extensions = try await hello(connection)
        var encrypted = server.security == .implicitTLS
        if !encrypted {
            if extensions.startTLS {
                let reply = try await connection.command("STARTTLS", step: "STARTTLS")
                guard reply.code == 220 else { throw .rejected(command: "STARTTLS", code: reply.code, text: reply.text) }
                try await connection.startTLS(context: tlsContext, serverHostname: serverHostname)
                extensions = try await hello(connection)  // RFC 3207: forget what was said before TLS
                encrypted = true
            } else if server.security == .startTLSRequired {
                throw .startTLSNotOffered
            }
        }
        if let username = server.username {
            guard encrypted || server.isLoopback else { throw .authenticationNeedsTLS }
            try await authenticate(connection, username: username, password: server.password ?? "", offered: extensions.authMechanisms)
        }
        try await expect(250, from: connection.command("MAIL FROM:<\(sender)>", step: "MAIL FROM"), command: "MAIL FROM")
        for recipient in recipients {
            let reply = try await connection.command("RCPT TO:<\(recipient)>", step: "RCPT TO")
            guard reply.code == 250 || reply.code == 251 else { throw .rejected(command: "RCPT TO", code: reply.code, text: reply.text) }
        }
        try await expect(354, from: connection.command("DATA", step: "DATA"), command: "DATA")
        try await expect(250, from: connection.data(Self.dataPayload(message), step: "the end of the message"), command: "the message")
        // Delivered already: a slow or missing 221 changes nothing, so don't wait long for it.
        _ = try? await connection.command("QUIT", step: "QUIT", timeout: min(timeouts.reply, .seconds(5)))
    }

    /// EHLO, or HELO (no extensions) when the server does not know EHLO.
    private func hello(_ connection: SMTPConnection) async throws(SMTPError) -> SMTPExtensions {
        let reply = try await connection.command("EHLO \(clientName)", step: "EHLO")
        if reply.isPositive { return SMTPExtensions(reply) }
        guard (500..<600).contains(reply.code) else { throw .rejected(command: "EHLO", code: reply.code, text: reply.text) }
        try await expect(250, from: connection.command("HELO \(clientName)", step: "HELO"), command: "HELO")
        return SMTPExtensions()
    }

    /// AUTH PLAIN (RFC 4616) when offered, else AUTH LOGIN.
    private func authenticate(_ connection: SMTPConnection, username: String, password: String, offered: [String]) async throws(SMTPError) {
        let reply: SMTPReply
        if offered.contains("PLAIN") {
            let credentials = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            reply = try await connection.command("AUTH PLAIN \(credentials)", step: "AUTH PLAIN")
        } else if offered.contains("LOGIN") {
            let start = try await connection.command("AUTH LOGIN", step: "AUTH LOGIN")
            guard start.code == 334 else { throw Self.authError(start) }
            let user = try await connection.command(Data(username.utf8).base64EncodedString(), step: "AUTH LOGIN (user name)")
            guard user.code == 334 else { throw Self.authError(user) }
            reply = try await connection.command(Data(password.utf8).base64EncodedString(), step: "AUTH LOGIN (password)")
        } else {
            throw .noAuthenticationMechanism(offered: offered)
        }
        guard reply.code == 235 else { throw Self.authError(reply) }
    }

    private static func authError(_ reply: SMTPReply) -> SMTPError {
        .authenticationFailed(code: reply.code, text: reply.text)
    }

    private func expect(_ code: Int, from reply: SMTPReply, command: String) throws(SMTPError) {
        guard reply.code == code else { throw .rejected(command: command, code: reply.code, text: reply.text) }
    }

    // MARK: - Connecting

    private func connect() async throws(SMTPError) -> SMTPConnection {
        let implicitTLS = server.security == .implicitTLS
        let (context, hostname, replyTimeout) = (tlsContext, serverHostname, timeouts.reply)
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(timeouts.connect)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: server.host, port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if implicitTLS { try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: hostname)) }
                        try pipeline.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        let handler = SMTPReplyHandler()
                        try pipeline.addHandler(handler)
                        return SMTPConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), replyTimeout: replyTimeout)
                    }
                }
        } catch {
            if case .connectTimeout? = error as? ChannelError {
                throw .timedOut(waitingFor: "the connection to \(server.host):\(server.port)")
            }
            if let error = error as? NIOConnectionError {
                let reasons = error.connectionErrors.map { "\($0.error)" } + [error.dnsAError, error.dnsAAAAError].compactMap { $0.map { "\($0)" } }
                throw .connectionFailed(host: server.host, port: server.port, reason: reasons.first ?? "no address for the host")
            }
            throw .connectionFailed(host: server.host, port: server.port, reason: "\(error)")
        }
    }

    /// The name the certificate must match (and SNI), or nil for an IP address (no SNI then).
    private var serverHostname: String? {
        (try? SocketAddress(ipAddress: server.host, port: 0)) == nil ? server.host : nil
    }

    /// True for a name of letter/digit/hyphen labels joined by dots, or `[address literal]`.
    static func isHostName(_ name: String) -> Bool {
        if name.hasPrefix("["), name.hasSuffix("]") {
            return name.dropFirst().dropLast().allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == "." || $0 == ":" || $0.isLetter) }
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return !name.isEmpty && name.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    // MARK: - DATA

    /// The message as sent after DATA: CRLF line endings, a `.` doubled at the start of a line
    /// (RFC 5321 §4.5.2), then the terminating `.` line.
    static func dataPayload(_ message: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(message.utf8.count + message.utf8.count / 40 + 8)
        var lines = message.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }  // the message's own final line break
        for var line in lines {
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.first == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            buffer.writeBytes(line)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString(".\r\n")
        return buffer
    }
}

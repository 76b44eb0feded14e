import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the scripted server received it.
struct RecordedRequest: Sendable {
    let method: HTTPMethod
    let path: String
    let headers: HTTPHeaders
    let body: [UInt8]

    /// The body as a JSON object (nil when it is not one).
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// `messages` of the JSON body as `{role, content}` pairs.
    var messages: [(role: String, content: String)] {
        let list = json?["messages"] as? [[String: Any]] ?? []
        return list.map { ($0["role"] as? String ?? "?", $0["content"] as? String ?? "?") }
    }
}

/// What the scripted server answers to every request.
enum Script: Sendable {
    /// A streamed answer: the head, then each piece as its own write (one HTTP chunk, flushed,
    /// with a short pause so pieces leave as separate TCP segments), then the end.
    case stream(status: Int = 200, contentType: String = "text/event-stream", pieces: [[UInt8]])
    /// A complete JSON body with `status`.
    case json(status: Int, body: String)
    /// A complete JSON answer with headers of its own, possibly after a delay.
    case reply(Reply)
    /// The head and `first`, then nothing for `silence` (then the end): to trigger read
    /// timeouts, and to see that only the consumer's cancellation can close the connection.
    case stall(first: [[UInt8]], silence: Duration)
}

/// What the server saw, shared with the test.
actor ServerLog {
    private(set) var requests: [RecordedRequest] = []
    /// True once a connection closed before its script was done (the client hung up).
    private(set) var clientDisconnectedEarly = false
    private var finishedScripts: Set<Int> = []

    func record(_ request: RecordedRequest) { requests.append(request) }
    func scriptFinished(_ connection: Int) { finishedScripts.insert(connection) }
    func connectionClosed(_ connection: Int) {
        if !finishedScripts.contains(connection) { clientDisconnectedEarly = true }
    }

    /// Waits up to `limit` for the client to hang up early; true when it did.
    func waitForEarlyDisconnect(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !clientDisconnectedEarly && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return clientDisconnectedEarly
    }
}

/// A complete JSON answer (see `Script.reply`).
struct Reply: Sendable {
    var status = 200
    var headers: [String: String] = [:]
    var body: String
    /// How long to wait before answering (to let the client's deadline pass).
    var delay: Duration = .zero
}

/// A small HTTP/1.1 server on 127.0.0.1 (a free port) that records each request (path,
/// headers, body) and answers with a script, the same one every time or one made from the
/// request (so that batches get answers of their own size). Each connection serves one request.
final class ScriptedServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    let port: Int
    let log: ServerLog
    private let channel: any Channel
    private let task: Task<Void, Never>

    private init(port: Int, log: ServerLog, channel: any Channel, task: Task<Void, Never>) {
        self.port = port
        self.log = log
        self.channel = channel
        self.task = task
    }

    /// `http://127.0.0.1:<port>`.
    var url: String { "http://127.0.0.1:\(port)" }

    /// Answers every request with `script`.
    static func start(_ script: Script) async throws -> ScriptedServer {
        try await start(answering: { _ in script })
    }

    /// Answers each request with the reply made from it.
    static func start(replying reply: @escaping @Sendable (RecordedRequest) -> Reply) async throws -> ScriptedServer {
        try await start(answering: { .reply(reply($0)) })
    }

    private static func start(answering: @escaping @Sendable (RecordedRequest) -> Script) async throws -> ScriptedServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = server.channel.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        let log = ServerLog()
        let task = Task {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection, answering: answering, log: log) }
                    }
                }
            }
        }
        return ScriptedServer(port: port, log: log, channel: server.channel, task: task)
    }

    /// Closes the listening socket and ends the connections still open.
    func stop() async {
        try? await channel.close()
        task.cancel()
        await task.value
    }

    /// Reads one request, records it, plays the script, closes.
    private static func serve(_ connection: Connection, answering: @Sendable (RecordedRequest) -> Script, log: ServerLog) async {
        let id = ObjectIdentifier(connection.channel).hashValue
        connection.channel.closeFuture.whenComplete { _ in Task { await log.connectionClosed(id) } }
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let value):
                    head = value
                case .body(let buffer):
                    body += buffer.readableBytesView
                case .end:
                    guard let head else { return }
                    let request = RecordedRequest(method: head.method, path: head.uri, headers: head.headers, body: body)
                    await log.record(request)
                    try await play(answering(request), outbound)
                    await log.scriptFinished(id)
                    return
                }
            }
        }
    }

    private static func play(_ script: Script, _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        func sendHead(_ status: Int, _ contentType: String, length: Int? = nil, extra: [String: String] = [:]) async throws {
            var headers = HTTPHeaders([("Content-Type", contentType), ("Connection", "close")])
            if let length { headers.add(name: "Content-Length", value: String(length)) }
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
            try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)))
        }
        func send(_ piece: [UInt8]) async throws {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: piece))))
        }
        switch script {
        case .stream(let status, let contentType, let pieces):
            try await sendHead(status, contentType)
            for piece in pieces {
                try await send(piece)
                try await Task.sleep(for: .milliseconds(5))
            }
            try await outbound.write(.end(nil))
        case .json(let status, let text):
            try await play(.reply(Reply(status: status, body: text)), outbound)
        case .reply(let reply):
            if reply.delay > .zero { try await Task.sleep(for: reply.delay) }
            try await sendHead(reply.status, "application/json", length: reply.body.utf8.count, extra: reply.headers)
            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: reply.body))))
            try await outbound.write(.end(nil))
        case .stall(let first, let silence):
            try await sendHead(200, "text/event-stream")
            for piece in first { try await send(piece) }
            try await Task.sleep(for: silence)
            try await outbound.write(.end(nil))
        }
    }
}

/// The UTF-8 bytes of `text` cut into `count` pieces of about equal size (cuts may fall
/// inside a line, a JSON string or a multi-byte character).
func pieces(_ text: String, count: Int) -> [[UInt8]] {
    let bytes = Array(text.utf8)
    let size = max(1, (bytes.count + count - 1) / count)
    return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
}

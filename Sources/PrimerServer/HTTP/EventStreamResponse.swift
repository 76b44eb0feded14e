import NIOConcurrencyHelpers
import Vapor

/// A `text/event-stream` answer (server-sent events). While the producer is quiet for
/// `SSE_HEARTBEAT_SECONDS`, a comment line (`: keep-alive`) is sent, so proxies keep the
/// stream open and a client that left is noticed by the failed write (which ends the stream
/// and cancels the producer).
enum EventStreamResponse {
    /// A stream of named JSON events, the one response helper of `/query/stream` and chapter
    /// personalisation: `produce` sends events through the sink and the stream ends after it;
    /// if it throws, `onFailure` runs (e.g. to record what was sent) and an `error` event with
    /// `failure` ends the stream.
    static func events(_ request: Request, failure: ErrorBody, onFailure: @escaping @Sendable () async -> Void = {},
                       produce: @escaping @Sendable (EventSink) async throws -> Void) -> Response {
        let logger = request.logger
        return make(request) { writer in
            let sink = EventSink(writer: writer)
            do {
                try await produce(sink)
                try await writer.write(.end)
            } catch {
                // Usually the client went away (which also cancelled the producer).
                logger.info("Event stream ended early: \(String(reflecting: type(of: error)))")
                await onFailure()
                try? await sink.send("error", failure)
                try? await writer.write(.end)
            }
        }
    }

    static func make(_ request: Request, produce: @escaping @Sendable (any AsyncBodyStreamWriter) async throws -> Void) -> Response {
        let response = Response(status: .ok, headers: [
            "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", "X-Accel-Buffering": "no",
        ])
        let interval = Duration.milliseconds(Int64(request.primer.settings.httpTimeouts.sseHeartbeat * 1000))
        response.stream { writer in
            let guarded = HeartbeatWriter(writer)
            let heartbeat = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    try await guarded.heartbeat(ifQuietFor: interval)
                }
            }
            defer { heartbeat.cancel() }
            try await produce(guarded)
        }
        return response
    }
}

/// Passes writes through one at a time and sends heartbeats between them; nothing after `.end`.
private actor HeartbeatWriter: AsyncBodyStreamWriter {
    private let writer: any AsyncBodyStreamWriter
    private var lastWrite = ContinuousClock.now
    private var ended = false

    init(_ writer: any AsyncBodyStreamWriter) {
        self.writer = writer
    }

    func write(_ result: BodyStreamResult) async throws {
        guard !ended else { return }
        if case .buffer = result {} else { ended = true }
        lastWrite = .now
        try await writer.write(result)
    }

    func heartbeat(ifQuietFor interval: Duration) async throws {
        guard !ended, ContinuousClock.now - lastWrite >= interval else { return }
        lastWrite = .now
        try await writer.write(.buffer(ByteBuffer(string: ": keep-alive\n\n")))
    }
}

/// Sends server-sent events: `event: <name>\ndata: <json>\n\n`, encoded with the API's JSON encoder.
struct EventSink: Sendable {
    let writer: any AsyncBodyStreamWriter

    func send(_ event: String, _ value: some Encodable) async throws {
        try await writer.writeBuffer(Self.encode(event, value))
    }

    static func encode(_ event: String, _ value: some Encodable) throws -> ByteBuffer {
        let json = String(decoding: try APIJSON.encoder.encode(value), as: UTF8.self)
        // JSON has no raw newlines, so one data line suffices.
        return ByteBuffer(string: "event: \(event)\ndata: \(json)\n\n")
    }
}

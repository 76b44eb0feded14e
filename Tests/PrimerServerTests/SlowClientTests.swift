import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
@testable import PrimerCore
@testable import PrimerServer
import Testing
import Vapor

/// Issue 10, item 5: slow, silent and departed clients can't hold connections. Real sockets
/// on loopback against the real server; the outcome asserted is always what the server did
/// (answered 408, closed the connection), never how long it took.
@Suite struct SlowClientTests {
    static func short(_ settings: inout PrimerSettings) {
        settings.httpTimeouts.header = 1
        settings.httpTimeouts.body = 1
        settings.httpTimeouts.idle = 1
    }

    @Test func headersTrickledAByteAtATimeGet408() async throws {
        try await withServer(.sqlite, configure: Self.short) { server in
            let connection = try RawConnection(port: server.port)
            let head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + String(repeating: "x", count: 5000) + "\r\n\r\n"
            var sent = 0
            // One byte every 50 ms would take over four minutes; the server must cut it short.
            for byte in head {
                guard await connection.send(String(byte)) else { break }
                sent += 1
                try await Task.sleep(for: .milliseconds(50))
                if sent % 10 == 0, try await Self.serverClosed(connection) { break }
            }
            let (text, closed) = await connection.readToEnd()
            #expect(sent < head.count)
            #expect(closed)
            #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout"))
            #expect(text.contains(#""code":"request_timeout""#))
        }
    }

    /// True once the server has closed the connection (checked without blocking).
    static func serverClosed(_ connection: RawConnection) async throws -> Bool {
        await connection.peekClosed()
    }

    @Test func aSilentConnectionIsClosed() async throws {
        try await withServer(.sqlite, configure: Self.short) { server in
            let connection = try RawConnection(port: server.port)
            let (text, closed) = await connection.readToEnd()
            #expect(closed)
            #expect(text.isEmpty)
        }
    }

    @Test func aBodyThatNeverComesGets408AndAnOversizedOne413() async throws {
        try await withServer(.sqlite, configure: Self.short) { server in
            let stalled = try RawConnection(port: server.port)
            #expect(await stalled.send("POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500000\r\n\r\n{\"query\""))
            let (text, closed) = await stalled.readToEnd()
            #expect(closed && text.hasPrefix("HTTP/1.1 408"))

            let huge = try RawConnection(port: server.port)
            #expect(await huge.send("POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n"))
            let (refused, hugeClosed) = await huge.readToEnd()
            #expect(hugeClosed && refused.hasPrefix("HTTP/1.1 413"))
            #expect(refused.contains(#""code":"payload_too_large""#))
        }
    }

    @Test func anIdleKeptAliveConnectionIsClosedAfterItsAnswer() async throws {
        try await withServer(.sqlite, configure: Self.short) { server in
            let connection = try RawConnection(port: server.port)
            #expect(await connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
            let (text, closed) = await connection.readToEnd()
            #expect(text.hasPrefix("HTTP/1.1 200 OK"))
            #expect(text.lowercased().contains("connection: keep-alive"))
            #expect(closed)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer(.sqlite, configure: Self.short) { server in
            let connection = try RawConnection(port: server.port)
            #expect(await connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\nHEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            let (text, closed) = await connection.readToEnd()
            let statusLine = try NSRegularExpression(pattern: "HTTP/1\\.1 [0-9]{3} [A-Za-z ]+")
            let statuses = statusLine.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) }
            #expect(text.hasSuffix("\r\n\r\n"), "the HEAD answer has no body")
            #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"], "\(text)")
            #expect(closed)
        }
    }

    @Test func answerStreamsSendHeartbeatsWhileTheModelIsQuiet() async throws {
        let (released, release) = AsyncStream<Void>.makeStream()
        try await FakeProvider.withOpenAIChat(.sqlite, configure: { $0.httpTimeouts.sseHeartbeat = 0.2 }, answer: { _, _ in
            let response = Response(status: .ok, headers: ["Content-Type": "text/event-stream"])
            response.body = .init(asyncStream: { writer in
                for await _ in released { break }  // silent until the test has seen a heartbeat
                try await writer.writeBuffer(ByteBuffer(string: FakeProvider.openAIStream(["Servos hold an angle [1]."])))
                try await writer.write(.end)
            })
            return response
        }) { server, _ in
            try await server.ingest()
            let connection = try RawConnection(port: server.port)
            let body = #"{"query": "What are servo motors?"}"#
            #expect(await connection.send("POST /api/v1/query/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"))
            let beforeAnswer = await connection.read(until: ": keep-alive\n\n")
            #expect(beforeAnswer.contains(": keep-alive\n\n"))
            #expect(!beforeAnswer.contains("event: delta"))
            release.yield()
            let rest = await connection.read(until: "event: done")
            #expect(rest.contains("event: done"))
        }
    }
}

@testable import PrimerProviders
import Testing

/// Parsing `text/event-stream` bodies that arrive in arbitrary pieces.
@Suite struct ServerSentEventParserTests {
    func parse(_ pieces: [[UInt8]]) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        return pieces.flatMap { parser.feed($0) } + parser.finish()
    }

    func parse(_ text: String) -> [ServerSentEvent] { parse([Array(text.utf8)]) }

    @Test func dataLinesAndEventNames() {
        #expect(parse("event: content-delta\ndata: {\"a\":1}\n\ndata:{\"b\":2}\n\n") == [
            ServerSentEvent(event: "content-delta", data: "{\"a\":1}"), ServerSentEvent(event: nil, data: "{\"b\":2}"),
        ])
    }

    @Test func everyLineEndingWorks() {
        let expected = [ServerSentEvent(event: nil, data: "one"), ServerSentEvent(event: nil, data: "two")]
        #expect(parse("data: one\r\n\r\ndata: two\r\n\r\n") == expected)
        #expect(parse("data: one\r\rdata: two\r\r") == expected)
        #expect(parse("data: one\n\ndata: two\n\n") == expected)
        // A CRLF cut between its CR and its LF is still one line end.
        #expect(parse([Array("data: one\r".utf8), Array("\n\r\ndata: two\r\n\r\n".utf8)]) == expected)
    }

    @Test func piecesMayCutLinesAndCharactersAnywhere() {
        let text = "data: {\"content\":\"naïve — ok\"}\n\ndata: [DONE]\n\n"
        let bytes = Array(text.utf8)
        for size in 1...7 {
            let pieces = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            #expect(parse(pieces) == [ServerSentEvent(event: nil, data: "{\"content\":\"naïve — ok\"}"), ServerSentEvent(event: nil, data: "[DONE]")])
        }
    }

    @Test func commentsIdsAndRetriesAreSkippedAndDataLinesJoin() {
        #expect(parse(": keep-alive\nid: 7\nretry: 100\ndata: first\ndata:  second\n\n\n\n") == [
            ServerSentEvent(event: nil, data: "first\n second"),
        ])
    }

    @Test func bareJSONLinesAreEvents() {
        #expect(parse("{\"type\":\"message-start\"}\n{\"type\":\"message-end\"}") == [
            ServerSentEvent(event: nil, data: "{\"type\":\"message-start\"}"), ServerSentEvent(event: nil, data: "{\"type\":\"message-end\"}"),
        ])
    }

    @Test func anUnterminatedLastEventIsKept() {
        #expect(parse("data: [DONE]") == [ServerSentEvent(event: nil, data: "[DONE]")])
        #expect(parse("event: ping\n") == [])
    }
}

/// One server-sent event: its `event:` name (nil when absent) and its `data:` lines joined by `\n`.
struct ServerSentEvent: Sendable, Equatable {
    var event: String?
    var data: String
}

/// An incremental parser for a `text/event-stream` body that arrives in arbitrary pieces
/// (a line, an event or a UTF-8 character may be split across network reads).
///
/// Follows the WHATWG event-stream rules: lines end with LF, CRLF or CR; `:` starts a
/// comment; `field: value` (one leading space of the value dropped); a blank line
/// dispatches the event. Leniencies for real servers: a line that is a bare JSON object
/// (newline-delimited JSON) is taken as a whole event, and data left without a final blank
/// line is dispatched at the end of the stream.
struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var afterCR = false
    private var eventName: String?
    private var dataLines: [String] = []
    private var hasData = false

    /// Events completed by `bytes`.
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            if afterCR {
                afterCR = false
                if byte == UInt8(ascii: "\n") { continue }  // the LF of a CRLF
            }
            switch byte {
            case UInt8(ascii: "\n"):
                endLine(into: &events)
            case UInt8(ascii: "\r"):
                afterCR = true
                endLine(into: &events)
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// The events left at the end of the body (an unterminated last line or event).
    mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty { endLine(into: &events) }
        if let event = dispatch() { events.append(event) }
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if let event = dispatch() { events.append(event) }
            return
        }
        var text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.hasPrefix(":") { return }
        if text.hasPrefix("{") {
            // Newline-delimited JSON instead of `data:` lines: one line, one event.
            if let pending = dispatch() { events.append(pending) }
            events.append(ServerSentEvent(event: nil, data: text))
            return
        }
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value.removeFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data":
            dataLines.append(String(value))
            hasData = true
        case "event":
            eventName = String(value)
        default:
            break  // `id`, `retry` and unknown fields are not needed
        }
    }

    private mutating func dispatch() -> ServerSentEvent? {
        defer {
            eventName = nil
            dataLines = []
            hasData = false
        }
        guard hasData else { return nil }
        return ServerSentEvent(event: eventName, data: dataLines.joined(separator: "\n"))
    }
}

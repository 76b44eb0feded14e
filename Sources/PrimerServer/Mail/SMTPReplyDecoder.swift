import NIOCore

/// Splits the server's bytes into complete replies: lines ending in CRLF (a bare LF is
/// accepted), `NNN-text` continuing a multi-line reply and `NNN text` (or `NNN`) ending it.
/// Lines over 4,096 bytes or replies over 512 lines are a protocol violation, so a hostile
/// server cannot make Primer buffer without bound.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    static let maximumLineLength = 4096
    static let maximumLines = 512

    private var code: Int?
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw SMTPError.protocolViolation("a reply line longer than \(Self.maximumLineLength) bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= Self.maximumLineLength, var line = buffer.readBytes(length: length) else {
            throw SMTPError.protocolViolation("a reply line longer than \(Self.maximumLineLength) bytes")
        }
        buffer.moveReaderIndex(forwardBy: 1)  // the LF
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.count >= 3, line[0..<3].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              line.count == 3 || line[3] == UInt8(ascii: " ") || line[3] == UInt8(ascii: "-") else {
            throw SMTPError.protocolViolation("a reply line that does not start with a three-digit code")
        }
        let lineCode = line[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        if let code, code != lineCode { throw SMTPError.protocolViolation("a multi-line reply whose lines have different codes") }
        code = lineCode
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard lines.count <= Self.maximumLines else { throw SMTPError.protocolViolation("a reply of more than \(Self.maximumLines) lines") }
        if line.count == 3 || line[3] == UInt8(ascii: " ") {
            context.fireChannelRead(wrapInboundOut(SMTPReply(code: lineCode, lines: lines)))
            code = nil
            lines = []
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

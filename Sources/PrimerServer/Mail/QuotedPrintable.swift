/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text bodies: printable ASCII as is, everything
/// else as `=XX`, spaces and tabs encoded at the end of a line, CRLF line breaks, and soft line
/// breaks (`=` CRLF) keeping every line within 76 characters.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// `text` (LF, CRLF or CR line endings) encoded, each line ending in CRLF.
    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        for line in normalisedLines(text) {
            var lineLength = 0
            for (index, byte) in line.enumerated() {
                let isLast = index == line.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let width = literal ? 1 : 3
                // Leave room for the soft break's "=" (and keep the last character's line short too).
                if lineLength + width > maximumLineLength - 1 {
                    output += [UInt8(ascii: "="), 0x0D, 0x0A]
                    lineLength = 0
                }
                if literal {
                    output.append(byte)
                } else {
                    output += [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                }
                lineLength += width
            }
            output += [0x0D, 0x0A]
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The UTF-8 lines of `text`, split at CRLF, LF or a lone CR; a final line break ends the last line.
    static func normalisedLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previousWasCR = false
        for byte in text.utf8 {
            if byte == 0x0A, previousWasCR { previousWasCR = false; continue }
            previousWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D { lines.append([]) } else { lines[lines.count - 1].append(byte) }
        }
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}

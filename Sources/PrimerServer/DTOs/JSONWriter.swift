import NIOCore

/// Writes JSON text straight into a byte buffer. For the responses on the chatbot's hot path,
/// where Foundation's `JSONEncoder` (which builds a tree of boxed values first) was the largest
/// single cost; each user pairs it with a test that `JSONDecoder` reads the output back.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    private var needsComma = false

    init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// `{`, then `members`, then `}`.
    mutating func object(_ members: (inout JSONWriter) -> Void) {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
        members(&self)
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `"key": [` … `]` with one element written by `element` per item.
    mutating func array<S: Sequence>(_ key: StaticString, _ items: S, _ element: (inout JSONWriter, S.Element) -> Void) {
        name(key)
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
        for item in items { element(&self, item) }
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func field(_ key: StaticString, _ value: String) {
        name(key)
        writeString(value)
    }

    /// A string element of an array.
    mutating func value(_ value: String) {
        separate()
        writeString(value)
        needsComma = true
    }

    mutating func field(_ key: StaticString, _ value: Bool) {
        name(key)
        buffer.writeStaticString(value ? "true" : "false")
    }

    mutating func field(_ key: StaticString, _ value: Int) {
        name(key)
        buffer.writeString(String(value))
    }

    /// Finite numbers as Swift prints them (valid JSON); NaN and infinities as `null`.
    mutating func field(_ key: StaticString, _ value: Double) {
        name(key)
        if value.isFinite { buffer.writeString(value.description) } else { buffer.writeStaticString("null") }
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    private mutating func name(_ key: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(key)
        buffer.writeStaticString("\":")
        needsComma = true
    }

    /// A quoted string: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`;
    /// everything else as UTF-8. One pass over raw memory reserved for the worst case.
    private mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { source in
            // Worst case: every byte becomes `\u00XX` (6 bytes), plus the two quotes.
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: source.count * 6 + 2) { target in
                var out = 0
                func put(_ byte: UInt8) {
                    target[out] = byte
                    out += 1
                }
                put(UInt8(ascii: "\""))
                for byte in source {
                    switch byte {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                        put(UInt8(ascii: "\\"))
                        put(byte)
                    case 0x20...:
                        put(byte)
                    case UInt8(ascii: "\n"):
                        put(UInt8(ascii: "\\"))
                        put(UInt8(ascii: "n"))
                    case UInt8(ascii: "\r"):
                        put(UInt8(ascii: "\\"))
                        put(UInt8(ascii: "r"))
                    case UInt8(ascii: "\t"):
                        put(UInt8(ascii: "\\"))
                        put(UInt8(ascii: "t"))
                    default:
                        for digit in [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      Self.hexDigit(byte >> 4), Self.hexDigit(byte & 0xF)] { put(digit) }
                    }
                }
                put(UInt8(ascii: "\""))
                return out
            }
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

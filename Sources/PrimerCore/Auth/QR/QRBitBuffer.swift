/// A sequence of bits, most significant first, as QR data is assembled (ISO/IEC 18004 §7.4).
struct QRBitBuffer: Sendable {
    private(set) var bits: [Bool] = []

    var count: Int { bits.count }

    /// Appends the low `length` bits of `value`, most significant first.
    mutating func append(_ value: Int, length: Int) {
        precondition(length >= 0 && length <= 31 && value >> length == 0, "value doesn't fit in \(length) bits")
        for shift in stride(from: length - 1, through: 0, by: -1) { bits.append(value >> shift & 1 == 1) }
    }

    /// The bits as bytes (the count must be a multiple of 8).
    var bytes: [UInt8] {
        precondition(bits.count % 8 == 0, "not a whole number of bytes")
        return stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
    }
}

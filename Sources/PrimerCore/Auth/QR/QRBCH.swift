/// The BCH-protected format and version information (ISO/IEC 18004 §7.9, §7.10, Annexes C, D).
enum QRBCH {
    /// The 15 format bits for a level and mask: 2 level bits (L 01, M 00, Q 11, H 10) and 3 mask
    /// bits, followed by the remainder of their division by the (15, 5) BCH generator
    /// x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1 (0x537), all XORed with 101010000010010 (0x5412) so that the
    /// format information is never all light.
    static func formatBits(_ level: QRCode.ErrorCorrection, mask: Int) -> Int {
        precondition((0..<8).contains(mask), "QR masks are 0 to 7")
        let levelBits: Int
        switch level {
        case .low: levelBits = 0b01
        case .medium: levelBits = 0b00
        case .quartile: levelBits = 0b11
        case .high: levelBits = 0b10
        }
        let data = levelBits << 3 | mask
        return (data << 10 | remainder(data << 10, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18 version bits for versions 7–40: 6 version bits followed by the remainder of their
    /// division by the (18, 6) Golay generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (0x1F25).
    static func versionBits(_ version: Int) -> Int {
        precondition((7...40).contains(version), "version information exists for versions 7 to 40")
        return version << 12 | remainder(version << 12, generator: 0x1F25, degree: 12)
    }

    /// `value` modulo `generator` (of degree `degree`) as polynomials over GF(2).
    static func remainder(_ value: Int, generator: Int, degree: Int) -> Int {
        var value = value
        var bit = Int.bitWidth - 1 - value.leadingZeroBitCount
        while bit >= degree {
            if value >> bit & 1 == 1 { value ^= generator << (bit - degree) }
            bit -= 1
        }
        return value
    }
}

/// Arithmetic in GF(2⁸) as QR codes use it (ISO/IEC 18004 §7.5.2): bytes are polynomials over
/// GF(2) reduced modulo the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), and α = 2
/// generates every non-zero element. Addition is XOR; multiplication goes through log tables.
enum GF256 {
    /// `exponents[i]` = αⁱ for i in 0..<510 (doubled so that a sum of two logs needs no modulo).
    static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// `logarithms[x]` = the i with αⁱ = x, for x in 1...255 (`logarithms[0]` is unused).
    static let logarithms: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for index in 0..<255 { table[Int(exponents[index])] = index }
        return table
    }()

    /// αⁿ for any n ≥ 0.
    static func power(_ exponent: Int) -> UInt8 {
        exponents[exponent % 255]
    }

    /// The product of `a` and `b` in the field.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[logarithms[Int(a)] + logarithms[Int(b)]]
    }
}

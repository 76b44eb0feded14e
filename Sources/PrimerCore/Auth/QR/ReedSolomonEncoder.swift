/// Reed–Solomon error-correction codewords for QR codes (ISO/IEC 18004 §7.5.2): the remainder of
/// the data polynomial times xⁿ divided by the generator g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) over
/// ``GF256``, n being the number of error-correction codewords per block.
struct ReedSolomonEncoder: Sendable {
    /// g(x)'s coefficients from xⁿ⁻¹ down to x⁰ (the leading coefficient of xⁿ is 1 and left out).
    let generator: [UInt8]

    /// An encoder producing `degree` error-correction codewords per block.
    init(degree: Int) {
        precondition(degree >= 1 && degree <= 254, "Reed–Solomon degree out of range")
        // Coefficients from the highest power down; start with g(x) = 1 and multiply by (x + αⁱ)
        // (in characteristic 2, minus is plus).
        var polynomial: [UInt8] = [1]
        for root in 0..<degree {
            let factor = GF256.power(root)
            var product = polynomial + [0]
            for index in 1..<product.count {
                product[index] ^= GF256.multiply(polynomial[index - 1], factor)
            }
            polynomial = product
        }
        generator = Array(polynomial.dropFirst())
    }

    /// The error-correction codewords for `data`: (data · xⁿ) mod g(x), highest power first.
    func remainder(_ data: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            if factor != 0 {
                for index in remainder.indices { remainder[index] ^= GF256.multiply(generator[index], factor) }
            }
        }
        return remainder
    }

    /// The syndromes of a whole block (data then error-correction codewords): the block's
    /// polynomial evaluated at α⁰…αⁿ⁻¹. All zero exactly when the block is a codeword.
    static func syndromes(of block: [UInt8], degree: Int) -> [UInt8] {
        (0..<degree).map { root in
            let x = GF256.power(root)
            // Horner's rule, highest power first.
            return block.reduce(UInt8(0)) { GF256.multiply($0, x) ^ $1 }
        }
    }
}

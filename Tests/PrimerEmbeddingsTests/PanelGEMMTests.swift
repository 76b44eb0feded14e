import CPanelGEMM
import Testing

/// The short-pass kernel (`CPanelGEMM`) against a plain triple loop: both of its code paths,
/// shapes that are not multiples of the panel width or of its 6-row blocks, sub-ranges of
/// panels, and accumulation into a residual.
@Suite struct PanelGEMMTests {
    typealias Kernel = (Int32, Int32, UnsafePointer<Float>, Int32, UnsafePointer<Float>, Int32, Int32, Int32,
                        UnsafePointer<Float>, Int32, UnsafeMutablePointer<Float>, Int32) -> Void

    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float((($0 &* 7919 &+ seed &* 104_729) % 2001) - 1000) / 1000 }
    }

    /// Runs `kernel` for panels `panels` of an out×in layer over `rows` rows and checks every
    /// output value (columns outside the panels must keep their previous value).
    func check(_ kernel: Kernel, rows: Int, out: Int, in inFeatures: Int, panels: Range<Int>? = nil,
               accumulate: Bool) {
        let weight = Self.values(out * inFeatures, seed: 1), bias = Self.values(out, seed: 2)
        let x = Self.values(rows * inFeatures, seed: 3), start = Self.values(rows * out, seed: 4)
        var packed = [Float](repeating: .nan, count: panel_gemm_packed_count(Int32(out), Int32(inFeatures)))
        panel_gemm_pack(weight, Int32(out), Int32(inFeatures), &packed)
        let panelCount = (out + 15) / 16
        let range = panels ?? 0..<panelCount
        var y = start
        kernel(Int32(rows), Int32(inFeatures), x, Int32(inFeatures), packed, Int32(range.lowerBound),
               Int32(range.upperBound), Int32(out), bias, accumulate ? 1 : 0, &y, Int32(out))
        var worst: Float = 0
        for r in 0..<rows {
            for c in 0..<out {
                let expected: Float
                if range.contains(c / 16) {
                    var sum: Double = 0
                    for k in 0..<inFeatures { sum += Double(x[r * inFeatures + k]) * Double(weight[c * inFeatures + k]) }
                    expected = (accumulate ? start[r * out + c] : 0) + bias[c] + Float(sum)
                } else {
                    expected = start[r * out + c]
                }
                worst = max(worst, abs(y[r * out + c] - expected))
            }
        }
        #expect(worst < 1e-4 * Float(max(1, inFeatures / 16)), "rows \(rows), out \(out), in \(inFeatures): \(worst)")
    }

    @Test(arguments: [true, false])
    func matchesAPlainProduct(vectorised: Bool) {
        let kernel: Kernel = vectorised ? { panel_gemm($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) }
                                        : { panel_gemm_portable($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) }
        for rows in [1, 2, 3, 5, 6, 7, 12, 13, 15] {
            check(kernel, rows: rows, out: 48, in: 40, accumulate: false)
        }
        check(kernel, rows: 9, out: 37, in: 19, accumulate: true)    // a partial last panel
        check(kernel, rows: 4, out: 5, in: 3, accumulate: false)     // narrower than one panel
        check(kernel, rows: 8, out: 64, in: 96, panels: 1..<3, accumulate: true)  // a thread's share
        check(kernel, rows: 15, out: 384, in: 1536, accumulate: true)  // the encoder's output layer
    }

    @Test func packingPadsTheLastPanelWithZeros() {
        let weight: [Float] = (1...6).map(Float.init)  // 3 × 2
        var packed = [Float](repeating: .nan, count: panel_gemm_packed_count(3, 2))
        #expect(packed.count == 32)
        panel_gemm_pack(weight, 3, 2, &packed)
        // k = 0: column values 1, 3, 5 then zeros; k = 1: 2, 4, 6 then zeros.
        #expect(Array(packed[0..<4]) == [1, 3, 5, 0])
        #expect(Array(packed[16..<20]) == [2, 4, 6, 0])
        #expect(packed.allSatisfy { !$0.isNaN })
    }
}

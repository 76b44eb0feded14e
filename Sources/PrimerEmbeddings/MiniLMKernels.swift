import COpenBLAS
import Foundation

/// The element-wise and row-wise pieces of the encoder's forward pass (LayerNorm, softmax,
/// GELU, bias) over raw row-major buffers, plus the `cblas_sgemm` wrapper. The loops work on
/// `SIMD8<Float>` so that they vectorise; `exp` and `erf` are vector polynomial versions
/// accurate to a few float ulps (checked against Foundation's `expf`/`erff` in the tests).
enum MiniLMKernels {
    typealias V8 = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> V8 {
        UnsafeRawPointer(p + i).loadUnaligned(as: V8.self)
    }

    @inline(__always)
    static func store(_ v: V8, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: V8.self)
    }

    // MARK: exp and erf

    /// e^x for each lane (Cephes `expf` polynomial after reduction by ln 2); inputs are clamped
    /// to [-87.3, 88.7], so very negative inputs give ~1e-38 rather than 0. Relative error < 2e-7.
    @inline(__always)
    static func exp(_ input: V8) -> V8 {
        var x = input.replacing(with: 88.7, where: input .> 88.7)
        x.replace(with: -87.3, where: x .< -87.3)
        // n = round(x / ln 2) with the 1.5·2^23 trick; the low bits of `shifted` hold n.
        let magic: Float = 12_582_912  // 1.5 · 2^23
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        x = x - n * 0.693_359_375
        x = x - n * -2.121_944_4e-4
        let z = x * x
        var y: V8 = V8(repeating: 1.987_569_15e-4)
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        // 2^n: put n + 127 into the exponent field.
        let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: V8.self)
        return y * scale
    }

    /// erf(x) for each lane: x·P(x²)/Q(x²) on x clamped to [-4, 4] (Eigen's float erf
    /// rational approximation); absolute error < 1e-6.
    @inline(__always)
    static func erf(_ input: V8) -> V8 {
        var x = input.replacing(with: 4, where: input .> 4)
        x.replace(with: -4, where: x .< -4)
        let x2 = x * x
        var p: V8 = V8(repeating: -2.726_142_258_013_06e-10)
        p = p * x2 + 2.770_681_424_959_02e-08
        p = p * x2 + -2.101_024_020_825_08e-06
        p = p * x2 + -5.692_506_394_623_46e-05
        p = p * x2 + -7.349_906_303_268_55e-04
        p = p * x2 + -2.954_599_808_540_25e-03
        p = p * x2 + -1.609_603_332_624_15e-02
        p = p * x
        var q: V8 = V8(repeating: -1.456_607_184_649_96e-05)
        q = q * x2 + -2.133_740_552_789_05e-04
        q = q * x2 + -1.682_826_974_382_03e-03
        q = q * x2 + -7.373_329_167_204_68e-03
        q = q * x2 + -1.426_473_905_141_89e-02
        return p / q
    }

    // MARK: row operations

    /// `y[r, :] = gelu(y[r, :])` for `count` values, exact-erf GELU 0.5·x·(1 + erf(x/√2)).
    static func gelu(_ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let x = load(y, i)
            store(0.5 * x * (1 + erf(x * 0.707_106_781_186_547_5)), y, i)
            i += 8
        }
        while i < count {
            let x = y[i]
            y[i] = 0.5 * x * (1 + Foundation.erf(x * 0.707_106_781_186_547_5))
            i += 1
        }
    }

    /// Sums `count` values with eight accumulators (then pairwise), which is also more accurate
    /// than a single running sum.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var acc = V8()
        var i = 0
        while i + 8 <= count {
            acc += load(p, i)
            i += 8
        }
        var total = acc.sum()
        while i < count {
            total += p[i]
            i += 1
        }
        return total
    }

    /// LayerNorm of each of `rows` rows of `width` in place: (x − mean)/√(var + eps)·γ + β.
    static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float) {
        for r in 0..<rows {
            let row = x + r * width
            let mean = sum(row, count: width) / Float(width)
            var acc = V8()
            var i = 0
            let m8 = V8(repeating: mean)
            while i + 8 <= width {
                let d = load(row, i) - m8
                acc += d * d
                i += 8
            }
            var squares = acc.sum()
            while i < width {
                let d = row[i] - mean
                squares += d * d
                i += 1
            }
            let inv = 1 / (squares / Float(width) + epsilon).squareRoot()
            i = 0
            let inv8 = V8(repeating: inv)
            while i + 8 <= width {
                store((load(row, i) - m8) * inv8 * load(weight, i) + load(bias, i), row, i)
                i += 8
            }
            while i < width {
                row[i] = (row[i] - mean) * inv * weight[i] + bias[i]
                i += 1
            }
        }
    }

    /// Softmax of each of `rows` rows of `width` (stride `stride`) in place.
    static func softmax(_ s: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int) {
        for r in 0..<rows {
            let row = s + r * stride
            var maxValue = -Float.infinity
            for j in 0..<width where row[j] > maxValue { maxValue = row[j] }
            let m8 = V8(repeating: maxValue)
            var acc = V8()
            var j = 0
            while j + 8 <= width {
                let e = exp(load(row, j) - m8)
                store(e, row, j)
                acc += e
                j += 8
            }
            var total = acc.sum()
            if j < width {
                // The tail through a padded vector, so every value goes through the same exp.
                var tail = V8(repeating: -Float.infinity)
                for k in j..<width { tail[k - j] = row[k] }
                let e = exp(tail - m8)
                for k in j..<width {
                    row[k] = e[k - j]
                    total += e[k - j]
                }
            }
            let inv = 1 / total
            for k in 0..<width { row[k] *= inv }
        }
    }

    /// Copies `bias` (`width` values) into each of `rows` rows of `y` (`accumulate` false), or
    /// adds it to them (`accumulate` true).
    static func broadcastBias(_ y: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                              bias: UnsafePointer<Float>, accumulate: Bool) {
        for r in 0..<rows {
            let row = y + r * width
            if accumulate {
                for j in 0..<width { row[j] += bias[j] }
            } else {
                row.update(from: bias, count: width)
            }
        }
    }

    // MARK: matrix products

    /// `C[m×n] = alpha·op(A)·op(B) + beta·C` in row-major order (cblas_sgemm).
    @inline(__always)
    static func gemm(transposeA: Bool = false, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// `y[m×out] (+)= x[m×in] · Wᵀ + bias` for a linear layer with weight `[out, in]`.
    /// With `accumulate`, `y` already holds a residual that the result is added to.
    static func linear(_ x: UnsafePointer<Float>, rows m: Int, inFeatures: Int,
                       weight: [Float], bias: [Float], outFeatures: Int,
                       into y: UnsafeMutablePointer<Float>, accumulate: Bool) {
        guard m > 0 else { return }
        bias.withUnsafeBufferPointer { b in
            broadcastBias(y, rows: m, width: outFeatures, bias: b.baseAddress!, accumulate: accumulate)
        }
        weight.withUnsafeBufferPointer { w in
            gemm(transposeB: true, m: m, n: outFeatures, k: inFeatures,
                 a: x, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures, beta: 1, c: y, ldc: outFeatures)
        }
    }
}

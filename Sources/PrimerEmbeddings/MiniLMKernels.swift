import COpenBLAS
import CPanelGEMM
import Foundation

/// The element-wise and row-wise pieces of the encoder's forward pass (LayerNorm, softmax,
/// GELU, bias) over raw row-major buffers, plus the `cblas_sgemm` wrapper.
///
/// The loops are plain scalar code on pointers, written so that the optimiser vectorises them
/// in release builds (branch-free bodies, several accumulators for sums) while debug builds
/// (the test suite) stay reasonably fast too — `SIMD8` code runs orders of magnitude slower
/// unoptimised. `exp` and `erf` are polynomial versions accurate to a few float ulps (checked
/// against Foundation's `expf`/`erff` in the tests) that, unlike the libm calls, vectorise.
enum MiniLMKernels {
    // MARK: exp and erf

    /// e^x (Cephes `expf`: reduction by ln 2, degree-5 polynomial, 2^n through the exponent
    /// bits). Inputs are clamped to [-87.3, 88.7], so very negative inputs give ~1e-38 rather
    /// than 0. Relative error < 3e-7.
    @inline(__always)
    static func exp(_ input: Float) -> Float {
        let clamped = input < -87.3 ? -87.3 : (input > 88.7 ? 88.7 : input)
        // n = round(x / ln 2) with the 1.5·2^23 trick; the low bits of `shifted` hold n.
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var x = clamped - n * 0.693_359_375
        x = x - n * -2.121_944_4e-4
        let z = x * x
        var y: Float = 1.987_569_15e-4
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        // 2^n: n + 127 in the exponent field (wrapping arithmetic keeps negative n right).
        let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        return y * Float(bitPattern: exponent)
    }

    /// erf(x) = x·P(x²)/Q(x²) on x clamped to [-4, 4] (Eigen's float rational approximation);
    /// absolute error < 1e-6.
    @inline(__always)
    static func erf(_ input: Float) -> Float {
        let x = input < -4 ? -4 : (input > 4 ? 4 : input)
        let x2 = x * x
        var p: Float = -2.726_142_258_013_06e-10
        p = p * x2 + 2.770_681_424_959_02e-08
        p = p * x2 + -2.101_024_020_825_08e-06
        p = p * x2 + -5.692_506_394_623_46e-05
        p = p * x2 + -7.349_906_303_268_55e-04
        p = p * x2 + -2.954_599_808_540_25e-03
        p = p * x2 + -1.609_603_332_624_15e-02
        var q: Float = -1.456_607_184_649_96e-05
        q = q * x2 + -2.133_740_552_789_05e-04
        q = q * x2 + -1.682_826_974_382_03e-03
        q = q * x2 + -7.373_329_167_204_68e-03
        q = q * x2 + -1.426_473_905_141_89e-02
        return x * p / q
    }

    // MARK: row operations

    /// Exact-erf GELU in place over `count` values: 0.5·x·(1 + erf(x/√2)).
    static func gelu(_ y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i < count {
            let x = y[i]
            y[i] = 0.5 * x * (1 + erf(x * 0.707_106_781_186_547_5))
            i += 1
        }
    }

    /// The sum of `count` values, with eight interleaved accumulators (faster, and more
    /// accurate than one running sum).
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var i = 0
        while i + 8 <= count {
            s0 += p[i]; s1 += p[i + 1]; s2 += p[i + 2]; s3 += p[i + 3]
            s4 += p[i + 4]; s5 += p[i + 5]; s6 += p[i + 6]; s7 += p[i + 7]
            i += 8
        }
        while i < count {
            s0 += p[i]
            i += 1
        }
        return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
    }

    /// The sum of squared differences from `mean`, with eight accumulators.
    @inline(__always)
    static func squaredDeviation(_ p: UnsafePointer<Float>, count: Int, mean: Float) -> Float {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var i = 0
        while i + 8 <= count {
            let d0 = p[i] - mean, d1 = p[i + 1] - mean, d2 = p[i + 2] - mean, d3 = p[i + 3] - mean
            let d4 = p[i + 4] - mean, d5 = p[i + 5] - mean, d6 = p[i + 6] - mean, d7 = p[i + 7] - mean
            s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3
            s4 += d4 * d4; s5 += d5 * d5; s6 += d6 * d6; s7 += d7 * d7
            i += 8
        }
        while i < count {
            let d = p[i] - mean
            s0 += d * d
            i += 1
        }
        return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
    }

    /// The largest of `count` (≥ 1) values, with four accumulators.
    @inline(__always)
    static func maximum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var m0 = p[0], m1 = p[0], m2 = p[0], m3 = p[0]
        var i = 0
        while i + 4 <= count {
            m0 = p[i] > m0 ? p[i] : m0
            m1 = p[i + 1] > m1 ? p[i + 1] : m1
            m2 = p[i + 2] > m2 ? p[i + 2] : m2
            m3 = p[i + 3] > m3 ? p[i + 3] : m3
            i += 4
        }
        while i < count {
            m0 = p[i] > m0 ? p[i] : m0
            i += 1
        }
        let a = m0 > m1 ? m0 : m1, b = m2 > m3 ? m2 : m3
        return a > b ? a : b
    }

    /// LayerNorm of each of `rows` rows of `width` in place: (x − mean)/√(var + eps)·γ + β.
    static func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, epsilon: Float) {
        var r = 0
        while r < rows {
            let row = x + r * width
            let mean = sum(row, count: width) / Float(width)
            let variance = squaredDeviation(row, count: width, mean: mean) / Float(width)
            let inv = 1 / (variance + epsilon).squareRoot()
            var i = 0
            while i < width {
                row[i] = (row[i] - mean) * inv * weight[i] + bias[i]
                i += 1
            }
            r += 1
        }
    }

    /// exp(x − row max) for each of `rows` rows of `width` (stride `stride`) in place, and the
    /// reciprocal of each row's sum in `inverseSums`: softmax without the final division.
    static func exponentiate(_ s: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int,
                             inverseSums: UnsafeMutablePointer<Float>) {
        guard width > 0 else { return }
        var r = 0
        while r < rows {
            let row = s + r * stride
            let top = maximum(row, count: width)
            var j = 0
            while j < width {
                row[j] = exp(row[j] - top)
                j += 1
            }
            inverseSums[r] = 1 / sum(row, count: width)
            r += 1
        }
    }

    /// Multiplies row `r` (of `width` values, `stride` apart) by `factors[r]`.
    static func scaleRows(_ y: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int,
                          factors: UnsafePointer<Float>) {
        var r = 0
        while r < rows {
            let row = y + r * stride, factor = factors[r]
            var j = 0
            while j < width {
                row[j] *= factor
                j += 1
            }
            r += 1
        }
    }

    /// Copies `bias` (`width` values) into each of `rows` rows (`stride` apart) of `y`
    /// (`accumulate` false), or adds it to them (`accumulate` true).
    static func broadcastBias(_ y: UnsafeMutablePointer<Float>, rows: Int, width: Int, stride: Int,
                              bias: UnsafePointer<Float>, accumulate: Bool) {
        var r = 0
        while r < rows {
            let row = y + r * stride
            if accumulate {
                var j = 0
                while j < width {
                    row[j] += bias[j]
                    j += 1
                }
            } else {
                row.update(from: bias, count: width)
            }
            r += 1
        }
    }

    /// Runs `body(0)`…`body(ways - 1)`, on `ways` threads when `ways` > 1, and waits for all.
    static func parallel(_ ways: Int, _ body: @Sendable (Int) -> Void) {
        if ways <= 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: ways, execute: body)
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

    /// Up to this many rows, `linear` uses the packed-panel kernel when the CPU can run it.
    static let panelRowLimit = 128

    /// `y[m×out] (+)= x[m×in] · Wᵀ + bias` for a linear layer, then GELU when `gelu` is set.
    /// With `accumulate`, `y` already holds a residual that the result is added to. With
    /// `ways` > 1 the output columns are split into `ways` blocks computed on as many threads.
    ///
    /// Passes of up to `panelRowLimit` rows (a query) go to `panel_gemm` over the weight packed
    /// at load time: OpenBLAS repacks the weight on every call, which perf showed to be 30% of
    /// a query's time. Longer passes (batches of chunks) go to OpenBLAS's sgemm.
    static func linear(_ x: UnsafePointer<Float>, rows m: Int, _ layer: LinearWeights,
                       into y: UnsafeMutablePointer<Float>, accumulate: Bool, gelu: Bool = false, ways: Int = 1) {
        guard m > 0 else { return }
        let io = LinearBuffers(x: x, y: y)
        let outFeatures = layer.outFeatures, inFeatures = layer.inFeatures
        let usePanels = !layer.panels.isEmpty && m <= panelRowLimit
        let panelWidth = Int(PANEL_GEMM_WIDTH)
        // Threads share out whole panels, or columns.
        let units = usePanels ? (outFeatures + panelWidth - 1) / panelWidth : outFeatures
        parallel(ways) { part in
            let first = units * part / ways, end = units * (part + 1) / ways
            guard end > first else { return }
            let low = usePanels ? first * panelWidth : first
            let high = usePanels ? min(end * panelWidth, outFeatures) : end
            layer.bias.withUnsafeBufferPointer { b in
                if usePanels {
                    layer.panels.withUnsafeBufferPointer { panels in
                        panel_gemm(Int32(m), Int32(inFeatures), io.x, Int32(inFeatures), panels.baseAddress!,
                                   Int32(first), Int32(end), Int32(outFeatures), b.baseAddress!,
                                   accumulate ? 1 : 0, io.y, Int32(outFeatures))
                    }
                } else {
                    layer.weight.withUnsafeBufferPointer { w in
                        broadcastBias(io.y + low, rows: m, width: high - low, stride: outFeatures,
                                      bias: b.baseAddress! + low, accumulate: accumulate)
                        gemm(transposeB: true, m: m, n: high - low, k: inFeatures,
                             a: io.x, lda: inFeatures, b: w.baseAddress! + low * inFeatures, ldb: inFeatures,
                             beta: 1, c: io.y + low, ldc: outFeatures)
                    }
                }
            }
            if gelu {
                var r = 0
                while r < m {
                    MiniLMKernels.gelu(io.y + r * outFeatures + low, count: high - low)
                    r += 1
                }
            }
        }
    }
}

/// A linear layer's input and output, shared by the threads that compute disjoint column
/// blocks of the output.
struct LinearBuffers: @unchecked Sendable {
    let x: UnsafePointer<Float>
    let y: UnsafeMutablePointer<Float>
}

import COpenBLAS
import Foundation

/// The all-MiniLM-L6-v2 sentence encoder: token ids → 6-layer BERT → mean pooling over every
/// token (including [CLS] and [SEP]) → L2 normalisation, giving 384-dimensional unit vectors.
///
/// Texts are processed in packed passes: the tokens of several sequences are stacked into one
/// matrix so that each projection (QKV, attention output, the two feed-forward layers) is one
/// `cblas_sgemm` over all of them; attention is computed per sequence and head. Weights are
/// immutable and every call works in its own buffers, so `embed` may run on several threads
/// at once.
public final class MiniLMEncoder: Sendable {
    /// The model's weights.
    public let weights: MiniLMWeights
    /// Most tokens stacked into one pass (bounds the working memory: about
    /// `maxTokensPerPass · (6·hidden + intermediate) · 4` bytes per pass).
    let maxTokensPerPass: Int
    /// How many passes of one call may run at the same time on separate threads.
    let parallelPasses: Int

    /// The model's shape.
    public var configuration: MiniLMConfiguration { weights.configuration }
    /// Length of every embedding (384).
    public var dimension: Int { weights.configuration.hiddenSize }

    /// The id used in place of ids outside the vocabulary ([UNK]).
    static let unknownTokenID: Int32 = 100

    /// Loads the weights from a safetensors file (all-MiniLM-L6-v2's `model.safetensors`).
    public convenience init(modelFile: URL) throws {
        try self.init(weights: MiniLMWeights(contentsOf: modelFile))
    }

    /// Wraps already-loaded weights.
    public init(weights: MiniLMWeights, maxTokensPerPass: Int = 1024, parallelPasses: Int? = nil) {
        self.weights = weights
        self.maxTokensPerPass = max(maxTokensPerPass, weights.configuration.maxPositions)
        self.parallelPasses = max(1, parallelPasses ?? ProcessInfo.processInfo.activeProcessorCount)
        MiniLMEncoder.configureBLASThreads
    }

    /// Runs once per process: OpenBLAS is used single-threaded, because the encoder runs its
    /// passes on several threads itself and small products scale badly across threads.
    /// `OPENBLAS_NUM_THREADS` in the environment overrides this.
    static let configureBLASThreads: Void = {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            openblas_set_num_threads(1)
        }
    }()

    /// Embeds one token sequence (see `embed(tokenBatches:)`).
    public func embed(tokens: [Int32]) -> [Float] {
        embed(tokenBatches: [tokens])[0]
    }

    /// Embeds token sequences (each `[CLS] … [SEP]`, as `WordPieceTokenizer` makes them) and
    /// returns one L2-normalised vector per sequence, in order. Sequences longer than the
    /// model's 512 positions are cut to 512 tokens; ids outside the vocabulary count as [UNK];
    /// an empty sequence gives a zero vector.
    public func embed(tokenBatches: [[Int32]]) -> [[Float]] {
        let config = configuration
        let sequences = tokenBatches.map { ids -> [Int32] in
            let cut = ids.count > config.maxPositions ? Array(ids.prefix(config.maxPositions)) : ids
            return cut.map { $0 >= 0 && Int($0) < config.vocabularySize ? $0 : Self.unknownTokenID }
        }
        let passes = Self.passes(lengths: sequences.map(\.count), maxTokens: maxTokensPerPass, workers: parallelPasses)
        var results = [[Float]](repeating: [], count: sequences.count)
        if passes.count <= 1 || parallelPasses == 1 {
            // One pass: its products and attention heads are split over the cores instead.
            for pass in passes {
                let vectors = forward(Array(sequences[pass]), ways: parallelPasses)
                for (offset, vector) in vectors.enumerated() { results[pass.lowerBound + offset] = vector }
            }
        } else {
            // Passes are handed out in turn to `parallelPasses` workers.
            let collected = PassResults(count: sequences.count)
            let workers = min(parallelPasses, passes.count)
            let next = PassCounter()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let passIndex = next.take(below: passes.count) {
                    let pass = passes[passIndex]
                    let vectors = forward(Array(sequences[pass]), ways: 1)
                    collected.store(vectors, at: pass.lowerBound)
                }
            }
            results = collected.values()
        }
        return results
    }

    /// Splits consecutive sequences into passes of about equal size: as few as keep each
    /// under `maxTokens` tokens, rounded up to a multiple of `workers` so that the workers
    /// finish together (a sequence longer than the target gets a pass of its own).
    static func passes(lengths: [Int], maxTokens: Int, workers: Int) -> [Range<Int>] {
        guard !lengths.isEmpty else { return [] }
        let total = lengths.reduce(0, +)
        var count = max(1, (total + maxTokens - 1) / maxTokens)
        if count > 1 { count = (count + workers - 1) / workers * workers }
        let target = max(1, (total + count - 1) / count)
        var passes: [Range<Int>] = []
        var start = 0, tokens = 0
        for (index, length) in lengths.enumerated() {
            if index > start && tokens + length > maxTokens {
                passes.append(start..<index)
                start = index
                tokens = 0
            }
            tokens += length
            if tokens >= target {
                passes.append(start..<(index + 1))
                start = index + 1
                tokens = 0
            }
        }
        if start < lengths.count { passes.append(start..<lengths.count) }
        return passes
    }

    /// The forward pass for one packed group of sequences; returns their pooled, normalised
    /// vectors. With `ways` > 1 every matrix product is split by output columns, and the
    /// attention heads by halves, over `ways` threads.
    func forward(_ sequences: [[Int32]], ways: Int) -> [[Float]] {
        let config = configuration
        let h = config.hiddenSize, inter = config.intermediateSize
        let heads = config.headCount, d = config.headSize
        let lengths = sequences.map(\.count)
        let total = lengths.reduce(0, +)
        let longest = lengths.max() ?? 0
        guard total > 0 else { return sequences.map { _ in [Float](repeating: 0, count: h) } }
        var running = 0
        let offsets = lengths.map { n in
            defer { running += n }
            return running
        }

        // One allocation for every buffer of the pass.
        let xCount = total * h, qkvCount = total * 3 * h, ctxCount = total * h
        let ffnCount = total * inter, scoreCount = (longest * longest + longest) * max(1, ways)
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: xCount + qkvCount + ctxCount + ffnCount + scoreCount)
        defer { storage.deallocate() }
        let x = storage
        let qkv = x + xCount
        let ctx = qkv + qkvCount
        let ffn = ctx + ctxCount
        let scores = ffn + ffnCount

        // Embeddings: word + position + token type 0, then LayerNorm.
        weights.wordEmbeddings.withUnsafeBufferPointer { word in
            weights.positionEmbeddings.withUnsafeBufferPointer { position in
                weights.tokenTypeEmbedding.withUnsafeBufferPointer { type in
                    for (s, sequence) in sequences.enumerated() {
                        for (p, id) in sequence.enumerated() {
                            let row = x + (offsets[s] + p) * h
                            let w = word.baseAddress! + Int(id) * h
                            let q = position.baseAddress! + p * h
                            let t = type.baseAddress!
                            var j = 0
                            while j < h {
                                row[j] = w[j] + q[j] + t[j]
                                j += 1
                            }
                        }
                    }
                }
            }
        }
        Self.normalize(x, rows: total, width: h, weight: weights.embeddingNormWeight,
                       bias: weights.embeddingNormBias, epsilon: config.layerNormEpsilon)

        let scale = 1 / Float(d).squareRoot()
        let buffers = PassBuffers(qkv: qkv, ctx: ctx, scores: scores,
                                  inverseSums: scores + longest * longest * max(1, ways))
        let scoreStride = longest * longest
        for layer in weights.layers {
            // Q, K and V for every token in one product.
            MiniLMKernels.linear(x, rows: total, layer.qkv, into: qkv, accumulate: false, ways: ways)
            // Attention per sequence and head (heads shared out over `ways` threads).
            MiniLMKernels.parallel(ways) { part in
                let scores = buffers.scores + part * scoreStride
                let inverseSums = buffers.inverseSums + part * longest
                for (s, n) in lengths.enumerated() where n > 0 {
                    let base = buffers.qkv + offsets[s] * 3 * h
                    for head in stride(from: part, to: heads, by: ways) {
                        let q = base + head * d, k = base + h + head * d, v = base + 2 * h + head * d
                        MiniLMKernels.gemm(transposeB: true, m: n, n: n, k: d, alpha: scale,
                                           a: q, lda: 3 * h, b: k, ldb: 3 * h, beta: 0, c: scores, ldc: n)
                        // softmax(S)·V = diag(1/Σ)·(exp(S − max)·V): the division is done on
                        // the n×d product rather than the n×n probabilities.
                        MiniLMKernels.exponentiate(scores, rows: n, width: n, stride: n, inverseSums: inverseSums)
                        let context = buffers.ctx + offsets[s] * h + head * d
                        MiniLMKernels.gemm(transposeB: false, m: n, n: d, k: n,
                                           a: scores, lda: n, b: v, ldb: 3 * h, beta: 0, c: context, ldc: h)
                        MiniLMKernels.scaleRows(context, rows: n, width: d, stride: h, factors: inverseSums)
                    }
                }
            }
            // x = LayerNorm(x + ctx·Woᵀ + bo)
            MiniLMKernels.linear(ctx, rows: total, layer.attentionOutput, into: x, accumulate: true, ways: ways)
            Self.normalize(x, rows: total, width: h, weight: layer.attentionNormWeight,
                           bias: layer.attentionNormBias, epsilon: config.layerNormEpsilon)
            // x = LayerNorm(x + gelu(x·W1ᵀ + b1)·W2ᵀ + b2)
            MiniLMKernels.linear(x, rows: total, layer.intermediate, into: ffn, accumulate: false, gelu: true, ways: ways)
            MiniLMKernels.linear(ffn, rows: total, layer.output, into: x, accumulate: true, ways: ways)
            Self.normalize(x, rows: total, width: h, weight: layer.outputNormWeight,
                           bias: layer.outputNormBias, epsilon: config.layerNormEpsilon)
        }

        // Mean over each sequence's tokens (in Double), then L2 normalisation.
        let sums = UnsafeMutablePointer<Double>.allocate(capacity: h)
        defer { sums.deallocate() }
        return lengths.enumerated().map { s, n in
            sums.initialize(repeating: 0, count: h)
            var p = 0
            while p < n {
                let row = x + (offsets[s] + p) * h
                var j = 0
                while j < h {
                    sums[j] += Double(row[j])
                    j += 1
                }
                p += 1
            }
            var squares = 0.0
            for j in 0..<h { squares += sums[j] * sums[j] }
            let norm = squares.squareRoot()
            guard norm > 0 else { return [Float](repeating: 0, count: h) }
            return (0..<h).map { Float(sums[$0] / norm) }
        }
    }

    private static func normalize(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int,
                                  weight: [Float], bias: [Float], epsilon: Float) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                MiniLMKernels.layerNorm(x, rows: rows, width: width, weight: w.baseAddress!,
                                        bias: b.baseAddress!, epsilon: epsilon)
            }
        }
    }

    /// The floating-point operations of the matrix products for sequences of these lengths
    /// (2·m·n·k per product: the four projections plus QKᵀ and P·V per head).
    public func matmulFLOPs(sequenceLengths: [Int]) -> Double {
        let c = configuration
        let h = Double(c.hiddenSize), i = Double(c.intermediateSize)
        var flops = 0.0
        for n in sequenceLengths {
            let t = Double(min(n, c.maxPositions))
            let projections = 2 * t * h * (3 * h + h + i + i)
            let attention = 2 * 2 * t * t * h  // QKᵀ and P·V over all heads
            flops += Double(c.layerCount) * (projections + attention)
        }
        return flops
    }
}

/// The buffers of one pass that the threads splitting it write to (disjoint parts of them).
private struct PassBuffers: @unchecked Sendable {
    let qkv: UnsafeMutablePointer<Float>
    let ctx: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let inverseSums: UnsafeMutablePointer<Float>
}

/// Hands out pass indices to the worker threads of one `embed` call.
private final class PassCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// Collects the vectors the worker threads of one `embed` call produce.
private final class PassResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [[Float]]

    init(count: Int) { results = [[Float]](repeating: [], count: count) }

    func store(_ vectors: [[Float]], at start: Int) {
        lock.lock()
        defer { lock.unlock() }
        for (offset, vector) in vectors.enumerated() { results[start + offset] = vector }
    }

    func values() -> [[Float]] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}

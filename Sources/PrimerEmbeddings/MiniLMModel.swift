import CPanelGEMM
import Foundation

/// The shape of a BERT encoder such as all-MiniLM-L6-v2: 6 layers, hidden size 384,
/// 12 attention heads of 32, feed-forward size 1536, 512 positions, post-LayerNorm with
/// epsilon 1e-12, exact (erf) GELU.
public struct MiniLMConfiguration: Equatable, Sendable {
    /// Rows of the word-embedding table.
    public var vocabularySize: Int
    /// Width of every hidden state.
    public var hiddenSize: Int
    /// Number of encoder layers.
    public var layerCount: Int
    /// Attention heads per layer; `hiddenSize` is a multiple of it.
    public var headCount: Int
    /// Width of the feed-forward layer.
    public var intermediateSize: Int
    /// Rows of the position-embedding table: the longest sequence the model takes.
    public var maxPositions: Int
    /// LayerNorm's epsilon.
    public var layerNormEpsilon: Float

    /// Width of one attention head.
    public var headSize: Int { hiddenSize / headCount }

    /// all-MiniLM-L6-v2 (sentence-transformers).
    public static let allMiniLML6v2 = MiniLMConfiguration(
        vocabularySize: 30522, hiddenSize: 384, layerCount: 6, headCount: 12,
        intermediateSize: 1536, maxPositions: 512, layerNormEpsilon: 1e-12)

    /// Creates a configuration.
    public init(vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int,
                intermediateSize: Int, maxPositions: Int, layerNormEpsilon: Float) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.layerNormEpsilon = layerNormEpsilon
    }
}

/// A linear layer: weight `[out, in]` (the file's layout, for OpenBLAS), bias `[out]`, and the
/// weight packed into 16-column panels for the short-pass kernel (`CPanelGEMM`; empty when
/// the CPU cannot run it).
struct LinearWeights: Sendable {
    let weight: [Float]
    let bias: [Float]
    let panels: [Float]
    let outFeatures: Int
    let inFeatures: Int

    init(weight: [Float], bias: [Float], outFeatures: Int, inFeatures: Int) {
        precondition(weight.count == outFeatures * inFeatures && bias.count == outFeatures)
        self.weight = weight
        self.bias = bias
        self.outFeatures = outFeatures
        self.inFeatures = inFeatures
        if panel_gemm_supported() != 0 {
            let count = panel_gemm_packed_count(Int32(outFeatures), Int32(inFeatures))
            panels = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                weight.withUnsafeBufferPointer {
                    panel_gemm_pack($0.baseAddress!, Int32(outFeatures), Int32(inFeatures), buffer.baseAddress!)
                }
                initialized = count
            }
        } else {
            panels = []
        }
    }
}

/// One encoder layer's weights. The query, key and value projections are stacked into one
/// `[3·hidden, hidden]` linear layer so that a single matrix product computes all three.
struct MiniLMLayerWeights: Sendable {
    /// Rows 0..<H query, H..<2H key, 2H..<3H value; `[3H, H]`.
    let qkv: LinearWeights
    /// `[H, H]`.
    let attentionOutput: LinearWeights
    let attentionNormWeight: [Float]
    let attentionNormBias: [Float]
    /// `[I, H]`.
    let intermediate: LinearWeights
    /// `[H, I]`.
    let output: LinearWeights
    let outputNormWeight: [Float]
    let outputNormBias: [Float]
}

/// All of all-MiniLM-L6-v2's weights, read from a safetensors file (tensor names as in
/// sentence-transformers' `model.safetensors`, without a `bert.` prefix). Immutable.
public struct MiniLMWeights: Sendable {
    /// The encoder's shape (the vocabulary size is taken from the file).
    public let configuration: MiniLMConfiguration
    /// `[V, H]`.
    let wordEmbeddings: [Float]
    /// `[P, H]`.
    let positionEmbeddings: [Float]
    /// Row 0 of the token-type table (every token has type 0); `[H]`.
    let tokenTypeEmbedding: [Float]
    let embeddingNormWeight: [Float]
    let embeddingNormBias: [Float]
    let layers: [MiniLMLayerWeights]

    /// Reads and checks every tensor the encoder needs: each must be present, F32 and of the
    /// shape `configuration` implies (the vocabulary size may differ; it is read from the file).
    public init(file: SafeTensorsFile, configuration base: MiniLMConfiguration = .allMiniLML6v2) throws(SafeTensorsError) {
        let h = base.hiddenSize, i = base.intermediateSize
        let wordInfo = try file.info("embeddings.word_embeddings.weight")
        guard wordInfo.shape.count == 2, wordInfo.shape[1] == h, wordInfo.shape[0] > 0 else {
            throw SafeTensorsError(.unexpectedShape, file: file.name, tensor: wordInfo.name,
                                   "has shape \(wordInfo.shape), expected [vocabulary, \(h)]")
        }
        var configuration = base
        configuration.vocabularySize = wordInfo.shape[0]
        self.configuration = configuration

        wordEmbeddings = try file.floats("embeddings.word_embeddings.weight", shape: [configuration.vocabularySize, h])
        positionEmbeddings = try file.floats("embeddings.position_embeddings.weight", shape: [base.maxPositions, h])
        let tokenTypeInfo = try file.info("embeddings.token_type_embeddings.weight")
        guard tokenTypeInfo.shape.count == 2, tokenTypeInfo.shape[0] >= 1, tokenTypeInfo.shape[1] == h else {
            throw SafeTensorsError(.unexpectedShape, file: file.name, tensor: tokenTypeInfo.name,
                                   "has shape \(tokenTypeInfo.shape), expected [types, \(h)]")
        }
        tokenTypeEmbedding = Array(try file.floats(tokenTypeInfo.name, shape: tokenTypeInfo.shape)[0..<h])
        embeddingNormWeight = try file.floats("embeddings.LayerNorm.weight", shape: [h])
        embeddingNormBias = try file.floats("embeddings.LayerNorm.bias", shape: [h])

        var layers: [MiniLMLayerWeights] = []
        for index in 0..<base.layerCount {
            let p = "encoder.layer.\(index)."
            func tensor(_ name: String, _ shape: [Int]) throws(SafeTensorsError) -> [Float] {
                try file.floats(p + name, shape: shape)
            }
            let qkvWeight = try tensor("attention.self.query.weight", [h, h])
                + tensor("attention.self.key.weight", [h, h])
                + tensor("attention.self.value.weight", [h, h])
            let qkvBias = try tensor("attention.self.query.bias", [h])
                + tensor("attention.self.key.bias", [h])
                + tensor("attention.self.value.bias", [h])
            layers.append(MiniLMLayerWeights(
                qkv: LinearWeights(weight: qkvWeight, bias: qkvBias, outFeatures: 3 * h, inFeatures: h),
                attentionOutput: LinearWeights(weight: try tensor("attention.output.dense.weight", [h, h]),
                                               bias: try tensor("attention.output.dense.bias", [h]),
                                               outFeatures: h, inFeatures: h),
                attentionNormWeight: try tensor("attention.output.LayerNorm.weight", [h]),
                attentionNormBias: try tensor("attention.output.LayerNorm.bias", [h]),
                intermediate: LinearWeights(weight: try tensor("intermediate.dense.weight", [i, h]),
                                            bias: try tensor("intermediate.dense.bias", [i]),
                                            outFeatures: i, inFeatures: h),
                output: LinearWeights(weight: try tensor("output.dense.weight", [h, i]),
                                      bias: try tensor("output.dense.bias", [h]),
                                      outFeatures: h, inFeatures: i),
                outputNormWeight: try tensor("output.LayerNorm.weight", [h]),
                outputNormBias: try tensor("output.LayerNorm.bias", [h])))
        }
        self.layers = layers
    }

    /// Opens `url` and reads the weights from it.
    public init(contentsOf url: URL, configuration: MiniLMConfiguration = .allMiniLML6v2) throws(SafeTensorsError) {
        try self.init(file: SafeTensorsFile(contentsOf: url), configuration: configuration)
    }
}

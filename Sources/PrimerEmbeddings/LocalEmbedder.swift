import Dispatch
import Foundation
import PrimerCore

/// Why the local embedding model could not be loaded: a missing directory or file (with a
/// pointer to `scripts/fetch-model`), a corrupt `model.safetensors` or an unusable `vocab.txt`.
public struct LocalEmbedderError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the file.
    public let message: String

    /// Creates an error with this message.
    public init(_ message: String) { self.message = message }

    public var description: String { "local embedding model: \(message)" }
}

/// The local sentence embedder: all-MiniLM-L6-v2 (`WordPieceTokenizer` + `MiniLMEncoder`),
/// 384-dimensional L2-normalised vectors, the same for documents and queries.
///
/// `embed` never blocks the caller's thread: tokenisation and inference run on a dedicated
/// serial dispatch queue, in groups of `groupSize` texts (each group is one batched encoder
/// call, whose packed passes the encoder spreads over the cores). Groups run one at a time in
/// arrival order, so concurrent queries are served first come, first served with all cores
/// each, and a long ingest lets queries in between its groups. Between groups a cancelled
/// task stops early with `CancellationError`.
public struct LocalEmbedder: Embedder {
    /// The model's name as stored with every vector.
    public static let modelIdentifier = "local:all-MiniLM-L6-v2"

    /// `local:all-MiniLM-L6-v2`.
    public var identifier: String { Self.modelIdentifier }
    /// The encoder (weights loaded once, shared by all calls).
    public let encoder: MiniLMEncoder
    /// The WordPiece tokenizer for the model's vocabulary.
    public let tokenizer: WordPieceTokenizer
    /// How many texts go through the encoder together.
    public let groupSize: Int
    private let queue: DispatchQueue

    /// Length of every vector (384).
    public var dimension: Int { encoder.dimension }

    /// Wraps a loaded encoder and tokenizer.
    public init(encoder: MiniLMEncoder, tokenizer: WordPieceTokenizer, groupSize: Int = 32) {
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.groupSize = max(1, groupSize)
        self.queue = DispatchQueue(label: "primer.embeddings.local", qos: .userInitiated)
    }

    /// Loads `model.safetensors` and `vocab.txt` from `directory` (as `scripts/fetch-model`
    /// leaves them). Throws `LocalEmbedderError` naming the missing or corrupt file.
    public static func load(directory: URL) throws -> LocalEmbedder {
        let fileManager = FileManager.default
        let hint = "run scripts/fetch-model (or set PRIMER_MODEL_DIR to the folder holding model.safetensors and vocab.txt)"
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LocalEmbedderError("the model directory \(directory.path) does not exist; \(hint)")
        }
        let modelFile = directory.appendingPathComponent("model.safetensors")
        let vocabFile = directory.appendingPathComponent("vocab.txt")
        for file in [modelFile, vocabFile] where !fileManager.fileExists(atPath: file.path) {
            throw LocalEmbedderError("\(file.path) is missing; \(hint)")
        }
        let weights: MiniLMWeights
        do {
            weights = try MiniLMWeights(contentsOf: modelFile)
        } catch {
            throw LocalEmbedderError("\(error.description) (the file looks corrupt; \(hint))")
        }
        let tokenizer: WordPieceTokenizer
        do {
            tokenizer = try WordPieceTokenizer(contentsOf: vocabFile)
        } catch {
            throw LocalEmbedderError("\(error) (\(hint))")
        }
        guard tokenizer.vocabulary.count == weights.configuration.vocabularySize else {
            throw LocalEmbedderError("\(vocabFile.path) has \(tokenizer.vocabulary.count) tokens but \(modelFile.path) embeds \(weights.configuration.vocabularySize); they are not from the same model (\(hint))")
        }
        return LocalEmbedder(encoder: MiniLMEncoder(weights: weights), tokenizer: tokenizer)
    }

    /// Word pieces a question is embedded from: a question's meaning is in its first hundred
    /// words, and the cap keeps one reader's very long question from holding the queue (a
    /// 128-token pass costs a few milliseconds; every other reader's question waits behind it).
    public static let queryMaxTokens = 128

    /// How a chunk longer than the model's input is cut: windows of at most 254 word pieces
    /// (256 with `[CLS]` and `[SEP]`), each with the chunk's heading path, overlapping by 48.
    public static let windowing = EmbeddingWindows(budget: WordPieceTokenizer.maxLength - 2, overlap: 48)

    /// The chunk's ``windowing`` windows, counted in this model's word pieces: every word of the
    /// chunk is seen by the model in at least one window.
    public func windows(for chunk: BookChunk) async throws -> [String] {
        let tokenizer = self.tokenizer
        return Self.windowing.texts(for: chunk, tokens: tokenizer.pieceCount)
    }

    /// One unit vector per text, in order. Documents longer than 256 tokens are embedded from
    /// their first 256 tokens (``windows(for:)`` keeps chunks within that), questions from
    /// their first `queryMaxTokens`.
    public func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let cancelled = CancellationFlag()
        let encoder = self.encoder, tokenizer = self.tokenizer, groupSize = self.groupSize, queue = self.queue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[[Float]], any Error>) in
                let maxTokens = purpose == .query ? Self.queryMaxTokens : WordPieceTokenizer.maxLength
                let job = EmbeddingJob(texts: texts, maxTokens: maxTokens, continuation: continuation, cancelled: cancelled)
                queue.async { job.runGroup(from: 0, encoder: encoder, tokenizer: tokenizer, groupSize: groupSize, queue: queue) }
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

/// One `embed` call's texts and the vectors made so far. Each group is its own work item on
/// the embedder's serial queue, so other calls' groups (a reader's query during an ingest)
/// run in between.
private final class EmbeddingJob: @unchecked Sendable {
    let texts: [String]
    let maxTokens: Int
    let continuation: CheckedContinuation<[[Float]], any Error>
    let cancelled: CancellationFlag
    private var vectors: [[Float]] = []  // only touched on the serial queue

    init(texts: [String], maxTokens: Int, continuation: CheckedContinuation<[[Float]], any Error>, cancelled: CancellationFlag) {
        self.texts = texts
        self.maxTokens = maxTokens
        self.continuation = continuation
        self.cancelled = cancelled
        vectors.reserveCapacity(texts.count)
    }

    func runGroup(from start: Int, encoder: MiniLMEncoder, tokenizer: WordPieceTokenizer, groupSize: Int,
                  queue: DispatchQueue) {
        if cancelled.isSet {
            continuation.resume(throwing: CancellationError())
            return
        }
        let end = min(start + groupSize, texts.count)
        let ids = texts[start..<end].map { tokenizer.tokenize($0, maxLength: maxTokens) }
        vectors.append(contentsOf: encoder.embed(tokenBatches: ids))
        if end == texts.count {
            continuation.resume(returning: vectors)
        } else {
            queue.async { self.runGroup(from: end, encoder: encoder, tokenizer: tokenizer, groupSize: groupSize, queue: queue) }
        }
    }
}

/// Set when the task awaiting an `embed` call is cancelled; read between groups.
private final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

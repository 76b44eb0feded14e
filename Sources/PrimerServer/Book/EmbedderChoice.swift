import Foundation
import NIOConcurrencyHelpers
import PrimerCore
import PrimerEmbeddings
import PrimerProviders

/// The embedder chosen by `EMBEDDING_PROVIDER`, or none (lexical search only) with the reason,
/// which start-up logs and `/health` reports.
enum EmbedderChoice {
    static func make(_ settings: PrimerSettings) -> (embedder: (any Embedder)?, note: String) {
        let embedding = settings.embedding
        switch embedding.provider {
        case .none:
            return (nil, "lexical search only (EMBEDDING_PROVIDER=none)")
        case .local:
            let directory = URL(fileURLWithPath: embedding.modelDirectory)
            let missing = ["model.safetensors", "vocab.txt"].filter {
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path)
            }
            guard missing.isEmpty else {
                return (nil, "lexical search only: \(missing.joined(separator: " and ")) not found in \(embedding.modelDirectory) (run scripts/fetch-model)")
            }
            return (LazyLocalEmbedder(directory: directory), "hybrid search, local \(PrimerEmbeddings.modelName)")
        case .openai:
            return (OpenAIEmbedder(baseURL: settings.llm.openAIBaseURL, apiKey: settings.llm.openAIAPIKey, model: embedding.openAIModel),
                    "hybrid search, OpenAI-compatible embeddings (\(embedding.openAIModel))")
        case .cohere:
            return (CohereEmbedder(apiKey: settings.llm.cohereAPIKey ?? "", model: embedding.cohereModel, baseURL: settings.llm.cohereBaseURL),
                    "hybrid search, Cohere embeddings (\(embedding.cohereModel))")
        }
    }
}

/// The local model, loaded (90 MB of weights, off the caller's thread) on first use, so that
/// commands that never embed do not pay for it. Concurrent first calls share one load; a load
/// failure is reported by every call waiting on it, and the next call tries again.
final class LazyLocalEmbedder: Embedder {
    let identifier = "local:\(PrimerEmbeddings.modelName)"
    private let directory: URL
    private let loading = NIOLockedValueBox<Task<LocalEmbedder, any Error>?>(nil)
    /// How many times the model files were read (for tests).
    let loads = NIOLockedValueBox(0)

    init(directory: URL) {
        self.directory = directory
    }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        try await model().embed(texts, purpose: purpose)
    }

    func prepare() async throws {
        _ = try await model()
    }

    func windows(for chunk: BookChunk) async throws -> [String] {
        try await model().windows(for: chunk)
    }

    /// How many of `chunks` are longer than the model reads (each would be cut without
    /// windows), and how many of their windows still are (0 unless windowing is broken).
    func truncation(_ chunks: [BookChunk]) async throws -> (chunks: Int, windows: Int) {
        let model = try await model()
        let limit = WordPieceTokenizer.maxLength - 2
        var long = 0, cut = 0
        for chunk in chunks {
            if model.tokenizer.pieceCount(chunk.indexedText) > limit { long += 1 }
            for window in try await model.windows(for: chunk) where model.tokenizer.pieceCount(window) > limit { cut += 1 }
        }
        return (long, cut)
    }

    private func model() async throws -> LocalEmbedder {
        let directory = self.directory, loads = self.loads
        let task = loading.withLockedValue { current in
            if let current { return current }
            let task = Task<LocalEmbedder, any Error> {
                try await withCheckedThrowingContinuation { continuation in
                    DispatchQueue.global().async {
                        loads.withLockedValue { $0 += 1 }
                        continuation.resume(with: Result { try LocalEmbedder.load(directory: directory) })
                    }
                }
            }
            current = task
            return task
        }
        do {
            return try await task.value
        } catch {
            loading.withLockedValue { if $0 == task { $0 = nil } }
            throw error
        }
    }
}

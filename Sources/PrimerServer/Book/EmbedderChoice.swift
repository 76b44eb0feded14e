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
/// commands that never embed do not pay for it. A load failure is reported by every call.
final class LazyLocalEmbedder: Embedder {
    let identifier = "local:\(PrimerEmbeddings.modelName)"
    private let directory: URL
    private let loaded = NIOLockedValueBox<LocalEmbedder?>(nil)

    init(directory: URL) {
        self.directory = directory
    }

    func embed(_ texts: [String], purpose: EmbeddingPurpose) async throws -> [[Float]] {
        try await model().embed(texts, purpose: purpose)
    }

    private func model() async throws -> LocalEmbedder {
        if let model = loaded.withLockedValue({ $0 }) { return model }
        let directory = self.directory
        let model = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<LocalEmbedder, any Error>) in
            DispatchQueue.global().async { continuation.resume(with: Result { try LocalEmbedder.load(directory: directory) }) }
        }
        loaded.withLockedValue { $0 = $0 ?? model }
        return model
    }
}

import Foundation

/// Splitting texts into requests and checking the vectors that come back (shared by
/// `OpenAIEmbedder` and `CohereEmbedder`).
enum EmbeddingBatches {
    /// Embeds `texts` in slices of at most `batchSize` (at least 1), one request after the
    /// other, and checks that every vector is non-empty and all have the same length.
    static func embed(
        _ texts: [String], batchSize: Int, provider: String,
        _ embedBatch: ([String]) async throws -> [[Float]]
    ) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let size = max(1, batchSize)
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: size) {
            try Task.checkCancellation()
            let batch = Array(texts[start..<min(start + size, texts.count)])
            let batchVectors = try await embedBatch(batch)
            guard batchVectors.count == batch.count else {
                throw ProviderError.malformedResponse(provider: provider, detail: "\(batchVectors.count) embeddings for \(batch.count) inputs")
            }
            for (offset, vector) in batchVectors.enumerated() {
                let position = start + offset
                guard !vector.isEmpty else {
                    throw ProviderError.malformedResponse(provider: provider, detail: "the embedding of input \(position) is empty")
                }
                if let dimensions = vectors.first?.count, vector.count != dimensions {
                    throw ProviderError.malformedResponse(
                        provider: provider, detail: "the embedding of input \(position) has \(vector.count) dimensions, input 0's has \(dimensions)")
                }
                vectors.append(vector)
            }
        }
        return vectors
    }

    /// What went wrong decoding `body`, for an error: whether it was JSON at all, and the
    /// shape that was expected.
    static func decodingDetail(_ error: any Error, _ body: [UInt8], expected: String) -> String {
        if (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) == nil {
            let start = String(decoding: body.prefix(80), as: UTF8.self)
            return body.isEmpty ? "the body is empty, not JSON" : "the body is not JSON: \(start)"
        }
        var path = ""
        if let error = error as? DecodingError {
            switch error {
            case .keyNotFound(let key, let context): path = " (no \(format(context.codingPath + [key])))"
            case .typeMismatch(_, let context), .valueNotFound(_, let context): path = " (unexpected value at \(format(context.codingPath)))"
            default: break
            }
        }
        return "expected \(expected)" + path
    }

    /// `data[0].embedding`.
    private static func format(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "the top level" : text
    }
}

import Fluent
import Foundation

/// A chunk's embedding (table `chunk_vectors`), keyed by the embedder and the SHA-256 of the
/// embedded text: an unchanged chunk is never embedded again, even when its file changes,
/// and a different embedder gets vectors of its own.
final class ChunkVectorRecord: Model, @unchecked Sendable {
    static let schema = "chunk_vectors"

    @ID(key: .id) var id: UUID?
    @Field(key: "embedder") var embedder: String
    @Field(key: "text_hash") var textHash: String
    @Field(key: "dimension") var dimension: Int
    /// Little-endian float32 values.
    @Field(key: "vector") var vectorData: Data
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(embedder: String, textHash: String, vector: [Float]) {
        self.embedder = embedder
        self.textHash = textHash
        self.dimension = vector.count
        self.vectorData = Self.data(vector)
    }

    /// The vector, or nil when the stored bytes do not hold `dimension` floats.
    var vector: [Float]? {
        guard vectorData.count == dimension * 4 else { return nil }
        return vectorData.withUnsafeBytes { raw in
            (0..<dimension).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    static func data(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }
}

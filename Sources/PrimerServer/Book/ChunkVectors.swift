import Crypto
import Fluent
import Foundation
import PrimerCore

/// Keeps the stored chunk vectors in step with the book: embeds the chunks whose text has no
/// vector for the current embedder yet (in batches, never holding a transaction open while a
/// model runs), drops that embedder's vectors of texts no longer in the book, and loads the
/// vectors of the current chunks into an in-memory store. Other embedders' vectors are kept,
/// so switching back costs nothing.
enum ChunkVectors {
    static let batchSize = 32

    /// SHA-256 (hex) of an embedded text (a chunk's window: heading path and body).
    static func textHash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// One text a chunk is embedded from, with its hash.
    typealias Window = (chunk: BookChunk, text: String, hash: String)

    /// The texts each chunk is embedded from (its windows), with their hashes.
    static func windows(of chunks: [BookChunk], embedder: any Embedder) async throws -> [Window] {
        var result: [Window] = []
        result.reserveCapacity(chunks.count)
        for chunk in chunks {
            for text in try await embedder.windows(for: chunk) { result.append((chunk, text, textHash(text))) }
        }
        return result
    }

    /// Embeds what is missing and (with `dropStale`) drops what no current window needs;
    /// returns how many texts were embedded.
    @discardableResult
    static func embedMissing(_ chunks: [BookChunk], embedder: any Embedder, db: any Database, writes: WriteGate, dropStale: Bool = true,
                             progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        try await embedMissing(windows(of: chunks, embedder: embedder), embedder: embedder, db: db, writes: writes,
                               dropStale: dropStale, progress: progress)
    }

    /// ``embedMissing(_:embedder:db:writes:dropStale:progress:)`` for windows already cut.
    @discardableResult
    static func embedMissing(_ hashed: [Window], embedder: any Embedder, db: any Database, writes: WriteGate, dropStale: Bool = true,
                             progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let stored = Set(try await ChunkVectorRecord.query(on: db).filter(\.$embedder == embedder.identifier).all(\.$textHash))
        let stale = dropStale ? Array(stored.subtracting(hashed.map(\.hash))) : []
        for start in stride(from: 0, to: stale.count, by: 500) {
            let batch = Array(stale[start..<min(start + 500, stale.count)])
            try await writes.transaction(on: db) { tx in
                try await ChunkVectorRecord.query(on: tx).filter(\.$embedder == embedder.identifier).filter(\.$textHash ~~ batch).delete()
            }
        }
        var seen = Set<String>()
        let missing = hashed.filter { !stored.contains($0.hash) && seen.insert($0.hash).inserted }
        var done = 0
        progress(0, missing.count)
        for start in stride(from: 0, to: missing.count, by: batchSize) {
            let batch = Array(missing[start..<min(start + batchSize, missing.count)])
            let vectors = try await embedder.embed(batch.map(\.text), purpose: .document)
            guard vectors.count == batch.count else { throw EmbeddingCountError(expected: batch.count, got: vectors.count) }
            let records = zip(batch, vectors).map { ChunkVectorRecord(embedder: embedder.identifier, textHash: $0.hash, vector: $1) }
            try await writes.transaction(on: db) { tx in try await records.create(on: tx) }
            done += batch.count
            progress(done, missing.count)
        }
        return missing.count
    }

    /// The vectors of `chunks` for `embedder` (one per window), or nil when a window has none.
    /// `cut` holds windows already cut (by ``embedMissing``) for reuse; other chunks are cut here.
    static func store(for chunks: [BookChunk], embedder: any Embedder, db: any Database, cut: [Window] = []) async throws -> InMemoryVectorStore? {
        guard !chunks.isEmpty else { return nil }
        let known = Dictionary(grouping: cut, by: \.chunk.id)
        var byHash: [String: [Float]] = [:]
        for record in try await ChunkVectorRecord.query(on: db).filter(\.$embedder == embedder.identifier).all() {
            if let vector = record.vector { byHash[record.textHash] = vector }
        }
        var entries: [ChunkVector] = []
        entries.reserveCapacity(chunks.count)
        for chunk in chunks {
            let windows = if let reused = known[chunk.id], reused.first?.chunk == chunk { reused }
                else { try await Self.windows(of: [chunk], embedder: embedder) }
            for window in windows {
                guard let vector = byHash[window.hash] else { return nil }
                entries.append(ChunkVector(id: chunk.id, pageSlug: chunk.pageSlug, vector: vector))
            }
        }
        return try InMemoryVectorStore(entries)
    }
}

/// An embedder answered with the wrong number of vectors.
struct EmbeddingCountError: Error, CustomStringConvertible {
    let expected: Int
    let got: Int
    var description: String { "The embedder returned \(got) vectors for \(expected) texts" }
}

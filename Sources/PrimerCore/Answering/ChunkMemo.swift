import Synchronization

/// Values derived from a chunk's text (its sentences, its terms), memoised by chunk id. The
/// entry remembers the text it was made from, so a re-ingested chunk is analysed again.
final class ChunkMemo<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (text: String, value: Value)]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// The memoised value for `chunk`, made by `make` on a miss.
    func value(for chunk: BookChunk, make: (BookChunk) -> Value) -> Value {
        if let entry = entries.withLock({ $0[chunk.id] }), entry.text == chunk.text { return entry.value }
        let value = make(chunk)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[chunk.id] = (chunk.text, value)
        }
        return value
    }
}

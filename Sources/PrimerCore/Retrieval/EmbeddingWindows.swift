/// Splits a chunk into the texts an embedder sees whole: the chunk's heading path (its
/// contextual header) followed by a window of its body, each window at most `budget` tokens
/// including the header, consecutive windows overlapping by about `overlap` tokens. A chunk
/// that fits is one window holding exactly its ``BookChunk/indexedText`` (so vectors stored
/// before windowing stay valid). A chunk is found by its best window.
public struct EmbeddingWindows: Sendable {
    /// Tokens one text may have, including the header (and nothing else: special tokens are
    /// the caller's to subtract).
    public let budget: Int
    /// Tokens shared by consecutive windows, so a sentence cut at a window's end is whole in the next.
    public let overlap: Int

    public init(budget: Int, overlap: Int) {
        self.budget = max(8, budget)
        self.overlap = max(0, min(overlap, budget / 2))
    }

    /// The window texts of `chunk`; `tokens` counts the model's tokens in a text (for a
    /// whitespace-free word, the pieces it becomes).
    public func texts(for chunk: BookChunk, tokens: (String) -> Int) -> [String] {
        let whole = chunk.indexedText
        guard tokens(whole) > budget else { return [whole] }
        let header = chunk.headings.joined(separator: " › ")
        // A pathological heading path keeps at most half of the budget.
        let headerCost = min(tokens(header), budget / 2)
        let bodyBudget = max(4, budget - headerCost)
        let words = chunk.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        let costs = words.map { max(1, tokens(String($0))) }
        var windows: [String] = []
        var start = 0
        while start < words.count {
            var end = start, used = 0
            while end < words.count, used + costs[end] <= bodyBudget || end == start {
                used += costs[end]
                end += 1
            }
            windows.append(header + "\n\n" + words[start..<end].joined(separator: " "))
            if end >= words.count { break }
            // Step back over about `overlap` tokens, but always move forward.
            var next = end, shared = 0
            while next - 1 > start, shared + costs[next - 1] <= overlap {
                next -= 1
                shared += costs[next]
            }
            start = next
        }
        return windows
    }
}

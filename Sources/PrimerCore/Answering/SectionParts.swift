/// The best passage's whole section. The chunker cuts a long section into parts, and the
/// part that matched a question best need not hold its answer ("How does cuMotion compare
/// to MoveIt in planning time?" matches the section's opening about cuMotion; the benchmark
/// table is in its next part). The parts just before and after the top passage, under the
/// same heading of the same page, join the passages right after it, scored like it.
public enum SectionParts {
    /// `passages` with the top passage's neighbouring parts (from `chunk` by id) after it,
    /// unless already among them.
    public static func joined(_ passages: [SourcePassage], chunk: (String) -> BookChunk?) -> [SourcePassage] {
        guard let top = passages.first else { return passages }
        let present = Set(passages.map(\.chunk.id))
        let parts = [top.chunk.ordinal - 1, top.chunk.ordinal + 1].compactMap { ordinal -> BookChunk? in
            guard ordinal >= 0, let part = chunk("\(top.chunk.pageSlug)#\(top.chunk.anchor)~\(ordinal)"),
                  !present.contains(part.id), part.headings == top.chunk.headings else { return nil }
            return part
        }
        guard !parts.isEmpty else { return passages }
        return [top] + parts.map { SourcePassage(chunk: $0, score: top.score) } + passages.dropFirst()
    }
}

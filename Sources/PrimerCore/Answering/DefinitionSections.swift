import Foundation

/// The sections a book titles as definitions ("What is URDF?", "What are Vision-Language-Action
/// (VLA) Models?"), found once per book load. A "what is X" question leads with the section
/// whose title asks exactly that, wherever the search ranked it: the book's own answer to the
/// question, written for that purpose.
public struct DefinitionSections: Sendable {
    struct Entry: Sendable {
        /// Search terms of the title's subject ("vla", "model", …).
        let terms: Set<String>
        let chunkID: String
    }

    let entries: [Entry]

    /// Indexes the first chunk of every section whose title starts "What is", "What are" or
    /// "What's" (not "What's next") in `chunks` (reading order).
    public init(chunks: [BookChunk]) {
        var entries: [Entry] = []
        var seen = Set<String>()
        for chunk in chunks {
            guard let title = chunk.headings.last, seen.insert(chunk.pageSlug + "#" + chunk.anchor).inserted,
                  let subject = Self.subject(ofTitle: title) else { continue }
            let terms = Set(TextTokenizer.terms(subject))
            if !terms.isEmpty { entries.append(Entry(terms: terms, chunkID: chunk.id)) }
        }
        self.entries = entries
    }

    /// "What are Vision-Language-Action (VLA) Models?" → "Vision-Language-Action (VLA) Models".
    static func subject(ofTitle title: String) -> String? {
        let plain = MarkdownText.plain(title).trimmingWhitespace()
        let lower = plain.lowercased()
        for prefix in ["what is ", "what are ", "what's "] where lower.hasPrefix(prefix) {
            let subject = String(plain.dropFirst(prefix.count)).trimmingCharacters(in: .init(charactersIn: "?!. "))
            return ["next", "new", "coming next", "ahead"].contains(subject.lowercased()) ? nil : subject
        }
        return nil
    }

    /// The chunk to lead with for `question`: for a definition question ("what is a VLA model",
    /// "explain simply what URDF is"), the definition section whose subject is the question's
    /// (the same terms first, then the smallest title that holds all the question's terms).
    public func section(for question: String) -> String? {
        let intent = QuestionIntent(question: question)
        guard intent.kind == .definition, !entries.isEmpty else { return nil }
        let asked = Set(TextTokenizer.terms(intent.searchText)).subtracting(Self.questionWords)
        guard !asked.isEmpty else { return nil }
        if let exact = entries.first(where: { $0.terms == asked }) { return exact.chunkID }
        return entries.filter { asked.isSubset(of: $0.terms) }.min { $0.terms.count < $1.terms.count }?.chunkID
    }

    /// Words of a definition question that are not its subject.
    static let questionWords = Set(TextTokenizer.terms("what is are mean means meaning define definition explain"))
}

extension DefinitionSections {
    /// `passages` led by the section defining the question's subject (from `chunks` by id),
    /// keeping the number of passages; unchanged when there is none or it already leads.
    public func leading(_ passages: [SourcePassage], for question: String, chunk: (String) -> BookChunk?) -> [SourcePassage] {
        guard let id = section(for: question), passages.first?.chunk.id != id, let defining = chunk(id), !passages.isEmpty else {
            return passages
        }
        let rest = passages.filter { $0.chunk.id != id }
        return [SourcePassage(chunk: defining, score: passages[0].score)] + rest.prefix(passages.count - 1)
    }
}

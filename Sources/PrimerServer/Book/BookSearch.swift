import PrimerCore

/// Search for the site's search box and `GET /api/v1/search`: the lexical retriever's best
/// chunks as links to their sections, each with a short snippet.
enum BookSearch {
    static func results(for query: String, limit: Int, in snapshot: BookLibrary.Snapshot) -> [SearchResult] {
        let terms = TextTokenizer.terms(query)
        let hits = snapshot.lexical.rank(terms: terms, limit: limit, pageSlug: nil)
        let top = hits.first?.score ?? 1
        return hits.compactMap { hit in
            guard let chunk = snapshot.chunksByID[hit.id] else { return nil }
            return SearchResult(pageURL: chunk.url, pageTitle: chunk.pageTitle, section: chunk.section,
                                snippet: snippet(of: chunk.text, terms: Set(terms)),
                                score: top > 0 ? (hit.score / top * 10_000).rounded() / 10_000 : 0)
        }
    }

    /// The first sentence that mentions a query term (else the chunk's opening), at most ~240 characters.
    static func snippet(of markdown: String, terms: Set<String>) -> String {
        let text = MarkdownText.readableText(markdown)
        let sentences = Sentences.split(text)
        let best = sentences.first { !Set(TextTokenizer.terms($0)).isDisjoint(with: terms) } ?? sentences.first ?? text
        return best.count > 240 ? String(best.prefix(237)) + "…" : best
    }
}

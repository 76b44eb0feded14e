import Vapor

/// A search result: a section of the book.
struct SearchResult: Content, Equatable {
    let pageURL: String
    let pageTitle: String
    let section: String
    let snippet: String
    let score: Double

    enum CodingKeys: String, CodingKey {
        case pageURL = "page_url", pageTitle = "page_title", section, snippet, score
    }
}

/// The answer to `GET /api/v1/search`.
struct SearchResponse: Content {
    let query: String
    let results: [SearchResult]
}

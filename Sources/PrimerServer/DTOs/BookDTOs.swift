import PrimerCore
import Vapor

/// `GET /api/v1/book`: the table of contents.
struct BookResponse: Content {
    let pages: Int
    let toc: [TOCEntry]
}

/// `GET /api/v1/book/pages/{slug}`.
struct BookPageResponse: Content {
    let title: String
    let slug: String
    let sourcePath: String
    let markdown: String
    let html: String
    let headings: [PageRenderer.Heading]

    enum CodingKeys: String, CodingKey {
        case title, slug, sourcePath = "source_path", markdown, html, headings
    }
}

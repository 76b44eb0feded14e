import PrimerCore
import Vapor

/// `/api/v1/book`: the table of contents, the pages and "personalise this chapter";
/// `/api/v1/search`: sections matching a few words.
struct BookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let book = routes.grouped("book")
        book.get(use: tableOfContents)
        // Slugs contain slashes, so both are catch-alls; their `Allow` answers tell them apart by the last part.
        book.get("pages", "**", use: page).userInfo[MethodNotAllowed.lastPartKey] = MethodNotAllowed.LastPart.not("personalize")
        book.grouped(ReaderAuthMiddleware()).post("pages", "**", use: personalize)
            .userInfo[MethodNotAllowed.lastPartKey] = MethodNotAllowed.LastPart.is("personalize")
        routes.get("search", use: search)
    }

    @Sendable
    func tableOfContents(req: Request) throws -> BookResponse {
        let book = req.primer.library.snapshot.book
        return BookResponse(pages: book.pages.count, toc: book.tableOfContents())
    }

    @Sendable
    func page(req: Request) throws -> BookPageResponse {
        let slug = req.parameters.getCatchall().joined(separator: "/")
        let snapshot = req.primer.library.snapshot
        guard let page = snapshot.book.page(slug: slug), let (html, headings) = snapshot.rendered[slug] else {
            throw APIError.notFound("No page with slug '\(slug)'")
        }
        return BookPageResponse(title: page.title, slug: page.slug, sourcePath: page.sourcePath, markdown: page.markdown,
                                html: html, headings: headings)
    }

    /// `POST /api/v1/book/pages/{slug}/personalize`: the chapter adapted to the reader, as
    /// server-sent events `section` (`{"html"}`), then `done` (`{"level","cached","provider"}`)
    /// or `error`.
    @Sendable
    func personalize(req: Request) async throws -> Response {
        var parts = req.parameters.getCatchall()
        guard parts.last == "personalize" else { throw APIError.notFound("No such route") }
        parts.removeLast()
        let slug = parts.joined(separator: "/")
        guard let page = req.primer.library.snapshot.book.page(slug: slug) else { throw APIError.notFound("No page with slug '\(slug)'") }
        let events = ChapterPersonalizer(request: req).stream(page: page, reader: try req.reader)
        let failure = ErrorBody(detail: "The chapter could not be adapted", code: "personalize_failed", fields: nil)
        return EventStreamResponse.events(req, failure: failure) { sink in
            for try await event in events {
                switch event {
                case .section(let html):
                    try await sink.send("section", ["html": html])
                case let .done(level, cached, provider):
                    try await sink.send("done", PersonalizedDone(level: level, cached: cached, provider: provider))
                }
            }
        }
    }

    /// `GET /api/v1/search?q=…&limit=…` (limit 1–20, default 10).
    @Sendable
    func search(req: Request) throws -> SearchResponse {
        let query = (req.query[String.self, at: "q"] ?? "").trimmingWhitespace()
        guard !query.isEmpty, TextLimit.search.admits(query) else {
            throw APIError.invalidRequest("Give 1 to 200 characters to search for", fields: ["q": "must be 1 to 200 characters"])
        }
        let rawLimit = req.query[String.self, at: "limit"]
        let limit = rawLimit.map { Int($0.trimmingWhitespace()) ?? 0 } ?? 10  // `limit=` and `limit=x` are errors, not the default
        guard (1...20).contains(limit) else { throw APIError.invalidRequest("limit must be from 1 to 20", fields: ["limit": "must be from 1 to 20"]) }
        return SearchResponse(query: query, results: BookSearch.results(for: query, limit: limit, in: req.primer.library.snapshot))
    }
}

/// The `done` event of a chapter adaptation.
struct PersonalizedDone: Content {
    let level: String
    let cached: Bool
    let provider: String
}

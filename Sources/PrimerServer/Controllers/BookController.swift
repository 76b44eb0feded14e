import PrimerCore
import Vapor

/// `/api/v1/book`: the table of contents and the pages.
struct BookController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let book = routes.grouped("book")
        book.get(use: tableOfContents)
        book.get("pages", "**", use: page)
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
}

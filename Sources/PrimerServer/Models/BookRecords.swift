import Fluent
import Foundation
import PrimerCore

/// A stored book page (table `book_pages`); `content_hash` drives incremental ingest.
final class BookPageRecord: Model, @unchecked Sendable {
    static let schema = "book_pages"

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "title") var title: String
    @Field(key: "source_path") var sourcePath: String
    @OptionalField(key: "position") var position: Double?
    @Field(key: "folder") var folder: [String]
    @Field(key: "markdown") var markdown: String
    @Field(key: "content_hash") var contentHash: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(_ page: BookPage) {
        set(page)
    }

    func set(_ page: BookPage) {
        slug = page.slug
        title = page.title
        sourcePath = page.sourcePath
        position = page.position
        folder = page.folder
        markdown = page.markdown
        contentHash = page.contentHash
    }

    var page: BookPage {
        BookPage(slug: slug, title: title, sourcePath: sourcePath, position: position, folder: folder, markdown: markdown, contentHash: contentHash)
    }
}

/// A stored chunk of a page (table `book_chunks`).
final class BookChunkRecord: Model, @unchecked Sendable {
    static let schema = "book_chunks"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "page_slug") var pageSlug: String
    @Field(key: "page_title") var pageTitle: String
    @Field(key: "source_path") var sourcePath: String
    @Field(key: "headings") var headings: [String]
    @Field(key: "anchor") var anchor: String
    @Field(key: "text") var text: String
    @Field(key: "ordinal") var ordinal: Int

    init() {}

    init(_ chunk: BookChunk) {
        id = chunk.id
        pageSlug = chunk.pageSlug
        pageTitle = chunk.pageTitle
        sourcePath = chunk.sourcePath
        headings = chunk.headings
        anchor = chunk.anchor
        text = chunk.text
        ordinal = chunk.ordinal
    }

    var chunk: BookChunk {
        BookChunk(id: id ?? "", pageSlug: pageSlug, pageTitle: pageTitle, sourcePath: sourcePath, headings: headings,
                  anchor: anchor, text: text, ordinal: ordinal)
    }
}

/// A stored category label (table `book_categories`).
final class BookCategoryRecord: Model, @unchecked Sendable {
    static let schema = "book_categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "path") var path: String
    @Field(key: "label") var label: String
    @OptionalField(key: "position") var position: Double?

    init() {}

    init(_ category: BookCategory) {
        path = category.path
        label = category.label
        position = category.position
    }

    var category: BookCategory { BookCategory(path: path, label: label, position: position) }
}

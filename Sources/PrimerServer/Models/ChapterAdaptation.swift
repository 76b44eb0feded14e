import Fluent
import Foundation

/// A chapter adapted to one reading level by one provider (table `chapter_adaptations`):
/// the rendered, sanitised HTML of each section, in order, as a JSON array.
final class ChapterAdaptation: Model, @unchecked Sendable {
    static let schema = "chapter_adaptations"

    @ID(key: .id) var id: UUID?
    @Field(key: "page_slug") var pageSlug: String
    @Field(key: "content_hash") var contentHash: String
    @Field(key: "level") var level: String
    @Field(key: "provider") var provider: String
    @Field(key: "sections") var sectionsJSON: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(pageSlug: String, contentHash: String, level: String, provider: String, sections: [String]) throws {
        self.pageSlug = pageSlug
        self.contentHash = contentHash
        self.level = level
        self.provider = provider
        self.sectionsJSON = String(decoding: try JSONEncoder().encode(sections), as: UTF8.self)
    }

    var sections: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(sectionsJSON.utf8))) ?? []
    }
}

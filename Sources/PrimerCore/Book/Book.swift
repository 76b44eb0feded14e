/// One page of a book: a Markdown/MDX file with its metadata.
public struct BookPage: Sendable, Equatable {
    /// URL slug, e.g. `sensors/cameras` (the page lives at `/book/<slug>`).
    public let slug: String
    public let title: String
    /// Path of the source file relative to the book folder.
    public let sourcePath: String
    /// `sidebar_position`, or the file name's number prefix; nil sorts after numbered pages.
    public let position: Double?
    /// Folder components from the book root to the page's folder.
    public let folder: [String]
    /// The Markdown body without front matter.
    public let markdown: String
    /// Hex SHA-256 of the whole file: unchanged files are not processed again.
    public let contentHash: String

    public init(slug: String, title: String, sourcePath: String, position: Double?, folder: [String], markdown: String, contentHash: String) {
        self.slug = slug
        self.title = title
        self.sourcePath = sourcePath
        self.position = position
        self.folder = folder
        self.markdown = markdown
        self.contentHash = contentHash
    }
}

/// A folder of pages, labelled by its `_category_.json`.
public struct BookCategory: Sendable, Equatable {
    /// Folder path relative to the book root (`/`-separated).
    public let path: String
    public let label: String
    public let position: Double?

    public init(path: String, label: String, position: Double?) {
        self.path = path
        self.label = label
        self.position = position
    }
}

/// A loaded book: its pages and categories.
public struct Book: Sendable, Equatable {
    public let pages: [BookPage]
    public let categories: [BookCategory]

    public init(pages: [BookPage], categories: [BookCategory]) {
        self.pages = pages
        self.categories = categories
    }

    /// The page with `slug`, if any.
    public func page(slug: String) -> BookPage? {
        pages.first { $0.slug == slug }
    }
}

/// An entry of the table of contents: a page, or a category with children.
public struct TOCEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case page, category }

    public let kind: Kind
    public let title: String
    /// The page's slug (nil for categories).
    public let slug: String?
    public let position: Double?
    public let children: [TOCEntry]

    public init(kind: Kind, title: String, slug: String?, position: Double?, children: [TOCEntry]) {
        self.kind = kind
        self.title = title
        self.slug = slug
        self.position = position
        self.children = children
    }
}

extension Book {
    /// The sidebar tree: pages and categories ordered by position, then by name.
    public func tableOfContents() -> [TOCEntry] {
        entries(in: [])
    }

    /// Pages in reading order (a depth-first walk of the table of contents).
    public func readingOrder() -> [BookPage] {
        func walk(_ entries: [TOCEntry]) -> [String] {
            entries.flatMap { $0.kind == .page ? [$0.slug!] : walk($0.children) }
        }
        return walk(tableOfContents()).compactMap { page(slug: $0) }
    }

    private func entries(in folder: [String]) -> [TOCEntry] {
        var items: [(sortKey: (Double, String), entry: TOCEntry)] = []
        for page in pages where page.folder == folder {
            let entry = TOCEntry(kind: .page, title: page.title, slug: page.slug, position: page.position, children: [])
            items.append(((page.position ?? .infinity, page.sourcePath), entry))
        }
        let subfolders = Set(pages.filter { $0.folder.count > folder.count && Array($0.folder.prefix(folder.count)) == folder }
            .map { $0.folder[folder.count] })
        for name in subfolders {
            let path = (folder + [name]).joined(separator: "/")
            let category = categories.first { $0.path == path }
            let entry = TOCEntry(
                kind: .category, title: category?.label ?? BookLoader.humanize(name), slug: nil,
                position: category?.position ?? BookLoader.numberPrefix(of: name), children: entries(in: folder + [name]))
            items.append(((entry.position ?? .infinity, name), entry))
        }
        return items.sorted { $0.sortKey < $1.sortKey }.map(\.entry)
    }
}

import Crypto
import Foundation

/// Reads a book laid out as a Docusaurus `docs/` folder: nested folders with
/// `_category_.json`, `.md`/`.mdx` pages with front matter. Files and folders whose names
/// start with `_` or `.` are skipped, as Docusaurus does. Blocking file I/O: call it off
/// event loops.
public enum BookLoader {
    /// Problems that stop a book from loading.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case notADirectory(String)
        case duplicateSlug(String, [String])
        case unreadable(String)

        public var description: String {
            switch self {
            case .notADirectory(let path): "The book folder \(path) does not exist or is not a folder"
            case .duplicateSlug(let slug, let files): "Two pages have the slug '\(slug)': \(files.joined(separator: ", "))"
            case .unreadable(let path): "Cannot read \(path) as UTF-8 text"
            }
        }
    }

    /// Loads every page and category under `directory`.
    public static func load(directory: URL) throws -> Book {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LoadError.notADirectory(directory.path)
        }
        var pages: [BookPage] = []
        var categories: [BookCategory] = []
        try walk(directory, relative: [], pages: &pages, categories: &categories)
        let bySlug = Dictionary(grouping: pages, by: \.slug)
        if let (slug, twins) = bySlug.first(where: { $0.value.count > 1 }) {
            throw LoadError.duplicateSlug(slug, twins.map(\.sourcePath).sorted())
        }
        return Book(pages: pages.sorted { $0.sourcePath < $1.sourcePath }, categories: categories.sorted { $0.path < $1.path })
    }

    private static func walk(_ folder: URL, relative: [String], pages: inout [BookPage], categories: inout [BookCategory]) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                guard !name.hasPrefix("_") else { continue }
                try walk(url, relative: relative + [name], pages: &pages, categories: &categories)
            } else if name == "_category_.json" {
                categories.append(category(at: url, path: relative))
            } else if !name.hasPrefix("_"), name.hasSuffix(".md") || name.hasSuffix(".mdx") {
                pages.append(try page(at: url, name: name, folder: relative))
            }
        }
    }

    static func category(at url: URL, path: [String]) -> BookCategory {
        let object = (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        let label = (object["label"] as? String) ?? humanize(path.last ?? "")
        let position = (object["position"] as? NSNumber)?.doubleValue
        return BookCategory(path: path.joined(separator: "/"), label: label, position: position ?? numberPrefix(of: path.last ?? ""))
    }

    static func page(at url: URL, name: String, folder: [String]) throws -> BookPage {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError.unreadable((folder + [name]).joined(separator: "/"))
        }
        let (front, body) = FrontMatter.split(text)
        let stem = String(name[..<name.lastIndex(of: ".")!])
        let id = front["id"] ?? stripNumberPrefix(stem)
        let folderSlug = folder.map(stripNumberPrefix)
        let slug: String
        if let explicit = front["slug"] {
            slug = explicit.hasPrefix("/") ? String(explicit.drop(while: { $0 == "/" })) : (folderSlug + [explicit]).joined(separator: "/")
        } else if id.lowercased() == "index" || id.lowercased() == "readme", !folderSlug.isEmpty {
            slug = folderSlug.joined(separator: "/")
        } else {
            slug = (folderSlug + [id]).joined(separator: "/")
        }
        let title = front["title"] ?? firstHeading(in: body) ?? humanize(id)
        let position = front["sidebar_position"].flatMap(Double.init) ?? numberPrefix(of: stem)
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return BookPage(
            slug: slug.isEmpty ? "index" : slug, title: title, sourcePath: (folder + [name]).joined(separator: "/"),
            position: position, folder: folder, markdown: MDXComponents.expand(body), contentHash: hash)
    }

    /// The text of the first `# ` heading outside code blocks.
    static func firstHeading(in markdown: String) -> String? {
        for line in MarkdownLine.classify(markdown) {
            if case .heading(1, let text) = line.kind { return MarkdownText.plain(AnchorMaker.explicitID(in: text).text) }
        }
        return nil
    }

    /// `01_intro` → `intro`, `2-sensors` → `sensors` (Docusaurus number prefixes).
    public static func stripNumberPrefix(_ name: String) -> String {
        let digits = name.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty else { return name }
        let rest = name.dropFirst(digits.count)
        let separators = rest.prefix(while: { $0 == "-" || $0 == "_" || $0 == "." || $0 == " " })
        guard !separators.isEmpty, separators.count < rest.count else { return name }
        return String(rest.dropFirst(separators.count))
    }

    /// The number prefix of `01_intro` (1), or nil.
    public static func numberPrefix(of name: String) -> Double? {
        stripNumberPrefix(name) == name ? nil : Double(name.prefix(while: { $0.isASCII && $0.isNumber }))
    }

    /// `sensor-fusion` → `Sensor fusion`.
    public static func humanize(_ name: String) -> String {
        let words = stripNumberPrefix(name).replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

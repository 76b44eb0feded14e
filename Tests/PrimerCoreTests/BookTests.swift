import Foundation
@testable import PrimerCore
import Testing

/// Loading a Docusaurus-style book folder.
@Suite struct BookLoaderTests {
    /// Writes `files` (relative path → content) into a fresh folder.
    static func makeBook(_ files: [String: String]) throws -> URL {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("book-\(UUID().uuidString)")
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func frontMatterIsParsed() {
        let (front, body) = FrontMatter.split("---\ntitle: \"Hello: World\"\nsidebar_position: 2\nslug: /custom\n---\n# Body\ntext")
        #expect(front["title"] == "Hello: World")
        #expect(front["sidebar_position"] == "2")
        #expect(front["slug"] == "/custom")
        #expect(body == "# Body\ntext")
        let (none, all) = FrontMatter.split("# No front matter\n---\n")
        #expect(none.values.isEmpty && all == "# No front matter\n---\n")
    }

    @Test func slugsTitlesPositionsAndCategories() throws {
        let root = try Self.makeBook([
            "intro.md": "---\ntitle: Welcome\nsidebar_position: 1\n---\nHello.",
            "02-sensors/_category_.json": #"{"label": "Sensors", "position": 2}"#,
            "02-sensors/01_cameras.md": "# Cameras and Eyes\n\nText.",
            "02-sensors/imu.mdx": "---\nid: inertial\nsidebar_position: 1\n---\nimport X from '@site/x';\n\n# IMU\n",
            "02-sensors/custom.md": "---\nslug: /special/page\ntitle: Special\n---\nBody",
            "03-basics/index.md": "# Basics overview\n",
            "_drafts/hidden.md": "# Hidden",
            "_partial.md": "# Partial",
            "notes.txt": "not a page",
        ])
        defer { try? FileManager.default.removeItem(at: root) }
        let book = try BookLoader.load(directory: root)
        #expect(Set(book.pages.map(\.slug)) == ["intro", "sensors/cameras", "sensors/inertial", "special/page", "basics"])
        let cameras = try #require(book.page(slug: "sensors/cameras"))
        #expect(cameras.title == "Cameras and Eyes")
        #expect(cameras.sourcePath == "02-sensors/01_cameras.md")
        #expect(cameras.position == 1)
        #expect(cameras.contentHash.count == 64)
        #expect(book.page(slug: "sensors/inertial")?.title == "IMU")

        let toc = book.tableOfContents()
        #expect(toc.map(\.title) == ["Welcome", "Sensors", "Basics"])
        let sensors = try #require(toc.dropLast().last)
        #expect(sensors.kind == .category && sensors.position == 2)
        #expect(sensors.children.first?.slug == "sensors/cameras" || sensors.children.first?.slug == "sensors/inertial")
        #expect(sensors.children.map(\.slug).last == "special/page")
        #expect(book.readingOrder().first?.slug == "intro")
    }

    @Test func duplicateSlugsAreAnError() throws {
        let root = try Self.makeBook(["a.md": "---\nslug: /same\n---\n", "b.md": "---\nslug: /same\n---\n"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: BookLoader.LoadError.self) { try BookLoader.load(directory: root) }
        #expect(throws: BookLoader.LoadError.notADirectory(root.path + "/missing")) {
            try BookLoader.load(directory: root.appendingPathComponent("missing"))
        }
    }

    @Test func numberPrefixes() {
        #expect(BookLoader.stripNumberPrefix("01_intro") == "intro")
        #expect(BookLoader.stripNumberPrefix("2-sensors") == "sensors")
        #expect(BookLoader.stripNumberPrefix("2024") == "2024")
        #expect(BookLoader.stripNumberPrefix("3d-vision") == "3d-vision")
        #expect(BookLoader.numberPrefix(of: "05_vla") == 5)
    }

    @Test func sharedCorpusLoads() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book/book-source/docs")
        let book = try BookLoader.load(directory: docs)
        #expect(book.pages.count == 6)
        #expect(book.readingOrder().map(\.slug) == ["intro", "ros2", "gazebo", "isaac", "vla", "capstone"])
        #expect(book.page(slug: "ros2")?.title == "Chapter 2: ROS 2 Fundamentals")
    }
}

/// Markdown cleaning and anchors.
@Suite struct MarkdownTextTests {
    @Test func mdxAndAdmonitionsAreStripped() {
        let lines = MarkdownText.cleanLines("""
        import Tabs from '@theme/Tabs';
        export const x = 1;
        :::tip Try it
        Run the node.
        :::
        <Tabs>
        <TabItem value="py" label="Python">
        Text inside <b>bold</b> stays, and a < b stays.
        The **Inertia Tensor** (`<inertia>`) stays in inline code.
        </TabItem>
        </Tabs>
        ```python
        import rclpy  # code is untouched
        <Tag>
        ```
        """)
        let text = lines.joined(separator: "\n")
        #expect(!text.contains("@theme") && !text.contains("export const"))
        #expect(text.contains("**Tip: Try it**"))
        #expect(text.contains("Run the node."))
        #expect(!text.contains("<Tabs>") && !text.contains("TabItem"))
        #expect(text.contains("Text inside bold stays, and a < b stays."))
        #expect(text.contains("The **Inertia Tensor** (`<inertia>`) stays in inline code."))
        #expect(text.contains("import rclpy  # code is untouched\n<Tag>"))
    }

    @Test func mdxCommentsAreTheAuthorsNotesAndLeftOut() {
        let text = MarkdownText.cleanLines("""
        {/* TODO: Add hero image - Isaac Sim interface */}
        {/* File: static/img/hero.webp */}
        Isaac Sim runs on an RTX GPU. {/* check the minimum driver */} It needs 32 GB of RAM.
        {/* A note over
        two lines */}
        The launcher installs it.
        ```js
        {/* kept: code is untouched */}
        ```
        """).joined(separator: "\n")
        #expect(!text.contains("TODO") && !text.contains("hero.webp") && !text.contains("driver") && !text.contains("two lines"), "\(text)")
        #expect(text.contains("Isaac Sim runs on an RTX GPU.  It needs 32 GB of RAM."))
        #expect(text.contains("The launcher installs it."))
        #expect(text.contains("{/* kept: code is untouched */}"))
    }

    @Test func anchorsFollowDocusaurus() {
        var maker = AnchorMaker()
        #expect(maker.anchor(for: "What is ROS 2?") == "what-is-ros-2")
        #expect(maker.anchor(for: "Installation & Setup") == "installation--setup")
        #expect(maker.anchor(for: "What is ROS 2?") == "what-is-ros-2-1")
        #expect(maker.anchor(for: "Custom {#my-id}") == "my-id")
        #expect(maker.anchor(for: "The `rclpy` **API**") == "the-rclpy-api")
    }

    @Test func inlineMarkupFlattens() {
        #expect(MarkdownText.plain("See [the docs](http://x.io) and **bold** `code`, snake_case") == "See the docs and bold code, snake_case")
    }
}

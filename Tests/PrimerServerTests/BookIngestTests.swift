import FluentKit
import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing

/// `primer ingest`: incremental, transactional storage of the book, and the book API.
@Suite struct BookIngestTests {
    static func writeBook(_ files: [String: String], into root: URL? = nil) throws -> URL {
        let root = root ?? URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("book-\(UUID().uuidString)")
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return root
    }

    static let sample: [String: String] = [
        "intro.md": "---\ntitle: Welcome\nsidebar_position: 1\n---\n# Welcome\n\nPhysical AI puts intelligence in a body.\n\n## Why now\n\nSensors got cheap.",
        "motors/_category_.json": #"{"label": "Motors", "position": 2}"#,
        "motors/servos.md": "# Servo motors\n\nA servo motor is a motor with a position sensor.\n\n## Control loop\n\n```python\n# not a heading\nangle = read()\n```\n\nIt corrects errors.",
        "motors/steppers.mdx": "import Tabs from '@theme/Tabs';\n\n# Stepper motors\n\n:::note\nSteppers move in steps.\n:::\n",
    ]

    /// Runs `body` on a server on `db` that has ingested the sample book, written to a
    /// temporary folder (`root`) that is removed afterwards.
    func withIngestedSample(_ db: TestDatabase, _ body: (TestServer, URL) async throws -> Void) async throws {
        let root = try Self.writeBook(Self.sample)
        defer { try? FileManager.default.removeItem(at: root) }
        try await withServer(db) { server in
            _ = try await BookSync.ingest(directory: root.path, on: server.app)
            try await body(server, root)
        }
    }

    func chunkCount(_ server: TestServer) async throws -> Int? {
        try await server.sql.raw("SELECT COUNT(*) AS n FROM book_chunks").first()?.decode(column: "n", as: Int.self)
    }

    @Test(arguments: TestDatabase.allCases)
    func ingestIsIncremental(db: TestDatabase) async throws {
        let root = try Self.writeBook(Self.sample)
        defer { try? FileManager.default.removeItem(at: root) }
        try await withServer(db) { server in
            let first = try await BookSync.ingest(directory: root.path, on: server.app)
            #expect(first.added == 3 && first.updated == 0 && first.removed == 0)
            let total = try await chunkCount(server)
            #expect(total == first.chunks)

            let again = try await BookSync.ingest(directory: root.path, on: server.app)
            #expect(again == IngestReport(unchanged: 3))

            try "# Servo motors\n\nRewritten text about servos.".write(to: root.appendingPathComponent("motors/servos.md"), atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(at: root.appendingPathComponent("motors/steppers.mdx"))
            let third = try await BookSync.ingest(directory: root.path, on: server.app)
            #expect(third.updated == 1 && third.removed == 1 && third.unchanged == 1 && third.added == 0)
            let texts = try await server.sql.raw("SELECT text, source_path FROM book_chunks").all()
                .map { (try $0.decode(column: "text", as: String.self), try $0.decode(column: "source_path", as: String.self)) }
            #expect(!texts.contains { $0.1 == "motors/steppers.mdx" })
            #expect(texts.contains { $0.0.contains("Rewritten text about servos.") })
            #expect(!texts.contains { $0.0.contains("position sensor") })
            #expect(server.app.primer.library.snapshot.book.pages.count == 2)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func pagesAnOlderPrimerReadDifferentlyAreIndexedAgain(db: TestDatabase) async throws {
        try await withIngestedSample(db) { server, root in
            // As an older Primer left it: the file's own hash, and chunks cut the old way.
            try await server.sql.raw("UPDATE book_pages SET content_hash = 'file-hash-only' WHERE source_path = 'motors/servos.md'").run()
            try await server.sql.raw("UPDATE book_chunks SET text = 'stale cut' WHERE source_path = 'motors/servos.md'").run()
            let upgraded = try await BookSync.ingest(directory: root.path, on: server.app)
            #expect(upgraded.updated == 1 && upgraded.unchanged == 2 && upgraded.added == 0, "\(upgraded)")
            let texts = try await server.sql.raw("SELECT text FROM book_chunks WHERE source_path = 'motors/servos.md'").all()
                .map { try $0.decode(column: "text", as: String.self) }
            #expect(!texts.isEmpty && !texts.contains("stale cut") && texts.contains { $0.contains("position sensor") })
            #expect(try await BookSync.ingest(directory: root.path, on: server.app) == IngestReport(unchanged: 3))
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aFailureMidIngestLeavesThePreviousIndex(db: TestDatabase) async throws {
        try await withIngestedSample(db) { server, root in
            let before = try await server.sql.raw("SELECT id, text FROM book_chunks ORDER BY id").all()
                .map { try $0.decode(column: "text", as: String.self) }
            for (path, text) in ["intro.md": "# Welcome\n\nNew intro.", "motors/servos.md": "# Servos\n\nNew servos."] {
                try text.write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
            }
            let book = try BookLoader.load(directory: root)
            var ingester = BookIngester()
            ingester.afterPage = { index in if index == 1 { throw TestSetupError("killed mid-ingest") } }
            await #expect(throws: TestSetupError.self) {
                try await ingester.ingest(book, on: server.app.db, writes: server.app.primer.writes)
            }
            let after = try await server.sql.raw("SELECT id, text FROM book_chunks ORDER BY id").all()
                .map { try $0.decode(column: "text", as: String.self) }
            #expect(after == before)
            let hashes = try await server.sql.raw("SELECT content_hash FROM book_pages").all().count
            #expect(hashes == 3)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func bookAPIServesTheTableOfContentsAndPages(db: TestDatabase) async throws {
        try await withIngestedSample(db) { server, _ in
            let toc = try await server.send(.GET, "/api/v1/book")
            #expect(toc.status == .ok)
            #expect(toc.json["pages"] as? Int == 3)
            let entries = try #require(toc.json["toc"] as? [[String: Any]])
            #expect(entries.map { $0["title"] as? String } == ["Welcome", "Motors"])
            let motors = try #require(entries.last?["children"] as? [[String: Any]])
            #expect(Set(motors.compactMap { $0["slug"] as? String }) == ["motors/servos", "motors/steppers"])

            let page = try await server.send(.GET, "/api/v1/book/pages/motors/servos")
            #expect(page.status == .ok)
            #expect(page.json["title"] as? String == "Servo motors")
            #expect(page.json["source_path"] as? String == "motors/servos.md")
            #expect((page.json["markdown"] as? String)?.contains("# not a heading") == true)
            let html = try #require(page.json["html"] as? String)
            #expect(html.contains(#"<h2 id="control-loop">Control loop</h2>"#))
            #expect(html.contains("<code"))
            let headings = try #require(page.json["headings"] as? [[String: Any]])
            #expect(headings.map { $0["anchor"] as? String } == ["control-loop"])

            let mdx = try await server.send(.GET, "/api/v1/book/pages/motors/steppers")
            #expect((mdx.json["html"] as? String)?.contains("@theme") == false)

            let missing = try await server.send(.GET, "/api/v1/book/pages/nope")
            #expect(missing.status == .notFound && missing.code == "not_found")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func sharedCorpusIngests(db: TestDatabase) async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book/book-source/docs")
        try await withServer(db) { server in
            let report = try await BookSync.ingest(directory: docs.path, on: server.app)
            #expect(report.added == 6 && report.chunks > 100)
            let snapshot = server.app.primer.library.snapshot
            #expect(snapshot.chunks.count == report.chunks)
            let hits = try await snapshot.lexical.search("ROS 2 topics publish subscribe", limit: 5, pageSlug: nil)
            #expect(snapshot.chunksByID[hits.first?.id ?? ""]?.sourcePath == "02_ros2.md")
        }
    }
}

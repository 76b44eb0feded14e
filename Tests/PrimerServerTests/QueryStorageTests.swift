import FluentKit
import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing
import Vapor

/// How answered questions reach the database (group commit) and the SQLite tuning and
/// hand-written JSON that keep `/api/v1/query` fast.
@Suite struct QueryStorageTests {
    @Test(arguments: TestDatabase.allCases)
    func concurrentQuestionsAreAllStoredBeforeTheyAreAnswered(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.rateLimits.queryAnonymous = RateLimitRule(count: 1000, seconds: 60) }) { server in
            try await server.ingest()
            let questions = (0..<24).map { "What are servo motors? (\($0))" }
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for question in questions {
                    group.addTask {
                        let response = try await server.send(.POST, "/api/v1/query", json: ["query": question])
                        #expect(response.status == .ok)
                        let id = response.json["query_id"] as? String ?? ""
                        // Feedback right away: the row is committed before the answer is sent.
                        let feedback = try await server.send(.POST, "/api/v1/query/\(id)/feedback", json: ["helpful": true])
                        #expect(feedback.status == .ok, "\(feedback.text)")
                        return id
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(ids).count == questions.count)
            let rows = try await ChatQuery.query(on: server.app.db).all()
            #expect(rows.count == questions.count)
            #expect(Set(rows.map(\.query)) == Set(questions))
            #expect(rows.allSatisfy { $0.helpful == true && $0.createdAt != nil && $0.answered && $0.sourcesCount > 0 })
            #expect(Set(rows.compactMap { $0.id?.uuidString }) == Set(ids))
        }
    }

    @Test func sqliteRunsInWALModeWithNormalSyncOnEveryPooledConnection() async throws {
        try await withServer(.sqlite) { server in
            let mode = try await server.sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            #expect(mode == "wal")
            for loop in server.app.eventLoopGroup.makeIterator() {
                let db = try #require(server.app.databases.database(logger: server.app.logger, on: loop))
                let level = try await db.withConnection { connection in
                    try await (connection as! any SQLDatabase).raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                }
                #expect(level == 1, "synchronous on \(loop)")  // 1 = NORMAL (SQLite's default is 2 = FULL)
            }
        }
    }

    @Test func responseJSONRoundTripsWithTrickyText() throws {
        let tricky = "Quotes \" and \\ backslash, new\nline, tab\t, CR\r, bell \u{07}, NUL \u{00}, é, 漢字, 🤖, </script>"
        let response = QueryResponse(
            queryID: UUID(), conversationID: UUID(), answer: tricky, answered: true, notCovered: ["Kalibr", tricky],
            sources: [
                SourceResponse(pageURL: "/book/intro#what-is-it", pageTitle: "Intro \"1\"", section: "A › B", sourcePath: "01_intro.md",
                               chunkText: tricky + "\n\n```python\nprint('x')\n```", relevanceScore: 0.1234),
                SourceResponse(pageURL: "", pageTitle: "", section: "", sourcePath: "", chunkText: "", relevanceScore: 1e-05, role: .closest),
            ],
            personalizationApplied: false, personalizedFor: nil, chunksRetrieved: 2, responseTimeMs: 34.0)
        let data = try APIJSON.encoder.encode(response)
        let written = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(written["personalized_for"] is NSNull)  // present, null when signed out
        let decoded = try JSONDecoder().decode(QueryResponse.self, from: data)
        #expect(decoded.answer == tricky && decoded.sources == response.sources && decoded.notCovered == ["Kalibr", tricky])
    }

    @Test func jsonBodiesAreRecognisedByMediaTypeOnly() {
        #expect(Request.isJSON("application/json"))
        #expect(Request.isJSON("application/json; charset=utf-8"))
        #expect(Request.isJSON("Application/JSON ;charset=UTF-8"))
        #expect(!Request.isJSON("application/jsonx"))
        #expect(!Request.isJSON("text/plain"))
        #expect(!Request.isJSON(nil))
    }
}

import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing
import Vapor

/// `POST /api/v1/book/pages/{slug}/personalize`: "Personalise this chapter".
@Suite struct PersonalizeTests {
    static let path = "/api/v1/book/pages/actuators-and-motors/servos-and-gearing/personalize"

    /// The `section` HTML pieces and the `done` object of a personalisation stream.
    static func read(_ response: TestResponse) -> (sections: [String], done: [String: Any]?) {
        let events = StreamingTests.events(response.text)
        let sections = events.filter { $0.0 == "section" }.compactMap { ($0.1 as? [String: Any])?["html"] as? String }
        return (sections, events.last { $0.0 == "done" }?.1 as? [String: Any])
    }

    @Test(arguments: TestDatabase.allCases)
    func extractiveAdaptationFollowsTheLevelAndIsCached(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let beginner = try await server.signUp(extra: ["software_experience": "Beginner"])
            let first = Self.read(try await server.send(.POST, Self.path, json: [:], token: beginner.accessToken))
            let done = try #require(first.done)
            #expect(done["level"] as? String == "Beginner" && done["cached"] as? Bool == false && done["provider"] as? String == "extractive")
            #expect(first.sections.first?.hasPrefix("<aside class=\"key-terms\">") == true)
            #expect(first.sections.contains { $0.contains("<details class=\"folded\"><summary>Formula</summary>") })
            #expect(!first.sections.joined().contains("<script"))

            let second = Self.read(try await server.send(.POST, Self.path, json: [:], token: beginner.accessToken))
            #expect(second.done?["cached"] as? Bool == true)
            #expect(second.sections == first.sections)

            let advanced = try await server.signUp(extra: ["software_experience": "Advanced"])
            let other = Self.read(try await server.send(.POST, Self.path, json: [:], token: advanced.accessToken))
            #expect(other.done?["level"] as? String == "Advanced" && other.done?["cached"] as? Bool == false)
            #expect(other.sections.first?.contains("At a glance") == true)
            #expect(other.sections != first.sections)
            let rows = try await server.sql.raw("SELECT COUNT(*) AS n FROM chapter_adaptations").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 2)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func personalisationNeedsASignedInReaderAndAPage(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let anonymous = try await server.send(.POST, Self.path, json: [:])
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.code == "not_authenticated")
            let reader = try await server.signUp()
            let missing = try await server.send(.POST, "/api/v1/book/pages/nope/personalize", json: [:], token: reader.accessToken)
            #expect(missing.status == .notFound)
            let wrongVerb = try await server.send(.POST, "/api/v1/book/pages/intro", json: [:], token: reader.accessToken)
            #expect(wrongVerb.status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aLanguageModelRewritesEachSectionOnce(db: TestDatabase) async throws {
        try await FakeProvider.withOpenAIChat(db, answer: { req, fake in
            let number = fake.requests.count
            let stream = FakeProvider.openAIStream(["## Part \(number)\n\nSimple <b>words</b> ", "for you."])
            return Response(status: .ok, headers: ["Content-Type": "text/event-stream"], body: .init(string: stream))
        }) { server, fake in
            try await server.ingest()
            let reader = try await server.signUp(extra: ["software_experience": "Beginner", "interests": ["drones"]])
            let result = Self.read(try await server.send(.POST, Self.path, json: [:], token: reader.accessToken))
            let page = try #require(server.app.primer.library.snapshot.book.page(slug: "actuators-and-motors/servos-and-gearing"))
            let sections = ChapterPersonalizer.sections(of: page.markdown)
            #expect(sections.count > 3)
            #expect(fake.requests.count == sections.count)
            #expect(result.sections.count == sections.count)
            #expect(result.sections.first?.contains("Simple words for you.") == true, "model output is sanitised: \(result.sections.first ?? "")")
            #expect(!result.sections.joined().contains("<b>"))
            #expect(result.done?["provider"] as? String == "openai")
            let sent = try #require(fake.requests.first.flatMap { jsonObject(Data($0.utf8)) })
            let messages = try #require(sent["messages"] as? [[String: Any]])
            #expect((messages.first?["content"] as? String)?.lowercased().contains("beginner") == true)
            #expect((messages.first?["content"] as? String)?.contains("drones") == true)
            #expect((messages.last?["content"] as? String)?.contains(sections[0].prefix(40)) == true)

            let cached = Self.read(try await server.send(.POST, Self.path, json: [:], token: reader.accessToken))
            #expect(cached.done?["cached"] as? Bool == true)
            #expect(cached.sections == result.sections)
            #expect(fake.requests.count == sections.count, "the second request is served from the cache")
        }
    }

    @Test func aFailingModelShowsTheOriginalSectionsAndCachesNothing() async throws {
        try await FakeProvider.withOpenAIChat(.sqlite, answer: { req, fake in
            return Response(status: .serviceUnavailable, body: .init(string: #"{"error": {"message": "down"}}"#))
        }) { server, fake in
            try await server.ingest()
            let reader = try await server.signUp()
            let result = Self.read(try await server.send(.POST, Self.path, json: [:], token: reader.accessToken))
            #expect(result.sections.first?.contains("<h1 id=\"servos-gears-and-compliant-actuators\">") == true)
            #expect(result.done?["cached"] as? Bool == false)
            #expect(server.logs.all.contains { $0.hasPrefix("warning Chapter rewrite by openai failed") })
            let rows = try await server.sql.raw("SELECT COUNT(*) AS n FROM chapter_adaptations").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 0)
        }
    }
}

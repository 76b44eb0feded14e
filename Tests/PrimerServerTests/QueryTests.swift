import FluentKit
import Foundation
@testable import PrimerCore
@testable import PrimerServer
import SQLKit
import Testing

/// `POST /api/v1/query`: grounded, personalised answers from the book.
@Suite struct QueryTests {
    static let question = "What are servo motors?"

    /// The answer is the book's text: its citations run [1] … [sources.count] in order of first
    /// use (every source cited), the text before each marker is a run of words of that source,
    /// and every other word (lists, code, a heading label, the "Key terms" line) comes from the
    /// sources or the book's definitions.
    static func expectGrounded(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        let answer = response.json["answer"] as? String ?? ""
        let listed = response.json["sources"] as? [[String: Any]] ?? []
        // Answers show formulas in their readable form: compare with the sources' readable form.
        let sources = listed.compactMap { ($0["chunk_text"] as? String).map(MathSpans.readable) }
        #expect(AnswerChecks.citesExactly(answer, sourceCount: sources.count), "citations: \(answer)", sourceLocation: sourceLocation)
        #expect(AnswerChecks.danglingFragments(answer).isEmpty, "dangling: \(answer)", sourceLocation: sourceLocation)
        let markers = try! NSRegularExpression(pattern: #"\s*\[(\d+)\]"#)
        var known = Set(sources.flatMap { AnswerChecks.words($0.replacingOccurrences(of: "_", with: " ")) })
        known.formUnion(listed.flatMap { AnswerChecks.words(($0["section"] as? String) ?? "") })
        // The "Key terms" list (the book's definitions) ends the answer.
        let body = answer.components(separatedBy: "\n\n**Key terms:**").first ?? answer
        for piece in body.components(separatedBy: "\n\n") where !piece.isEmpty {
            let unknown = AnswerChecks.words(piece.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression))
                .filter { !known.contains($0) }
            #expect(unknown.isEmpty, "words from nowhere: \(unknown) in \(piece)", sourceLocation: sourceLocation)
            var start = piece.startIndex
            for match in markers.matches(in: piece, range: NSRange(piece.startIndex..., in: piece)) {
                let range = Range(match.range, in: piece)!
                let sentence = Sentences.split(String(piece[start..<range.lowerBound])).last ?? ""
                let n = Int(piece[Range(match.range(at: 1), in: piece)!])!
                if n >= 1 && n <= sources.count, !sentence.hasPrefix("**") {
                    let words = AnswerChecks.words(sentence.replacingOccurrences(of: "_", with: " "))
                    #expect(AnswerChecks.containsRun(AnswerChecks.words(sources[n - 1].replacingOccurrences(of: "_", with: " ")), words),
                            "not in source \(n): \(sentence)", sourceLocation: sourceLocation)
                }
                start = range.upperBound
            }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func signedOutAnswerIsGroundedAndStored(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question])
            #expect(response.status == .ok)
            #expect(response.json["answered"] as? Bool == true)
            #expect(response.json["personalization_applied"] as? Bool == false)
            let sources = try #require(response.json["sources"] as? [[String: Any]])
            #expect(!sources.isEmpty && sources.count <= 5)
            #expect((response.json["chunks_retrieved"] as? Int ?? 0) >= sources.count)  // only the cited passages are sources
            #expect(sources.allSatisfy { ($0["page_url"] as? String)?.hasPrefix("/book/") == true && $0["source_path"] is String })
            #expect(sources.contains { ($0["chunk_text"] as? String)?.lowercased().contains("servo") == true })
            #expect((response.json["answer"] as? String)?.lowercased().contains("servo") == true)
            Self.expectGrounded(response)
            let row = try await server.sql.raw("SELECT query, answered, personalization_applied, provider, sources_count, user_id FROM chat_queries").first()
            #expect(try row?.decode(column: "query", as: String.self) == Self.question)
            #expect(try row?.decode(column: "provider", as: String.self) == "extractive")
            #expect(try row?.decode(column: "sources_count", as: Int.self) == sources.count)
            #expect(try row?.decode(column: "user_id", as: UUID?.self) == nil)
        }
    }

    /// The plan's story: Beginner → Advanced → signed out, each answer measurably different.
    @Test(arguments: TestDatabase.allCases)
    func answersFollowTheProfile(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let reader = try await server.signUp(extra: ["software_experience": "Beginner", "hardware_experience": "None"])
            let beginner = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question], token: reader.accessToken)
            #expect(beginner.json["personalization_applied"] as? Bool == true)
            let beginnerAnswer = try #require(beginner.json["answer"] as? String)
            #expect(MarkdownText.plain(beginnerAnswer).hasPrefix("A servo motor is"), "beginners get the definition first: \(beginnerAnswer)")
            #expect(!beginnerAnswer.contains("```"))
            Self.expectGrounded(beginner)

            _ = try await server.send(.PUT, "/api/v1/profile", json: ["software_experience": "Advanced", "programming_background": "Advanced",
                                                                       "hardware_experience": "Advanced"], token: reader.accessToken)
            let advanced = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question], token: reader.accessToken)
            let advancedAnswer = try #require(advanced.json["answer"] as? String)
            #expect(advanced.json["personalization_applied"] as? Bool == true)
            #expect(advancedAnswer != beginnerAnswer)
            Self.expectGrounded(advanced)
            // The beginner's answer reads easier (Flesch–Kincaid grade).
            let beginnerGrade = try #require(ReadingGrade.of(beginnerAnswer)), advancedGrade = try #require(ReadingGrade.of(advancedAnswer))
            #expect(beginnerGrade < advancedGrade, "beginner \(beginnerGrade) vs advanced \(advancedGrade)")

            _ = try await server.send(.POST, "/api/v1/auth/signout", token: reader.accessToken)
            let signedOut = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question], token: reader.accessToken)
            #expect(signedOut.status == .ok)
            #expect(signedOut.json["personalization_applied"] as? Bool == false)
            let anonymous = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question])
            #expect(signedOut.json["answer"] as? String == anonymous.json["answer"] as? String)
            #expect(anonymous.json["answer"] as? String != advancedAnswer)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func unrelatedQuestionsAreNotAnswered(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "How do I bake sourdough bread at home?"])
            #expect(response.status == .ok)
            #expect(response.json["answered"] as? Bool == false)
            #expect((response.json["answer"] as? String)?.hasPrefix("The book doesn't cover \"How do I bake sourdough bread at home?\"") == true)
            #expect(response.json["not_covered"] as? [String] == [])
            let sources = response.json["sources"] as? [[String: Any]] ?? []
            #expect(sources.allSatisfy { $0["role"] as? String == "closest" })
        }
    }

    /// A question about something the book never names (Kalibr) in a book that explains
    /// cameras: refused in the reader's words, with the closest sections as links, not citations.
    @Test(arguments: TestDatabase.allCases)
    func aNameTheBookNeverMentionsIsRefusedWithTheClosestSections(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let question = "How do I calibrate my stereo camera with Kalibr?"
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": question])
            #expect(response.status == .ok)
            #expect(response.json["answered"] as? Bool == false)
            #expect(response.json["not_covered"] as? [String] == ["Kalibr"])
            let answer = response.json["answer"] as? String ?? ""
            #expect(answer.hasPrefix("The book doesn't cover Kalibr."))
            #expect(!answer.contains("["), "nothing is composed or cited from the closest sections")
            let sources = try #require(response.json["sources"] as? [[String: Any]])
            #expect((1...QueryService.closestLimit).contains(sources.count))
            #expect(sources.allSatisfy { $0["role"] as? String == "closest" })
            #expect(sources.contains { ($0["page_url"] as? String)?.contains("sensors") == true }, "\(sources.map { $0["page_url"] ?? "" })")
            #expect(Set(sources.compactMap { $0["page_url"] as? String }).count == sources.count, "one link per section")
            let row = try #require(try await server.sql.raw("SELECT answered, sources_count FROM chat_queries").first())
            #expect(try row.decode(column: "answered", as: Bool.self) == false)
            #expect(try row.decode(column: "sources_count", as: Int.self) == sources.count)
        }
    }

    /// The book explains PID control but names no Cohen–Coon rules: the covered part is
    /// answered and the answer says plainly what is missing.
    @Test(arguments: TestDatabase.allCases)
    func aPartlyCoveredQuestionIsAnsweredWithTheMissingPartNamed(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let question = "How does a PID controller work, and how do I tune it with the Cohen-Coon method?"
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": question])
            #expect(response.json["answered"] as? Bool == true)
            #expect(response.json["not_covered"] as? [String] == ["Cohen-Coon"])
            let answer = response.json["answer"] as? String ?? ""
            #expect(answer.hasPrefix("The book doesn't cover Cohen-Coon, so this answers only the rest of your question.\n\n"))
            let sources = try #require(response.json["sources"] as? [[String: Any]])
            #expect(sources.allSatisfy { $0["role"] as? String == "citation" })
            #expect(sources.contains { ($0["page_url"] as? String)?.contains("pid-control") == true })
            #expect(answer.contains("[1]"))
        }
    }

    /// An answer quoting a formula shows it readably (u(t) = Kₚ e(t) + …), never TeX commands.
    @Test func formulasInAnswersAreReadable() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "Show me the equation for the PID controller output"])
            let answer = response.json["answer"] as? String ?? ""
            #expect(answer.contains("$$") && answer.contains("Kₚ"), "\(answer)")
            #expect(!answer.contains("\\"), "no TeX command: \(answer)")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func selectedTextIsTheFirstSourceAndNothingComesFromOtherPages(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let snapshot = server.app.primer.library.snapshot
            let home = try #require(snapshot.chunks.first { $0.text.contains("gear ratio") && !$0.text.contains("```") })
            let selection = Sentences.split(home.text).prefix(2).joined(separator: " ")
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "What does this mean for servo motors?", "selected_text": selection])
            #expect(response.json["answered"] as? Bool == true)
            let sources = try #require(response.json["sources"] as? [[String: Any]])
            #expect(sources.first?["chunk_text"] as? String == home.text)  // the part of the book holding it
            #expect(sources.first?["page_url"] as? String == home.url)
            // Anything else cited is its place on the same page (the enclosing section, its own section).
            #expect(sources.allSatisfy { $0["source_path"] as? String == home.sourcePath }, "\(sources)")
            Self.expectGrounded(response)

            // The answer explains the selection, it doesn't echo it.
            let answer = try #require(response.json["answer"] as? String)
            #expect(!AnswerChecks.echoes(answer, selection: selection), "\(answer)")

            // Text pasted from elsewhere is searched for in the book with the question: an ordinary cited answer.
            let outside = try await server.send(.POST, "/api/v1/query", json: ["query": "What is a servo?", "selected_text": "Robots need power. Batteries store it."])
            let outsideSources = try #require(outside.json["sources"] as? [[String: Any]])
            #expect(!outsideSources.isEmpty && outsideSources.allSatisfy { ($0["page_url"] as? String)?.hasPrefix("/book/") == true })
            Self.expectGrounded(outside)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aProfileFailureFallsBackToTheDefault(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.authCacheSeconds = 0 }) { server in
            try await server.ingest()
            let reader = try await server.signUp()
            try await server.sql.raw("DROP TABLE profiles").run()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question], token: reader.accessToken)
            #expect(response.status == .ok)
            #expect(response.json["answered"] as? Bool == true)
            #expect(response.json["personalization_applied"] as? Bool == false)
            #expect(server.logs.all.contains { $0.hasPrefix("warning Could not load the reader's profile") })
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func chapterRestrictsTheSearch(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let response = try await server.send(.POST, "/api/v1/query", json: ["query": "What is a servo motor?", "chapter": "glossary"])
            let sources = try #require(response.json["sources"] as? [[String: Any]])
            #expect(!sources.isEmpty)
            #expect(sources.allSatisfy { $0["source_path"] as? String == "glossary.md" })
            let bad = try await server.send(.POST, "/api/v1/query", json: ["query": "servo", "chapter": "no-such-page"])
            #expect(bad.status == .notFound && bad.code == "not_found")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func invalidQueriesAre400(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let cases: [([String: Any], String)] = [
                ([:], "query"), (["query": "   "], "query"), (["query": String(repeating: "a", count: 2001)], "query"),
                (["query": "x", "max_results": 0], "max_results"), (["query": "x", "max_results": 21], "max_results"),
                (["query": "x", "selected_text": String(repeating: "s", count: 8001)], "selected_text"),
                (["query": "x", "conversation_id": "nope"], "conversation_id"),
            ]
            for (body, field) in cases {
                let response = try await server.send(.POST, "/api/v1/query", json: body)
                #expect(response.status == .badRequest, "\(field)")
                #expect(response.fields[field] != nil, "\(field): \(response.text)")
            }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func followUpsUseTheConversation(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let reader = try await server.signUp()
            let first = try await server.send(.POST, "/api/v1/query", json: ["query": "What is a series elastic actuator?"], token: reader.accessToken)
            let conversation = try #require(first.json["conversation_id"] as? String)
            let follow = try await server.send(.POST, "/api/v1/query", json: ["query": "Why is it useful?", "conversation_id": conversation], token: reader.accessToken)
            #expect(follow.json["conversation_id"] as? String == conversation)
            #expect(follow.json["answered"] as? Bool == true)
            let sources = try #require(follow.json["sources"] as? [[String: Any]])
            #expect(sources.contains { ($0["section"] as? String)?.lowercased().contains("elastic") == true || ($0["chunk_text"] as? String)?.lowercased().contains("elastic") == true })
            // Someone else cannot continue it.
            let stranger = try await server.signUp()
            let hijack = try await server.send(.POST, "/api/v1/query", json: ["query": "And then?", "conversation_id": conversation], token: stranger.accessToken)
            #expect(hijack.status == .notFound)
            let anonymous = try await server.send(.POST, "/api/v1/query", json: ["query": "And then?", "conversation_id": conversation])
            #expect(anonymous.status == .notFound)
        }
    }

    /// A question with its own subject is answered on its own inside a conversation; one that
    /// refers back ("explain it simply") is answered about the conversation's subject.
    @Test(arguments: TestDatabase.allCases)
    func aNewTopicInAConversationIsNotMixedWithTheOldOne(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let first = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
            let conversation = try #require(first.json["conversation_id"] as? String)
            let alone = try await server.send(.POST, "/api/v1/query", json: ["query": "How does a robot build a map while tracking its position?"])
            let inside = try await server.send(.POST, "/api/v1/query", json: ["query": "How does a robot build a map while tracking its position?",
                                                                              "conversation_id": conversation])
            #expect(inside.json["answer"] as? String == alone.json["answer"] as? String)
            let sources = try #require(inside.json["sources"] as? [[String: Any]])
            #expect(!sources.isEmpty && sources.allSatisfy { ($0["chunk_text"] as? String)?.lowercased().contains("servo") != true }, "\(sources)")

            let servo = try await server.send(.POST, "/api/v1/query", json: ["query": "What are servo motors?"])
            let servoConversation = try #require(servo.json["conversation_id"] as? String)
            let simpler = try await server.send(.POST, "/api/v1/query", json: ["query": "Can you explain it more simply?", "conversation_id": servoConversation])
            #expect(simpler.json["answered"] as? Bool == true)
            let simplerSources = try #require(simpler.json["sources"] as? [[String: Any]])
            #expect(simplerSources.contains { ($0["chunk_text"] as? String)?.lowercased().contains("servo") == true }, "\(simpler.json["answer"] ?? "") \(simplerSources.map { $0["section"] ?? "" })")
            Self.expectGrounded(simpler)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func feedbackIsRecorded(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let answer = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question])
            let id = try #require(answer.json["query_id"] as? String)
            let ok = try await server.send(.POST, "/api/v1/query/\(id)/feedback", json: ["helpful": false, "comment": " Too short "])
            #expect(ok.status == .ok)
            let row = try await server.sql.raw("SELECT helpful, feedback_comment FROM chat_queries").first()
            #expect(try row?.decode(column: "helpful", as: Bool?.self) == false)
            #expect(try row?.decode(column: "feedback_comment", as: String?.self) == "Too short")
            #expect(try await server.send(.POST, "/api/v1/query/\(id)/feedback", json: [String: Any]()).status == .badRequest)
            #expect(try await server.send(.POST, "/api/v1/query/\(UUID())/feedback", json: ["helpful": true]).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func queryRateLimitsAreSeparateForReadersAndAddresses(db: TestDatabase) async throws {
        try await withServer(db, configure: {
            $0.rateLimits.queryAnonymous = RateLimitRule(count: 2, seconds: 60)
            $0.rateLimits.query = RateLimitRule(count: 3, seconds: 60)
        }) { server in
            try await server.ingest()
            var anonymous: [UInt] = []
            for _ in 0..<3 { anonymous.append(try await server.send(.POST, "/api/v1/query", json: ["query": "servo"]).status.code) }
            #expect(anonymous == [200, 200, 429])
            let reader = try await server.signUp()
            var signedIn: [UInt] = []
            for _ in 0..<4 { signedIn.append(try await server.send(.POST, "/api/v1/query", json: ["query": "servo"], token: reader.accessToken).status.code) }
            #expect(signedIn == [200, 200, 200, 429])
        }
    }
}

import AsyncHTTPClient
import FluentKit
import Foundation
import Logging
import NIOCore
@testable import PrimerCore
@testable import PrimerServer
import PrimerTestSupport
import SQLKit
import Testing
import Vapor

/// Issue 14, "Background encrypted at rest": readers' names, background, audit values and
/// questions are stored encrypted under PRIMER_DATA_KEY, read back decrypted, survive a key
/// rotation, refuse to start under a wrong key, and are encrypted by migration 010 (its revert
/// decrypts them).
@Suite struct EncryptionAtRestTests {
    static let interest = "Zanzibar hovercraft"
    static let name = "Quintessa Marlowe-Ybarra"
    static let question = "Could a Zanzibar hovercraft keep its balance like a humanoid?"
    static let comment = "Ossifrage feedback about hovercraft balance"

    /// Everything a reader typed or chose, as the API returns it and as it must never be stored.
    static func signUpDistinctive(_ server: TestServer) async throws -> Reader {
        try await server.signUp(extra: [
            "software_experience": "Intermediate", "hardware_experience": "Advanced", "programming_background": "Basic",
            "interests": [interest, "ROS 2"], "name": name,
        ])
    }

    @Test(arguments: TestDatabase.allCases)
    func storedDataRevealsNothingAndTheAPIReadsItBack(db: TestDatabase) async throws {
        // Development without PRIMER_DATA_KEY: the key is generated into the data directory.
        try await withServer(db, configure: { $0.dataKey = nil }) { server in
            let keyFile = server.app.primer.settings.dataDirectory + "/data.key"
            #expect(PrivateFiles.mode(of: keyFile) == 0o600)
            let key = try DataKey(base64: String(contentsOfFile: keyFile, encoding: .utf8))
            #expect(server.app.primer.dataCipher.keys.current == key)

            let reader = try await Self.signUpDistinctive(server)
            let update = try await server.send(.PUT, "/api/v1/profile", json: ["interests": [Self.interest, "Okavango airship"]],
                                               token: reader.accessToken)
            #expect(update.status == .ok)
            let asked = try await server.send(.POST, "/api/v1/query", json: ["query": Self.question], token: reader.accessToken)
            #expect(asked.status == .ok, "\(asked.text)")
            let queryID = try #require(asked.json["query_id"] as? String)
            let conversation = try #require(asked.json["conversation_id"] as? String)
            #expect(try await server.send(.POST, "/api/v1/query/\(queryID)/feedback", json: ["helpful": true, "comment": Self.comment],
                                          token: reader.accessToken).status == .ok)
            let anonymous = "What is a servo motor, asked by nobody in particular?"
            #expect(try await server.send(.POST, "/api/v1/query", json: ["query": anonymous]).status == .ok)

            // Nothing readable in storage: not the interests, the levels, the name, the question or the comment.
            let stored = try await Self.storedText(server, db)
            for secret in [Self.interest, "Okavango", "Intermediate", "Advanced", "Basic", Self.name, "Quintessa", Self.question, "Ossifrage"] {
                #expect(!stored.contains(secret), "'\(secret)' is stored in plaintext")
            }
            #expect(stored.contains(anonymous), "a signed-out question belongs to nobody and stays plaintext")
            #expect(stored.contains("enc:v1:\(key.id):"))
            // Each encrypted column holds the self-describing form.
            let profile = try #require(try await server.sql.raw("SELECT * FROM profiles").first())
            for column in ["software_experience", "hardware_experience", "programming_background", "interests"] {
                #expect(try profile.decode(column: column, as: String.self).hasPrefix("enc:v1:\(key.id):"), "\(column)")
            }
            let audit = try #require(try await server.sql.raw("SELECT old_values, new_values FROM audit_events").first())
            #expect(try audit.decode(column: "old_values", as: String.self).hasPrefix("enc:v1:"))
            let oldValues = try server.app.primer.dataCipher.decrypt(audit.decode(column: "old_values", as: String.self))
            #expect(oldValues.contains(Self.interest) && !oldValues.contains("Okavango"))

            // The API reads it all back decrypted: the profile (fresh and cached), a new sign-in, the conversation.
            for _ in 0..<2 {
                let response = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
                #expect(response.status == .ok)
                #expect(response.json["name"] as? String == Self.name)
                let profile = try #require(response.json["profile"] as? [String: Any])
                #expect(profile["software_experience"] as? String == "Intermediate")
                #expect(profile["hardware_experience"] as? String == "Advanced")
                #expect(profile["programming_background"] as? String == "Basic")
                #expect(profile["interests"] as? [String] == [Self.interest, "Okavango airship"])
            }
            let again = try await server.signIn(reader.email, reader.password)
            let user = try #require(try await server.send(.GET, "/api/v1/profile", token: again.accessToken).json["profile"] as? [String: Any])
            #expect(user["interests"] as? [String] == [Self.interest, "Okavango airship"])
            let followUp = try await server.send(.POST, "/api/v1/query", json: ["query": "And what about its motors?", "conversation_id": conversation],
                                                 token: reader.accessToken)
            #expect(followUp.status == .ok, "\(followUp.text)")
            // The key never reaches the log.
            #expect(!server.logs.all.contains { $0.contains(key.base64) })
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func rotationLeavesEveryProfileReadable(db: TestDatabase) async throws {
        try await KeptDatabase.with(db) { store in
            let old = DataKey.random(), new = DataKey.random()
            var readers: [(Reader, interests: [String])] = []
            var twoFactorApp: PrimerCore.TOTP?
            try await withKeptServer(store, key: old) { server in
                for index in 0..<3 {
                    let interests = ["\(Self.interest) \(index)", "Topic \(index)"]
                    readers.append((try await server.signUp(extra: ["interests": interests, "name": "Reader \(index)"]), interests))
                }
                #expect(try await server.send(.PUT, "/api/v1/profile", json: ["software_experience": "Advanced"], token: readers[0].0.accessToken).status == .ok)
                #expect(try await server.send(.POST, "/api/v1/query", json: ["query": Self.question], token: readers[1].0.accessToken).status == .ok)
                twoFactorApp = try await server.enableTwoFactor(readers[2].0).app
            }
            // Rotate: the new key current, the old one previous; twice, the second time nothing is left to do.
            try await withKeptServer(store, key: new, previous: old) { server in
                let first = try await KeyRotation.rotate(cipher: server.app.primer.dataCipher, on: server.app.db)
                let counts = Dictionary(uniqueKeysWithValues: first.tables.map { ($0.name, $0.tally) })
                #expect(counts["profiles"]?.rows == 3 && counts["profiles"]?.values == 9)  // two levels and the interests each (no programming background)
                #expect(counts["users"]?.values == 3)
                #expect(counts["audit_events"]?.values == 4)  // the profile change and switching two-factor on
                #expect(counts["chat_queries"]?.values == 2)
                #expect(counts["two_factor"]?.values == 2)  // the secret and the backup codes' hashes
                #expect(first.skipped == 0)
                #expect(first.summary(keys: server.app.primer.dataCipher.keys).contains("remove PRIMER_DATA_KEY_PREVIOUS"))
                let second = try await KeyRotation.rotate(cipher: server.app.primer.dataCipher, on: server.app.db)
                #expect(second.reencrypted == 0 && second.tables.allSatisfy { $0.tally.valuesSeen > 0 })
                // Every stored value now names the new key.
                for table in AccountDataEncryption.tables {
                    let rows = try await server.sql.raw("SELECT * FROM \(ident: table.name)\(unsafeRaw: table.readerRowsOnly ? " WHERE user_id IS NOT NULL" : "")").all()
                    for row in rows {
                        for column in table.columns {
                            guard let value = try row.decode(column: column, as: String?.self) else { continue }
                            #expect(try DataCipher.keyID(of: value) == new.id, "\(table.name).\(column)")
                        }
                    }
                }
            }
            // Restarted with only the new key, every profile reads as it was written.
            try await withKeptServer(store, key: new) { server in
                for (index, (reader, interests)) in readers.enumerated() {
                    let signedIn: Reader
                    if index == 2 {  // two-factor sign-in still works: the secret was re-encrypted, not lost
                        let app = try #require(twoFactorApp)
                        let verified = try await server.send(.POST, "/api/v1/auth/2fa/verify",
                                                             json: ["mfa_token": try await server.mfaToken(reader), "code": TwoFactorHTTPTests.nextCode(app)])
                        signedIn = try server.reader(from: verified, email: reader.email, password: reader.password)
                    } else {
                        signedIn = try await server.signIn(reader.email, reader.password)
                    }
                    let response = try await server.send(.GET, "/api/v1/profile", token: signedIn.accessToken)
                    #expect(response.status == .ok)
                    #expect(response.json["name"] as? String == "Reader \(index)")
                    let profile = try #require(response.json["profile"] as? [String: Any])
                    #expect(profile["interests"] as? [String] == interests)
                    #expect(profile["software_experience"] as? String == (index == 0 ? "Advanced" : "Beginner"))
                }
            }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func aWrongKeyFailsStartUpWithAClearMessage(db: TestDatabase) async throws {
        try await KeptDatabase.with(db) { store in
            let right = DataKey.random(), wrong = DataKey.random()
            try await withKeptServer(store, key: right) { server in
                _ = try await Self.signUpDistinctive(server)
            }
            do {
                try await withKeptServer(store, key: wrong) { _ in Issue.record("started with the wrong key") }
            } catch let error as DataKeyMismatch {
                let message = String(describing: error)
                #expect(message.hasPrefix("PRIMER_DATA_KEY does not match the data: "), "\(message)")
                #expect(message.contains(right.id) && message.contains(wrong.id))
                #expect(!message.contains(right.base64) && !message.contains(wrong.base64))
            }
            // A value altered in storage is refused too, not decrypted into garbage.
            try await store.withSQL { sql in
                let row = try #require(try await sql.raw("SELECT id, software_experience FROM profiles").first())
                let value = try row.decode(column: "software_experience", as: String.self)
                var payload = try #require(Data(base64Encoded: String(value.split(separator: ":")[3])))
                payload[payload.count - 1] ^= 1
                let altered = value.split(separator: ":")[0...2].joined(separator: ":") + ":" + payload.base64EncodedString()
                try await sql.raw("UPDATE profiles SET software_experience = \(bind: altered) WHERE id = \(bind: row.decode(column: "id", as: UUID.self))").run()
            }
            await #expect(throws: DataKeyMismatch.self) { try await withKeptServer(store, key: right) { _ in } }
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func migrationEncryptsEarlierRowsAndItsRevertDecryptsThem(db: TestDatabase) async throws {
        try await KeptDatabase.with(db) { store in
            let key = DataKey.random()
            try await withKeptServer(store, key: key, migrate: false) { server in
                let app = server.app
                let cipher = app.primer.dataCipher
                // The schema as it was before migration 010, and rows written then, in plaintext.
                let earlier = Migrations()
                earlier.add(Array(PrimerMigrations.all(cipher: cipher).prefix { !($0 is M010_EncryptAccountData) }))
                let before = Migrator(databases: app.databases, migrations: earlier, logger: app.logger, on: app.eventLoopGroup.any())
                try await before.setupIfNeeded().get()
                try await before.prepareBatch().get()
                let userID = UUID(), profileID = UUID(), auditID = UUID(), mine = UUID(), anonymous = UUID()
                let hash = try await app.primer.passwords.hash("Sturdy#Pass1")
                let sql = server.sql
                try await sql.insert(into: "users").columns("id", "email", "password_hash", "name", "email_verified", "is_active", "created_at")
                    .values([SQLBind(userID), SQLBind("early@example.com"), SQLBind(hash), SQLBind(Self.name), SQLBind(false), SQLBind(true), SQLBind(Date())])
                    .run()
                try await sql.insert(into: "profiles")
                    .columns("id", "user_id", "software_experience", "hardware_experience", "programming_background", "interests", "created_at")
                    .values([SQLBind(profileID), SQLBind(userID), SQLBind("Intermediate"), SQLBind("Advanced"), SQLLiteral.null,
                             SQLBind([Self.interest, "ROS 2"]), SQLBind(Date())])
                    .run()
                try await sql.insert(into: "audit_events").columns("id", "user_id", "action", "changed_fields", "old_values", "new_values", "created_at")
                    .values([SQLBind(auditID), SQLBind(userID), SQLBind("profile.update"), SQLBind(["interests"]),
                             SQLBind(#"{"interests":["ROS 2"]}"#), SQLBind(#"{"interests":["Zanzibar hovercraft","ROS 2"]}"#), SQLBind(Date())])
                    .run()
                for (id, owner, text) in [(mine, Optional(userID), Self.question), (anonymous, nil, "An anonymous question")] {
                    try await sql.insert(into: "chat_queries")
                        .columns("id", "user_id", "conversation_id", "query", "answer", "answered", "personalization_applied", "provider",
                                 "latency_ms", "sources_count", "created_at")
                        .values([SQLBind(id), owner.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null, SQLBind(UUID()), SQLBind(text),
                                 SQLBind("An answer for the hovercraft"), SQLBind(true), SQLBind(false), SQLBind("extractive"), SQLBind(1.5),
                                 SQLBind(1), SQLBind(Date())])
                        .run()
                }

                // Migration 010 encrypts them (in its own batch, so that it can be reverted alone).
                try await app.autoMigrate()
                let profile = try #require(try await sql.raw("SELECT * FROM profiles").first())
                for column in ["software_experience", "hardware_experience", "interests"] {
                    #expect(try profile.decode(column: column, as: String.self).hasPrefix("enc:v1:\(key.id):"), "\(column)")
                }
                #expect(try profile.decode(column: "programming_background", as: String?.self) == nil)
                #expect(try cipher.decryptList(profile.decode(column: "interests", as: String.self)) == [Self.interest, "ROS 2"])
                let user = try #require(try await sql.raw("SELECT name FROM users").first())
                #expect(try cipher.decrypt(user.decode(column: "name", as: String.self)) == Self.name)
                #expect(try DataCipher.isEncrypted(user.decode(column: "name", as: String.self)))
                let audit = try #require(try await sql.raw("SELECT old_values, new_values FROM audit_events").first())
                #expect(try cipher.decrypt(audit.decode(column: "new_values", as: String.self)) == #"{"interests":["Zanzibar hovercraft","ROS 2"]}"#)
                #expect(try await Self.chatQuery(sql, mine).hasPrefix("enc:v1:"))
                #expect(try await Self.chatQuery(sql, anonymous) == "An anonymous question")
                let stored = try await Self.storedText(server, db)
                #expect(!stored.contains(Self.interest) && !stored.contains(Self.name) && !stored.contains("Intermediate"))
                if db == .postgres { #expect(try await Self.interestsType(sql) == "text") }

                // The reader signs in and reads the background written before encryption.
                let reader = try await server.signIn("early@example.com", "Sturdy#Pass1")
                let response = try await server.send(.GET, "/api/v1/profile", token: reader.accessToken)
                #expect(response.json["name"] as? String == Self.name)
                #expect((response.json["profile"] as? [String: Any])?["interests"] as? [String] == [Self.interest, "ROS 2"])

                // Reverting 010 alone decrypts everything, and restores PostgreSQL's text[] column.
                let migrator = Migrator(databases: app.databases, migrations: app.migrations, logger: app.logger, on: app.eventLoopGroup.any())
                try await migrator.revertLastBatch().get()
                let plain = try #require(try await sql.raw("SELECT * FROM profiles").first())
                #expect(try plain.decode(column: "software_experience", as: String.self) == "Intermediate")
                #expect(try plain.decode(column: "hardware_experience", as: String.self) == "Advanced")
                #expect(try plain.decode(column: "interests", as: [String].self) == [Self.interest, "ROS 2"])
                #expect(try await sql.raw("SELECT name FROM users").first()?.decode(column: "name", as: String.self) == Self.name)
                let reverted = try #require(try await sql.raw("SELECT old_values, new_values FROM audit_events").first())
                #expect(try reverted.decode(column: "old_values", as: String.self) == #"{"interests":["ROS 2"]}"#)
                #expect(try await Self.chatQuery(sql, mine) == Self.question)
                #expect(try await Self.chatQuery(sql, anonymous) == "An anonymous question")
                if db == .postgres { #expect(try await Self.interestsType(sql) == "ARRAY") }

                // And applying it again encrypts them again.
                try await app.autoMigrate()
                let again = try #require(try await sql.raw("SELECT interests FROM profiles").first()?.decode(column: "interests", as: String.self))
                #expect(try cipher.decryptList(again) == [Self.interest, "ROS 2"] && DataCipher.isEncrypted(again))
            }
        }
    }

    @Test func theCommandLineRotatesAndAWrongKeyStopsServe() async throws {
        let folder = NSTemporaryDirectory() + "primer-keys-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let old = DataKey.random(), new = DataKey.random()
        let email = "cli-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        // Serve with the old key and sign up.
        do {
            let server = try PrimerProcess(ulimits: "true", environment: ["PRIMER_DATA_DIR": folder, "PRIMER_DATA_KEY": old.base64])
            defer { server.stop() }
            let port = try await server.port()
            let response = try await Self.post("http://127.0.0.1:\(port)/api/v1/auth/signup", signupBody(email: email, extra: ["interests": [Self.interest]]))
            #expect(response.status == .created)
        }
        // Rotate from the command line, twice.
        let rotate = try await Self.run(["keys", "rotate"], ["PRIMER_DATA_DIR": folder, "PRIMER_DATA_KEY": new.base64, "PRIMER_DATA_KEY_PREVIOUS": old.base64])
        #expect(rotate.status == 0, "\(rotate.output)")
        #expect(rotate.output.contains("profiles: 1 row, 3 values re-encrypted"), "\(rotate.output)")
        #expect(rotate.output.contains("every value is encrypted with key \(new.id)"), "\(rotate.output)")
        let again = try await Self.run(["keys", "rotate"], ["PRIMER_DATA_DIR": folder, "PRIMER_DATA_KEY": new.base64, "PRIMER_DATA_KEY_PREVIOUS": old.base64])
        #expect(again.status == 0 && again.output.contains("0 values re-encrypted"), "\(again.output)")
        #expect(!rotate.output.contains(new.base64) && !rotate.output.contains(old.base64))
        // The old key alone no longer starts the server, with the message.
        let wrong = try PrimerProcess(ulimits: "true", environment: ["PRIMER_DATA_DIR": folder, "PRIMER_DATA_KEY": old.base64])
        defer { wrong.stop() }
        await #expect(throws: (any Error).self) { _ = try await wrong.port() }
        let status = await wrong.exited()
        for _ in 0..<50 where !wrong.log.contains("does not match") { try await Task.sleep(for: .milliseconds(100)) }  // the pipe's last bytes
        #expect(wrong.log.contains("PRIMER_DATA_KEY does not match the data: 1 stored profile is encrypted with key \(new.id)"), "\(wrong.log)")
        #expect(status != 0)
        // The new key alone serves the rotated profile.
        let server = try PrimerProcess(ulimits: "true", environment: ["PRIMER_DATA_DIR": folder, "PRIMER_DATA_KEY": new.base64])
        defer { server.stop() }
        let port = try await server.port()
        let signIn = try await Self.post("http://127.0.0.1:\(port)/api/v1/auth/signin", ["email": email, "password": "Sturdy#Pass1"])
        #expect(signIn.status == .ok)
        let user = signIn.json["user"] as? [String: Any]
        #expect((user?["profile"] as? [String: Any])?["interests"] as? [String] == [Self.interest])
        // `primer keys generate` prints a usable key.
        let generated = try await Self.run(["keys", "generate"], ["PRIMER_DATA_DIR": folder, "PRIMER_DATA_KEY": new.base64])
        #expect(generated.status == 0)
        #expect((try? DataKey(base64: generated.output.split(separator: "\n").last.map(String.init) ?? "")) != nil, "\(generated.output)")
    }

    // MARK: - Helpers

    /// Every stored row as text: the SQLite file with its WAL, or each PostgreSQL table cast to text.
    static func storedText(_ server: TestServer, _ db: TestDatabase) async throws -> String {
        switch db {
        case .sqlite:
            let path = server.app.primer.settings.dataDirectory + "/primer.sqlite"
            #expect(FileManager.default.fileExists(atPath: path))
            return ["", "-wal"].compactMap { FileManager.default.contents(atPath: path + $0) }
                .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        case .postgres:
            let tables = try await server.sql.raw("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").all()
                .map { try $0.decode(column: "table_name", as: String.self) }
            #expect(tables.contains("profiles") && tables.contains("chat_queries"))
            var text = ""
            for table in tables {
                for row in try await server.sql.raw("SELECT t::text AS row FROM \(ident: table) t").all() {
                    text += try row.decode(column: "row", as: String.self) + "\n"
                }
            }
            return text
        }
    }

    static func chatQuery(_ sql: any SQLDatabase, _ id: UUID) async throws -> String {
        try #require(try await sql.raw("SELECT query FROM chat_queries WHERE id = \(bind: id)").first()?.decode(column: "query", as: String.self))
    }

    static func interestsType(_ sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'profiles' AND column_name = 'interests'
            """).first()?.decode(column: "data_type", as: String.self)
    }

    static func post(_ url: String, _ json: [String: Any]) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
        let response = try await TestServer.client.execute(request, timeout: .seconds(60))
        return TestResponse(status: response.status, headers: response.headers, body: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    /// Runs `primer ARGS` to completion with `environment` added (SQLite in PRIMER_DATA_DIR).
    static func run(_ arguments: [String], _ environment: [String: String]) async throws -> (status: Int32, output: String) {
        guard let executable = PrimerProcess.executable else { throw TestSetupError("the primer executable is not built") }
        var env = ProcessInfo.processInfo.environment
        env["PRIMER_BOOK_DIR"] = TestBooks.sample.path
        env["EMBEDDING_PROVIDER"] = "none"
        env["BCRYPT_COST"] = "4"
        env.removeValue(forKey: "DATABASE_URL")
        env.merge(environment) { $1 }
        let run = try await ChildProcess.run(executable.path, arguments, environment: env)
        return (run.status, run.stderrText + run.stdoutText)  // the log, then what the command printed
    }
}

/// A database kept across several servers, as across restarts: an SQLite file in its own
/// folder, or a PostgreSQL schema of its own.
struct KeptDatabase: Sendable {
    let kind: TestDatabase
    let folder = NSTemporaryDirectory() + "primer-kept-" + UUID().uuidString
    let schema = "k_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    var choice: DatabaseChoice {
        switch kind {
        case .sqlite: return .sqlite(path: folder + "/primer.sqlite")
        case .postgres: return .postgres(url: testPostgresURL, searchPath: [schema], connectionsPerEventLoop: 2)
        }
    }

    func create() async throws {
        guard kind == .postgres else { return }
        try await withSQL { try await $0.raw("CREATE SCHEMA \(ident: schema)").run() }
    }

    /// Runs `body` with a new kept database, created first and removed after, also when `body` throws.
    static func with(_ kind: TestDatabase, _ body: (KeptDatabase) async throws -> Void) async throws {
        let store = KeptDatabase(kind: kind)
        try await store.create()
        try await withCleanup({ try await body(store) }, cleanup: { await store.drop() })
    }

    /// Removes the folder and the schema.
    func drop() async {
        try? FileManager.default.removeItem(atPath: folder)
        guard kind == .postgres else { return }
        let schema = self.schema
        try? await withSQL { try await $0.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run() }
    }

    /// Runs `body` on the database alone (no Primer services, no start-up check).
    func withSQL(_ body: (any SQLDatabase) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try choice.install(on: app)
            try await body(app.db as! any SQLDatabase)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// Runs `body` against a server on `store` with `key` (and `previous`), migrated unless
/// `migrate` is false; the store outlives it.
func withKeptServer(_ store: KeptDatabase, key: DataKey, previous: DataKey? = nil, migrate: Bool = true,
                    _ body: (TestServer) async throws -> Void) async throws {
    await serverSlots.acquire()
    defer { Task { await serverSlots.release() } }
    var settings = testSettings()
    settings.dataDirectory = store.folder
    settings.dataKey = key
    settings.previousDataKey = previous
    let app = try await Application.make(.testing)
    let logs = LogCapture()
    app.logger = Logger(label: "primer.test") { _ in RedactingLogHandler(wrapping: logs.handler()) }
    try await runServer(app, settings: settings, database: store.choice, logs: logs, prepare: { app in
        if migrate { try await app.autoMigrate() }
    }, finish: { app in
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }, body)
}

import ConsoleKit
import Foundation
import Logging
@testable import PrimerServer
import Testing
import Vapor

/// `primer user disable|enable`, the development secret and command-line dispatch.
@Suite struct CommandTests {
    @Test(arguments: TestDatabase.allCases)
    func disablingAUserEndsSessionsAndBlocksSignin(db: TestDatabase) async throws {
        try await withServer(db) { server in
            let reader = try await server.signUp()
            try await run(server.app, ["primer", "user", "disable", reader.email.uppercased()])
            #expect(try await server.send(.GET, "/api/v1/profile", token: reader.accessToken).status == .unauthorized)
            let signin = try await server.send(.POST, "/api/v1/auth/signin", json: ["email": reader.email, "password": reader.password])
            #expect(signin.status == .forbidden)
            #expect(signin.code == "account_disabled")
            try await run(server.app, ["primer", "user", "enable", reader.email])
            _ = try await server.signIn(reader.email, reader.password)
        }
    }

    @Test func unknownUserFails() async throws {
        try await withServer(.sqlite) { server in
            await #expect(throws: ExitCode.self) { try await run(server.app, ["primer", "user", "disable", "nobody@example.com"]) }
        }
    }

    @Test func developmentSecretIsGeneratedOnceAndPrivate() throws {
        let dir = NSTemporaryDirectory() + "primer-secret-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let logger = Logger(label: "test")
        let first = try DevelopmentSecret.loadOrCreate(in: dir, logger: logger)
        let second = try DevelopmentSecret.loadOrCreate(in: dir, logger: logger)
        #expect(first == second)
        #expect(first.utf8.count >= 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/secret.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test(arguments: [
        (["primer"], true), (["primer", "serve"], true), (["primer", "--port", "8080"], true),
        (["primer", "migrate"], false), (["primer", "--help"], false), (["primer", "serve", "--help"], false),
        (["primer", "user", "disable", "a@b.co"], false),
    ])
    func serveIsDetected(arguments: [String], serves: Bool) {
        #expect(PrimerApp.isServe(arguments) == serves)
    }
}

/// Runs a registered command against `app` as if typed on the command line.
private func run(_ app: Application, _ arguments: [String]) async throws {
    var input = CommandInput(arguments: arguments)
    var context = CommandContext(console: Terminal(), input: input)
    context.application = app
    input = context.input
    try await app.console.run(app.asyncCommands.group(), with: context)
}

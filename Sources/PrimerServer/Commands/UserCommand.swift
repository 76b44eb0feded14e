import Fluent
import PrimerCore
import Vapor

/// `primer user disable|enable EMAIL`: deactivate or reactivate a reader account.
/// Disabling also ends all of the account's sessions.
struct UserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "disable or enable")
        var action: String
        @Argument(name: "email", help: "the reader's email address")
        var email: String
    }

    var help: String { "Disable or enable a reader account: primer user disable|enable EMAIL" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let email = signature.email.trimmingWhitespace().lowercased()
        guard let user = try await User.query(on: app.db).filter(\.$email == email).first() else {
            context.console.error("No account with email \(email)")
            throw ExitCode(1)
        }
        switch signature.action {
        case "disable":
            user.isActive = false
            try await user.save(on: app.db)
            try await AuthSession.query(on: app.db).filter(\.$user.$id == user.requireID()).filter(\.$revokedAt == nil)
                .set(\.$revokedAt, to: Date()).update()
            app.primer.readers.invalidate(userID: try user.requireID())
            context.console.info("Disabled \(email) and ended its sessions (a running server notices within AUTH_CACHE_SECONDS)")
        case "enable":
            user.isActive = true
            try await user.save(on: app.db)
            context.console.info("Enabled \(email)")
        default:
            context.console.error("Unknown action '\(signature.action)': use disable or enable")
            throw ExitCode(2)
        }
    }
}

/// Makes a command exit with a status code without a stack of error text.
struct ExitCode: Error, CustomStringConvertible {
    let code: Int32
    init(_ code: Int32) { self.code = code }
    var description: String { "exit \(code)" }
}

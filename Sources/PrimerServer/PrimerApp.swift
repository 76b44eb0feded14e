import Fluent
import Foundation
import PrimerCore
import Vapor

/// The `primer` program: reads settings, configures the server and runs the command
/// (`serve` by default; also `migrate`, `user`, `routes`).
public enum PrimerApp {
    public static func main() async {
        do {
            var env = try Environment.detect()
            try LoggingSystem.bootstrap(from: &env) { level in
                { label in
                    var handler = RedactingLogHandler(wrapping: StreamLogHandler.standardError(label: label))
                    handler.logLevel = level
                    return handler
                }
            }
            let app = try await Application.make(env)
            // `.env` is read by Application.make, after logging was bootstrapped.
            if let level = Environment.get("LOG_LEVEL").flatMap({ Logger.Level(rawValue: $0.lowercased()) }) {
                app.logger.logLevel = level
            }
            do {
                let settings = try PrimerSettings.load(
                    from: ProcessInfo.processInfo.environment, production: env == .production)
                try await configure(app, settings: settings)
                if Self.isServe(env.arguments) {
                    if let (before, after) = DescriptorLimit.raise(), after > before {
                        app.logger.info("Open-file limit raised from \(before) to \(after)")
                    }
                    try await app.autoMigrate()
                    try await BookSync.prepareForServing(app)
                }
                try await app.execute()
                try await app.asyncShutdown()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
        } catch let error as SettingsError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            exit(1)
        } catch let error as ExitCode {
            exit(error.code)
        } catch {
            FileHandle.standardError.write(Data("primer: \(error)\n".utf8))
            exit(1)
        }
    }

    /// True when the command line runs the HTTP server (`serve`, or no command at all).
    static func isServe(_ arguments: [String]) -> Bool {
        let rest = arguments.dropFirst()
        if rest.contains("--help") || rest.contains("-h") { return false }
        guard let command = rest.first, !command.hasPrefix("-") else { return true }  // default command
        return command == "serve"
    }
}

import Foundation
import Logging
import PrimerCore

/// In development without `BETTER_AUTH_SECRET`, a random secret kept in the data directory
/// (`secret.key`, mode 0600) so tokens survive restarts.
enum DevelopmentSecret {
    static func loadOrCreate(in directory: String, logger: Logger) throws -> String {
        let url = URL(fileURLWithPath: directory).appendingPathComponent("secret.key")
        if let existing = try? String(contentsOf: url, encoding: .utf8).trimmingWhitespace(),
           existing.utf8.count >= PrimerSettings.minimumSecretBytes {
            logger.warning("BETTER_AUTH_SECRET is not set: using the development secret in \(url.path). Set it in production.")
            return existing
        }
        try PrivateFiles.ensureDirectory(directory)
        let secret = RefreshTokens.random(byteCount: 48)
        try PrivateFiles.write(Data(secret.utf8), to: url.path)
        logger.warning("BETTER_AUTH_SECRET is not set: generated a development secret in \(url.path). Set it in production.")
        return secret
    }
}

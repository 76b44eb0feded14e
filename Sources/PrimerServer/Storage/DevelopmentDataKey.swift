import Foundation
import Logging
import PrimerCore

/// In development without `PRIMER_DATA_KEY`, a random data key kept in the data directory
/// (`data.key`, base64, mode 0600) so encrypted data stays readable across restarts. The key
/// itself is never logged.
enum DevelopmentDataKey {
    static let fileName = "data.key"

    static func loadOrCreate(in directory: String, logger: Logger) throws -> DataKey {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(fileName)
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            do {
                let key = try DataKey(base64: text)
                logger.warning("PRIMER_DATA_KEY is not set: using the development data key \(key.id) in \(url.path). Set it in production.")
                return key
            } catch {
                // Never replace a key file silently: data may be encrypted with what it held.
                throw DevelopmentDataKeyError(path: url.path, problem: error)
            }
        }
        try PrivateFiles.ensureDirectory(directory)
        let key = DataKey.random()
        try PrivateFiles.write(Data((key.base64 + "\n").utf8), to: url.path)
        logger.warning("PRIMER_DATA_KEY is not set: generated the development data key \(key.id) in \(url.path). Set it in production.")
        return key
    }
}

/// The development key file exists but does not hold a key.
struct DevelopmentDataKeyError: Error, CustomStringConvertible {
    let path: String
    let problem: DataKeyError

    var description: String {
        "\(path) \(problem); restore the key the data was encrypted with, or set PRIMER_DATA_KEY"
    }
}

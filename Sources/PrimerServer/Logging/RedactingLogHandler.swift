import Foundation
import Logging

/// Wraps a log handler so that secrets never reach the logs, whatever the level (trace
/// included): SQL bind values, query inputs and the values compared in query filters (emails,
/// token hashes) are dropped, and bearer tokens, JWTs, bcrypt hashes, `Cookie`/`Set-Cookie`
/// and `Authorization` header values and `token=`/`password=` values in messages and metadata
/// are masked.
public struct RedactingLogHandler: LogHandler {
    private var wrapped: any LogHandler

    public init(wrapping handler: any LogHandler) {
        self.wrapped = handler
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    /// Kept here and handed over only when a line is written: the wrapped stream handler
    /// re-renders its metadata on every change (each request sets its request id).
    public var metadata: Logger.Metadata = [:]

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Metadata keys whose values are query parameters (which include password hashes).
    static let droppedKeys: Set<String> = ["binds", "input", "password", "password_hash", "refresh_token", "access_token"]

    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        let merged = self.metadata.merging(metadata ?? [:]) { _, call in call }
        let cleanMetadata = merged.isEmpty ? nil : Logger.Metadata(uniqueKeysWithValues: merged.map { key, value in
            if Self.droppedKeys.contains(key) { return (key, .string("<redacted>")) }
            if Self.filterKeys.contains(key) { return (key, .string(Self.redact("\(Self.withoutComparedValues(value))"))) }
            return (key, .string(Self.redact("\(value)")))
        })
        wrapped.log(level: level, message: "\(Self.redact(message.description))", metadata: cleanMetadata,
                    source: source, file: file, function: function, line: line)
    }

    /// Metadata keys holding query filters (FluentKit's "Running query" lines at debug), whose
    /// compared values are e.g. an email or a refresh token's hash.
    static let filterKeys: Set<String> = ["filters", "joins"]

    /// `value` with every `"value": …` entry of its dictionaries replaced.
    static func withoutComparedValues(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .dictionary(let entries):
            .dictionary(entries.reduce(into: [:]) { result, entry in
                result[entry.key] = entry.key == "value" ? .string("<redacted>") : withoutComparedValues(entry.value)
            })
        case .array(let items): .array(items.map(withoutComparedValues))
        case .string, .stringConvertible: value
        }
    }

    private static let patterns: [NSRegularExpression] = [
        #"(?i)((?:set-)?cookie["']?\s*[:=]\s*\[?\s*["']?)[^"'\]\r\n]+"#,  // Cookie / Set-Cookie header values
        #"(?i)(primer_(?:access|refresh)=)[^;\s"',\]]+"#,  // session cookies anywhere else
        #"(?i)(authorization["']?\s*[:=]\s*\[?\s*["']?)[^"'\]\r\n]+"#,  // Authorization header values (any scheme)
        #"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"#,  // Authorization headers
        #"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"#,  // JWTs
        #"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}"#,  // bcrypt hashes
        #"(?i)((?:token|password|secret)\w*[\"']?\s*[=:]\s*[\"']?)[^\s&\"',;}]+"#,  // token=…, "password": …
    ].map { try! NSRegularExpression(pattern: $0) }

    /// `text` with every secret-looking part replaced by `<redacted>`.
    public static func redact(_ text: String) -> String {
        guard text.contains(where: { $0 == "$" || $0 == "=" || $0 == ":" || $0 == "." || $0 == " " }) else { return text }
        var result = text
        for pattern in patterns {
            let range = NSRange(result.startIndex..., in: result)
            let template = pattern.numberOfCaptureGroups > 0 ? "$1<redacted>" : "<redacted>"
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }
}

import Crypto
import Foundation

/// A 32-byte AES-256-GCM key that encrypts readers' data at rest (`PRIMER_DATA_KEY`,
/// `PRIMER_DATA_KEY_PREVIOUS`), with its public id: the first 8 hex digits of the SHA-256 of
/// the key bytes. Every stored value names the id of the key that sealed it, so a value can be
/// matched with its key (or found to have none) without trying keys. Neither `description` nor
/// a mirror ever shows the key bytes.
public struct DataKey: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// Key length in bytes (AES-256).
    public static let byteCount = 32

    /// The key's id (8 lowercase hex digits), as written into each value it encrypts.
    public let id: String
    let symmetricKey: SymmetricKey

    /// A key from exactly 32 raw bytes.
    public init(bytes: some ContiguousBytes) throws(DataKeyError) {
        let count = bytes.withUnsafeBytes { $0.count }
        guard count == Self.byteCount else { throw .wrongLength(count) }
        symmetricKey = SymmetricKey(data: bytes)
        id = Self.id(of: symmetricKey)
    }

    /// A key from its base64 text (standard or URL-safe alphabet, padding optional), as in
    /// `PRIMER_DATA_KEY`; surrounding whitespace is ignored.
    public init(base64: String) throws(DataKeyError) {
        var text = base64.trimmingWhitespace().replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if text.count % 4 != 0 { text += String(repeating: "=", count: 4 - text.count % 4) }
        guard let data = Data(base64Encoded: text) else { throw .notBase64 }
        try self.init(bytes: data)
    }

    /// A new key from the system's secure random generator.
    public static func random() -> DataKey {
        // 32 bytes is the only length `init(bytes:)` checks for, so this cannot fail.
        try! DataKey(bytes: SymmetricKey(size: .bits256))
    }

    /// The key as standard base64 (44 characters), the form `PRIMER_DATA_KEY` and `data.key` hold.
    public var base64: String {
        symmetricKey.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    public var description: String { "DataKey(id: \(id))" }
    public var customMirror: Mirror { Mirror(self, children: ["id": id]) }

    private static func id(of key: SymmetricKey) -> String {
        let digest = key.withUnsafeBytes { SHA256.hash(data: $0) }
        return digest.prefix(4).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// Why a data key could not be read (the key itself is never part of the message).
public enum DataKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not base64.
    case notBase64
    /// The key has this many bytes instead of 32.
    case wrongLength(Int)

    public var description: String {
        switch self {
        case .notBase64:
            return "is not base64: it must be 32 random bytes in base64, e.g. `openssl rand -base64 32`"
        case .wrongLength(let count):
            return "must be 32 bytes in base64 (got \(count) bytes), e.g. `openssl rand -base64 32`"
        }
    }
}

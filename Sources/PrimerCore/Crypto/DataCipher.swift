import Crypto
import Foundation

/// Encrypts readers' data at rest with AES-256-GCM under the current data key and decrypts it
/// with any configured key.
///
/// A stored value is self-describing text: `enc:v1:<key id>:<base64(nonce | ciphertext | tag)>`,
/// with a fresh random 12-byte nonce per value and a 16-byte tag. The plaintext is the value's
/// UTF-8 bytes padded (one 0x80 byte, then zeros) to a multiple of 32 bytes, so the stored
/// length does not tell "Beginner" from "Intermediate". A list (interests) is encrypted as the
/// JSON text of the list. A value that does not start with `enc:` is plaintext, as written
/// before the data was encrypted (the migration encrypts it). A value whose key id matches no
/// configured key, or whose tag does not verify, throws `DataCipherError`: never garbage.
public struct DataCipher: Sendable, Equatable {
    /// The prefix of every encrypted value.
    public static let prefix = "enc:"
    /// Format version written into each value.
    static let version = "v1"
    /// Plaintexts are padded to a multiple of this many bytes.
    static let paddingBlock = 32

    public let keys: DataKeyRing

    public init(keys: DataKeyRing) {
        self.keys = keys
    }

    // MARK: Strings

    /// `plaintext` sealed under the current key.
    public func encrypt(_ plaintext: String) throws(DataCipherError) -> String {
        let key = keys.current
        do {
            let sealed = try AES.GCM.seal(Self.padded(Array(plaintext.utf8)), using: key.symmetricKey)
            guard let combined = sealed.combined else { throw DataCipherError.sealFailed }
            return "\(Self.prefix)\(Self.version):\(key.id):\(combined.base64EncodedString())"
        } catch {
            throw .sealFailed
        }
    }

    /// The plaintext of `stored`: decrypted when it is encrypted, as is when it is plaintext.
    public func decrypt(_ stored: String) throws(DataCipherError) -> String {
        guard let parsed = try Self.parse(stored) else { return stored }
        guard let key = keys.key(id: parsed.keyID) else { throw .unknownKey(keyID: parsed.keyID, configured: keys.ids) }
        let opened: Data
        do {
            opened = try AES.GCM.open(AES.GCM.SealedBox(combined: parsed.payload), using: key.symmetricKey)
        } catch {
            throw .authenticationFailed(keyID: parsed.keyID)
        }
        guard let bytes = Self.unpadded(opened), let text = String(validating: bytes, as: UTF8.self) else {
            throw .invalidContent
        }
        return text
    }

    /// `encrypt(_:)` for an optional value: nil stays nil.
    public func encryptIfPresent(_ plaintext: String?) throws(DataCipherError) -> String? {
        guard let plaintext else { return nil }
        return try encrypt(plaintext)
    }

    /// `decrypt(_:)` for an optional value: nil stays nil.
    public func decryptIfPresent(_ stored: String?) throws(DataCipherError) -> String? {
        guard let stored else { return nil }
        return try decrypt(stored)
    }

    // MARK: Lists

    /// `list` as one encrypted value (the JSON text of the list, encrypted).
    public func encrypt(list: [String]) throws(DataCipherError) -> String {
        let json: Data
        do { json = try JSONEncoder().encode(list) } catch { throw .sealFailed }
        return try encrypt(String(decoding: json, as: UTF8.self))
    }

    /// The list in `stored`: an encrypted JSON list, or a plaintext JSON list written before
    /// encryption.
    public func decryptList(_ stored: String) throws(DataCipherError) -> [String] {
        let json = try decrypt(stored)
        do { return try JSONDecoder().decode([String].self, from: Data(json.utf8)) } catch { throw .invalidContent }
    }

    // MARK: Keys and rotation

    /// True when `stored` has the encrypted form (whether or not a configured key opens it).
    public static func isEncrypted(_ stored: String) -> Bool {
        stored.hasPrefix(prefix)
    }

    /// The id of the key `stored` was encrypted with; nil for plaintext. Throws for a value
    /// that starts with `enc:` but is not a well-formed encrypted value.
    public static func keyID(of stored: String) throws(DataCipherError) -> String? {
        try parse(stored)?.keyID
    }

    /// `stored` re-encrypted under the current key, or nil when it already is (the value is
    /// then left as it is). Plaintext is encrypted.
    public func reencrypted(_ stored: String) throws(DataCipherError) -> String? {
        if let id = try Self.keyID(of: stored), id == keys.current.id {
            _ = try decrypt(stored)  // only a value the current key really opens counts as current
            return nil
        }
        return try encrypt(decrypt(stored))
    }

    // MARK: Format

    private struct Parsed {
        let keyID: String
        let payload: Data
    }

    /// nil for plaintext; the key id and `nonce | ciphertext | tag` for an encrypted value.
    private static func parse(_ stored: String) throws(DataCipherError) -> Parsed? {
        guard stored.hasPrefix(prefix) else { return nil }
        let parts = stored.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw .malformed }
        guard parts[1] == version else { throw .unsupportedVersion(String(parts[1].prefix(16))) }
        let keyID = parts[2]
        guard keyID.utf8.count == 8, keyID.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw .malformed
        }
        // nonce (12) + tag (16) + at least one padded block
        guard let payload = Data(base64Encoded: String(parts[3])), payload.count >= 12 + 16 + paddingBlock else {
            throw .malformed
        }
        return Parsed(keyID: String(keyID), payload: payload)
    }

    /// `bytes`, a 0x80 marker and zeros up to a multiple of `paddingBlock`.
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        result.append(0x80)
        let remainder = result.count % paddingBlock
        if remainder != 0 { result.append(contentsOf: repeatElement(0, count: paddingBlock - remainder)) }
        return result
    }

    /// The bytes before the padding, or nil when the padding is not well formed.
    static func unpadded(_ data: Data) -> [UInt8]? {
        let bytes = [UInt8](data)
        guard let marker = bytes.lastIndex(where: { $0 != 0 }), bytes[marker] == 0x80 else { return nil }
        return Array(bytes[..<marker])
    }
}

/// Why a stored value could not be decrypted (or a value encrypted). Never includes the value
/// or the key.
public enum DataCipherError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Encrypted with the key `keyID`, which is neither `PRIMER_DATA_KEY` nor
    /// `PRIMER_DATA_KEY_PREVIOUS` (their ids are `configured`).
    case unknownKey(keyID: String, configured: [String])
    /// The tag does not verify: the value was altered, or the key is not the one that sealed it.
    case authenticationFailed(keyID: String)
    /// Starts with `enc:` but is not `enc:v1:<8 hex digits>:<base64>`.
    case malformed
    /// Written by a newer format version.
    case unsupportedVersion(String)
    /// Opened, but the content is not what was sealed (padding, UTF-8, or not a JSON list).
    case invalidContent
    /// The crypto library refused to seal (not expected with a valid key).
    case sealFailed

    public var description: String {
        switch self {
        case let .unknownKey(keyID, configured):
            return "a value is encrypted with key \(keyID), but the configured keys are \(configured.joined(separator: ", "))"
        case .authenticationFailed(let keyID):
            return "a value that names key \(keyID) does not verify: it was altered, or the key is not the one that encrypted it"
        case .malformed:
            return "a value starts with 'enc:' but is not an encrypted value (enc:v1:<key id>:<base64>)"
        case .unsupportedVersion(let version):
            return "a value is encrypted in format '\(version)', which this version of Primer cannot read"
        case .invalidContent:
            return "a decrypted value is not in the expected form"
        case .sealFailed:
            return "a value could not be encrypted"
        }
    }
}

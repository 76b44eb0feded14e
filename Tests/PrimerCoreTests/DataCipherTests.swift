import Foundation
@testable import PrimerCore
import Testing

/// The at-rest cipher: AES-256-GCM values tagged with their key id (issue 14, "Background
/// encrypted at rest").
@Suite struct DataCipherTests {
    static let keyA = DataKey.random()
    static let keyB = DataKey.random()
    static let cipherA = DataCipher(keys: DataKeyRing(current: keyA))

    @Test func roundTripsTextListsAndOptionals() throws {
        let cipher = Self.cipherA
        for text in ["Beginner", "", "Zanzibar hovercraft", "naïve 日本語 🤖", String(repeating: "x", count: 2_000), "ends in NUL\u{0}\u{0}"] {
            let stored = try cipher.encrypt(text)
            #expect(stored.hasPrefix("enc:v1:\(Self.keyA.id):"))
            #expect(!stored.contains(text) || text.isEmpty)
            #expect(try cipher.decrypt(stored) == text)
        }
        let interests = ["Zanzibar hovercraft", "ROS 2", "a \"quoted\", comma/slash"]
        let list = try cipher.encrypt(list: interests)
        #expect(!list.contains("Zanzibar"))
        #expect(try cipher.decryptList(list) == interests)
        #expect(try cipher.decryptList(cipher.encrypt(list: [])) == [])
        #expect(try cipher.encryptIfPresent(nil) == nil)
        #expect(try cipher.decryptIfPresent(nil) == nil)
        #expect(try cipher.decryptIfPresent(cipher.encryptIfPresent("Python")) == "Python")
    }

    @Test func eachEncryptionUsesAFreshNonce() throws {
        let values = try (0..<50).map { _ in try Self.cipherA.encrypt("Advanced") }
        #expect(Set(values).count == values.count)
        let nonces = try values.map { value in try #require(Data(base64Encoded: String(value.split(separator: ":")[3]))).prefix(12) }
        #expect(Set(nonces).count == nonces.count)
    }

    @Test func lengthsArePaddedSoLevelsLookAlike() throws {
        let lengths = try ["None", "Basic", "Beginner", "Intermediate", "Advanced"].map { try Self.cipherA.encrypt($0).count }
        #expect(Set(lengths).count == 1)
        #expect(try Self.cipherA.encrypt(String(repeating: "a", count: 40)).count > lengths[0])
    }

    @Test func alteredValuesThrowInsteadOfDecrypting() throws {
        let stored = try Self.cipherA.encrypt("Intermediate")
        let parts = stored.split(separator: ":").map(String.init)
        var payload = try #require(Data(base64Encoded: parts[3]))
        for index in [0, 12, payload.count / 2, payload.count - 1] {  // nonce, ciphertext, tag
            var altered = payload
            altered[index] ^= 0x01
            let value = parts[0...2].joined(separator: ":") + ":" + altered.base64EncodedString()
            #expect(throws: DataCipherError.authenticationFailed(keyID: Self.keyA.id)) { try Self.cipherA.decrypt(value) }
        }
        payload.removeLast()
        #expect(throws: DataCipherError.self) { try Self.cipherA.decrypt(parts[0...2].joined(separator: ":") + ":" + payload.base64EncodedString()) }
        #expect(throws: DataCipherError.malformed) { try Self.cipherA.decrypt("enc:v1:\(Self.keyA.id)") }
        #expect(throws: DataCipherError.malformed) { try Self.cipherA.decrypt("enc:v1:XYZ:\(parts[3])") }
        #expect(throws: DataCipherError.malformed) { try Self.cipherA.decrypt("enc:v1:\(Self.keyA.id):not base64!") }
        #expect(throws: DataCipherError.unsupportedVersion("v9")) { try Self.cipherA.decrypt("enc:v9:\(Self.keyA.id):\(parts[3])") }
        // The key id is not authenticated on its own, but naming another configured key fails the tag.
        let both = DataCipher(keys: DataKeyRing(current: Self.keyB, previous: Self.keyA))
        let relabelled = "enc:v1:\(Self.keyB.id):\(parts[3])"
        #expect(throws: DataCipherError.authenticationFailed(keyID: Self.keyB.id)) { try both.decrypt(relabelled) }
    }

    @Test func aWrongKeyThrowsATypedError() throws {
        let stored = try Self.cipherA.encrypt("Zanzibar hovercraft")
        let other = DataCipher(keys: DataKeyRing(current: Self.keyB))
        #expect(throws: DataCipherError.unknownKey(keyID: Self.keyA.id, configured: [Self.keyB.id])) { try other.decrypt(stored) }
        #expect(throws: DataCipherError.self) { try other.decryptList(Self.cipherA.encrypt(list: ["x"])) }
        let message = String(describing: DataCipherError.unknownKey(keyID: Self.keyA.id, configured: [Self.keyB.id]))
        #expect(message.contains(Self.keyA.id) && message.contains(Self.keyB.id))
    }

    @Test func thePreviousKeyDecryptsAndOnlyTheCurrentOneEncrypts() throws {
        let old = try Self.cipherA.encrypt("Advanced")
        let rotating = DataCipher(keys: DataKeyRing(current: Self.keyB, previous: Self.keyA))
        #expect(try rotating.decrypt(old) == "Advanced")
        let fresh = try rotating.encrypt("Advanced")
        #expect(try DataCipher.keyID(of: fresh) == Self.keyB.id)
        // Re-encryption moves old values to the current key and leaves current ones alone.
        let moved = try #require(try rotating.reencrypted(old))
        #expect(try DataCipher.keyID(of: moved) == Self.keyB.id)
        #expect(try rotating.decrypt(moved) == "Advanced")
        #expect(try rotating.reencrypted(moved) == nil)
        #expect(try DataCipher.keyID(of: try #require(try rotating.reencrypted("plain"))) == Self.keyB.id)
        // After the rotation, the new key alone reads it; the old key alone no longer does.
        #expect(try DataCipher(keys: DataKeyRing(current: Self.keyB)).decrypt(moved) == "Advanced")
        #expect(throws: DataCipherError.self) { try Self.cipherA.decrypt(moved) }
    }

    @Test func plaintextWrittenBeforeEncryptionReadsAsIs() throws {
        #expect(try Self.cipherA.decrypt("Beginner") == "Beginner")
        #expect(try Self.cipherA.decryptList(#"["ROS 2","Zanzibar hovercraft"]"#) == ["ROS 2", "Zanzibar hovercraft"])
        let encrypted = try Self.cipherA.encrypt("Beginner")
        #expect(!DataCipher.isEncrypted("Beginner") && DataCipher.isEncrypted(encrypted))
        #expect(try DataCipher.keyID(of: "Beginner") == nil)
    }

    @Test func keyIDIsTheFirstEightHexDigitsOfTheKeysSHA256() throws {
        // SHA-256 of 32 zero bytes is 66687aadf862bd77…
        #expect(try DataKey(bytes: [UInt8](repeating: 0, count: 32)).id == "66687aad")
        // SHA-256("primer-data-key-test-vector-0001") is 57789e77e87afd53…
        let key = try DataKey(base64: "cHJpbWVyLWRhdGEta2V5LXRlc3QtdmVjdG9yLTAwMDE=")
        #expect(key.id == "57789e77")
        #expect(key.base64 == "cHJpbWVyLWRhdGEta2V5LXRlc3QtdmVjdG9yLTAwMDE=")
        #expect(try DataKey(base64: "  cHJpbWVyLWRhdGEta2V5LXRlc3QtdmVjdG9yLTAwMDE \n") == key)  // padding optional, whitespace ignored
        let random = DataKey.random()
        #expect(random.id.count == 8 && random.id.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(try DataKey(base64: random.base64) == random)
        let stored = try DataCipher(keys: DataKeyRing(current: key)).encrypt("x")
        #expect(stored.split(separator: ":")[2] == "57789e77")
    }

    @Test func badKeysAreRefusedWithoutEchoingThem() {
        #expect(throws: DataKeyError.wrongLength(16)) { try DataKey(base64: Data(count: 16).base64EncodedString()) }
        #expect(throws: DataKeyError.wrongLength(33)) { try DataKey(bytes: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: DataKeyError.notBase64) { try DataKey(base64: "not base64 at all!") }
        let key = DataKey.random()
        #expect(!String(describing: key).contains(key.base64))
        #expect(!String(reflecting: key).contains(key.base64))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(key.base64) && dumped.contains(key.id))
    }
}

/// `PRIMER_DATA_KEY` and `PRIMER_DATA_KEY_PREVIOUS` in the settings.
@Suite struct DataKeySettingsTests {
    static func problems(_ environment: [String: String], production: Bool) -> [String] {
        do {
            _ = try PrimerSettings.load(from: environment, production: production)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func keysAreReadFromBase64() throws {
        let current = DataKey.random(), previous = DataKey.random()
        let settings = try PrimerSettings.load(from: ["PRIMER_DATA_KEY": current.base64, "PRIMER_DATA_KEY_PREVIOUS": previous.base64],
                                               production: false)
        #expect(settings.dataKey == current && settings.previousDataKey == previous)
        let defaults = try PrimerSettings.load(from: [:], production: false)
        #expect(defaults.dataKey == nil && defaults.previousDataKey == nil)  // development: generated into the data directory
    }

    @Test func badKeysAreStartUpProblemsThatNeverEchoTheValue() {
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        let problems = Self.problems(["PRIMER_DATA_KEY": short, "PRIMER_DATA_KEY_PREVIOUS": "%%% not base64 %%%"], production: false)
        #expect(problems.count == 2)
        #expect(problems.contains { $0.hasPrefix("PRIMER_DATA_KEY must be 32 bytes in base64 (got 16 bytes)") })
        #expect(problems.contains { $0.hasPrefix("PRIMER_DATA_KEY_PREVIOUS is not base64") })
        #expect(!problems.joined().contains(short) && !problems.joined().contains("%%%"))
    }

    @Test func productionRequiresTheKeyAndListsItWithTheOthers() {
        let missing = Self.problems(["BETTER_AUTH_SECRET": String(repeating: "s", count: 32), "BCRYPT_COST": "4"], production: true)
        #expect(missing.contains { $0.hasPrefix("PRIMER_DATA_KEY is missing") })
        #expect(missing.contains { $0.hasPrefix("BCRYPT_COST") })
        let set = Self.problems(["PRIMER_DATA_KEY": DataKey.random().base64], production: true)
        #expect(!set.contains { $0.hasPrefix("PRIMER_DATA_KEY") })
        #expect(PrimerSettings.documentedNames.contains("PRIMER_DATA_KEY") && PrimerSettings.documentedNames.contains("PRIMER_DATA_KEY_PREVIOUS"))
    }
}

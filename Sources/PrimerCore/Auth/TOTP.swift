import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as authenticator apps compute them: HMAC-SHA1 over
/// the number of 30-second steps since the Unix epoch, dynamically truncated (RFC 4226 §5.3) to
/// 6 decimal digits. A code is accepted for its own step and one step either side, to allow for
/// clock drift and typing time; callers store the last step used so that no code works twice.
public struct TOTP: Sendable {
    /// Digits per code, seconds per time step, and steps accepted either side of the current one.
    public static let digits = 6, period: TimeInterval = 30, window = 1

    /// Length in bytes of a newly generated secret (160 bits, the size of an SHA-1 output).
    public static let secretByteCount = 20

    /// The shared secret (HMAC key).
    public let secret: [UInt8]

    /// A generator for `secret` (any length; new secrets are 20 random bytes).
    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// 20 bytes from the system's cryptographically secure random number generator.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<secretByteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The secret in RFC 4648 base32 (uppercase, no padding), as authenticator apps take it when typed in.
    public var base32Secret: String {
        Self.base32Encode(secret)
    }

    /// A generator for a base32 secret. Lowercase letters, spaces, dashes and `=` padding are
    /// accepted; nil when the text is empty, has another character or can't be base32 (a length
    /// of 1, 3 or 6 modulo 8).
    public init?(base32 secret: String) {
        guard let bytes = Self.base32Decode(secret), !bytes.isEmpty else { return nil }
        self.secret = bytes
    }

    /// The code for the time step containing `date`, zero-padded to `digits` (1–10) digits.
    public func code(at date: Date, digits: Int = 6) -> String {
        code(counter: Self.step(at: date), digits: digits)
    }

    /// The HOTP value (RFC 4226) for `counter`, zero-padded to `digits` (1–10) digits.
    public func code(counter: UInt64, digits: Int = 6) -> String {
        precondition((1...10).contains(digits), "TOTP codes have 1 to 10 digits")
        var message = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { message[index] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64(index))) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        // Dynamic truncation: 31 bits read at the offset named by the last byte's low nibble.
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let truncated = UInt64(mac[offset] & 0x7f) << 24 | UInt64(mac[offset + 1]) << 16
            | UInt64(mac[offset + 2]) << 8 | UInt64(mac[offset + 3])
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(truncated % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// The time step (counter) that `code` matches within ±window of `date`, or nil. Callers store the last used step so a code can't be used twice.
    ///
    /// `code` must be exactly ``digits`` ASCII digits (callers strip spaces first); anything else
    /// matches nothing. Every step of the window is compared in constant time, so the time taken
    /// says nothing about how close a guess was. When two steps' codes coincide, the step nearest
    /// to `date` wins.
    public func matchingStep(_ code: String, at date: Date) -> UInt64? {
        let typed = Array(code.utf8)
        guard typed.count == Self.digits, typed.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        let current = Self.step(at: date)
        var match: UInt64?
        // Nearest first: the current step, then one step either side, and so on.
        var candidates: [UInt64] = [current]
        for distance in stride(from: UInt64(1), through: UInt64(Self.window), by: 1) {
            if current >= distance { candidates.append(current - distance) }
            if current <= UInt64.max - distance { candidates.append(current + distance) }
        }
        for step in candidates {
            let expected = Array(self.code(counter: step, digits: Self.digits).utf8)
            if Self.constantTimeEqual(expected, typed), match == nil { match = step }
        }
        return match
    }

    /// A `otpauth://totp/…` URI (Google Authenticator's key URI format) for enrolling the secret
    /// in an authenticator app, usually shown as a QR code. The label is `issuer:account`; issuer
    /// and account are percent-encoded (everything but RFC 3986 unreserved characters), so a colon
    /// or space in either can't break the label.
    public func otpauthURL(issuer: String, account: String) -> String {
        let label = Self.percentEncode(issuer) + ":" + Self.percentEncode(account)
        return "otpauth://totp/\(label)?secret=\(base32Secret)&issuer=\(Self.percentEncode(issuer))"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Int(Self.period))"
    }

    // MARK: - Helpers

    /// The number of whole periods between the Unix epoch and `date` (0 before the epoch).
    static func step(at date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970
        guard seconds > 0 else { return 0 }
        return UInt64((seconds / period).rounded(.down))
    }

    /// Whether `a` and `b` are equal, in time that depends only on their lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// `text`'s UTF-8 bytes with everything but `A–Z a–z 0–9 - . _ ~` as `%XX`.
    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                result += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0f)])
            }
        }
        return result
    }

    static let base32Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// RFC 4648 §6 base32 of `bytes`, uppercase, without `=` padding.
    static func base32Encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(base32Alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { output.append(base32Alphabet[Int(buffer << UInt32(5 - bits) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of base32 `text` (any case; spaces, dashes and `=` ignored), or nil when a
    /// character is outside the alphabet or the length can't come from whole bytes.
    static func base32Decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): values.append(byte - UInt8(ascii: "2") + 26)
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"), UInt8(ascii: "="): continue
            default: return nil
            }
        }
        // 8 characters carry 5 bytes; a final group of 1, 3 or 6 characters is never produced.
        guard ![1, 3, 6].contains(values.count % 8) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(values.count * 5 / 8)
        var buffer: UInt32 = 0, bits = 0
        for value in values {
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }
}

import Foundation
@testable import PrimerCore
import Testing

@Suite struct TOTPTests {
    /// RFC 6238 Appendix B: the SHA-1 seed and its 8-digit codes.
    static let rfc = TOTP(secret: Array("12345678901234567890".utf8))
    static let vectors: [(time: TimeInterval, code: String)] = [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ]

    @Test func rfc6238AppendixBSha1Vectors() {
        for (time, code) in Self.vectors {
            let date = Date(timeIntervalSince1970: time)
            #expect(Self.rfc.code(at: date, digits: 8) == code, "T = \(time)")
            #expect(Self.rfc.code(counter: UInt64(time) / 30, digits: 8) == code, "T = \(time)")
            // The 6-digit code is the same number modulo 10⁶: the last six digits.
            #expect(Self.rfc.code(at: date) == String(code.suffix(6)), "T = \(time)")
            #expect(Self.rfc.matchingStep(String(code.suffix(6)), at: date) == UInt64(time) / 30, "T = \(time)")
        }
    }

    @Test func constantsAreTheRfcDefaults() {
        #expect(TOTP.digits == 6)
        #expect(TOTP.period == 30)
        #expect(TOTP.window == 1)
    }

    @Test func codesAreZeroPadded() {
        // 07081804 at T = 1111111109 keeps its leading zero; so does every short digit count.
        #expect(Self.rfc.code(counter: 37_037_036, digits: 8) == "07081804")
        for counter in UInt64(0)..<200 {
            #expect(Self.rfc.code(counter: counter).count == 6)
            #expect(Self.rfc.code(counter: counter, digits: 1).count == 1)
        }
        // Some 6-digit code of the first thousand steps starts with 0, and keeps it.
        #expect((UInt64(0)..<1000).contains { Self.rfc.code(counter: $0).hasPrefix("0") })
    }

    @Test func stepBoundariesFollowThe30SecondPeriod() {
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 0)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 29.999)) == 0)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: 30)) == 1)
        #expect(TOTP.step(at: Date(timeIntervalSince1970: -100)) == 0)
        let date = Date(timeIntervalSince1970: 1_111_111_109)
        #expect(Self.rfc.code(at: date) == Self.rfc.code(at: Date(timeIntervalSince1970: 1_111_111_080)))
    }

    @Test func oneStepEitherSideIsAcceptedAndTwoAreNot() {
        let totp = TOTP(secret: TOTP.generateSecret())
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(totp.code(at: now), at: now) == step)
        #expect(totp.matchingStep(totp.code(counter: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(totp.code(counter: step + 1), at: now) == step + 1)
        // ±2 steps are outside the window (unless, once in a million, the codes coincide).
        for far in [step - 2, step + 2, step - 10, step + 10] {
            let code = totp.code(counter: far)
            let nearby = (step - 1...step + 1).map { totp.code(counter: $0) }
            if !nearby.contains(code) { #expect(totp.matchingStep(code, at: now) == nil) }
        }
        // Checked against the clock: later in the same step, and in the next one, the code still names its step.
        #expect(totp.matchingStep(totp.code(at: now), at: now.addingTimeInterval(14)) == step)
        #expect(totp.matchingStep(totp.code(at: now), at: now.addingTimeInterval(45)) == step)
    }

    @Test func theFirstStepHasNoPredecessor() {
        let epoch = Date(timeIntervalSince1970: 1)
        #expect(Self.rfc.matchingStep(Self.rfc.code(counter: 0), at: epoch) == 0)
        #expect(Self.rfc.matchingStep(Self.rfc.code(counter: 1), at: epoch) == 1)
    }

    @Test func malformedCodesAreRejected() {
        let date = Date(timeIntervalSince1970: 59)
        let valid = Self.rfc.code(at: date)  // "287082"
        #expect(Self.rfc.matchingStep(valid, at: date) != nil)
        let malformed = [
            "", "28708", "2870820", "94287082", " " + valid, valid + " ", "287 082", "28708a", "-28708", "+28708",
            "２８７０８２",  // full-width digits
            "٢٨٧٠٨٢",  // Arabic-Indic digits
            "287082\n",
        ]
        for code in malformed { #expect(Self.rfc.matchingStep(code, at: date) == nil, "\(code.debugDescription)") }
    }

    @Test func constantTimeComparison() {
        #expect(TOTP.constantTimeEqual(Array("123456".utf8), Array("123456".utf8)))
        #expect(!TOTP.constantTimeEqual(Array("123456".utf8), Array("123457".utf8)))
        #expect(!TOTP.constantTimeEqual(Array("923456".utf8), Array("123456".utf8)))
        #expect(!TOTP.constantTimeEqual(Array("12345".utf8), Array("123456".utf8)))
    }

    // MARK: Base32

    /// RFC 4648 §10, without the padding (`base32Secret` leaves it out).
    static let base32Vectors: [(String, String)] = [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI"),
    ]

    @Test func base32Rfc4648Vectors() {
        for (plain, encoded) in Self.base32Vectors {
            #expect(TOTP.base32Encode(Array(plain.utf8)) == encoded)
            #expect(TOTP.base32Decode(encoded) == Array(plain.utf8))
            let padded = encoded + String(repeating: "=", count: (8 - encoded.count % 8) % 8)
            #expect(TOTP.base32Decode(padded) == Array(plain.utf8), "\(padded)")
            #expect(TOTP.base32Decode(padded.lowercased()) == Array(plain.utf8), "\(padded)")
        }
        #expect(TOTP(secret: Array("foobar".utf8)).base32Secret == "MZXW6YTBOI")
        #expect(TOTP(base32: "MZXW6YTBOI======")?.secret == Array("foobar".utf8))
        #expect(Self.rfc.base32Secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    }

    @Test func base32IsTolerantOfCaseSpacesAndPadding() {
        let expected = Array("12345678901234567890".utf8)
        for typed in ["gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
                      "GezdGNBVgy3tQOJQgezdGNBVgy3tQOJQ", " GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\t"] {
            #expect(TOTP(base32: typed)?.secret == expected, "\(typed)")
        }
    }

    @Test func base32RejectsWhatCantBeASecret() {
        for text in ["", "   ", "====", "MZXW1", "MZXW0", "MZXW8", "MZXW6!", "MZXÜ", "M", "MZX", "MZXW6Y"] {
            #expect(TOTP(base32: text) == nil, "\(text)")
        }
    }

    @Test func newSecretsAre20RandomBytesThatRoundTrip() {
        let secrets = (0..<50).map { _ in TOTP.generateSecret() }
        #expect(secrets.allSatisfy { $0.count == 20 })
        #expect(Set(secrets).count == 50)
        for secret in secrets {
            let totp = TOTP(secret: secret)
            #expect(totp.base32Secret.count == 32)  // 160 bits = 32 characters, no padding
            #expect(totp.base32Secret.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
            #expect(TOTP(base32: totp.base32Secret)?.secret == secret)
        }
        for length in 1...12 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + length) % 256) }
            #expect(TOTP.base32Decode(TOTP.base32Encode(bytes)) == bytes)
        }
    }

    // MARK: otpauth URL

    @Test func otpauthURLFormat() {
        let url = Self.rfc.otpauthURL(issuer: "Primer", account: "ada@example.com")
        #expect(url == "otpauth://totp/Primer:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            + "&issuer=Primer&algorithm=SHA1&digits=6&period=30")
    }

    @Test func otpauthURLPercentEncodesIssuerAndAccount() throws {
        let url = Self.rfc.otpauthURL(issuer: "Primer: Physical AI", account: "zoë+tag@example.com")
        #expect(url.hasPrefix("otpauth://totp/Primer%3A%20Physical%20AI:zo%C3%AB%2Btag%40example.com?"))
        let components = try #require(URLComponents(string: url))
        #expect(components.scheme == "otpauth")
        #expect(components.host == "totp")
        #expect(components.path == "/Primer: Physical AI:zoë+tag@example.com")
        let query = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query == ["secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "issuer": "Primer: Physical AI",
                          "algorithm": "SHA1", "digits": "6", "period": "30"])
        // Exactly one unencoded colon: the one between issuer and account.
        #expect(url.dropFirst("otpauth://totp/".count).prefix { $0 != "?" }.filter { $0 == ":" }.count == 1)
    }

    // MARK: Backup codes

    @Test func backupCodesAreUniqueAndWellFormed() {
        let codes = BackupCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        let alphabet = Set(BackupCodes.alphabet)
        for code in codes {
            let characters = Array(code)
            #expect(characters.count == 9, "\(code)")
            #expect(characters[4] == "-", "\(code)")
            #expect((characters[0..<4] + characters[5...]).allSatisfy { alphabet.contains($0) }, "\(code)")
        }
        #expect(BackupCodes.generate(count: 0).isEmpty)
        let many = BackupCodes.generate(count: 500)
        #expect(Set(many).count == 500)
        // Every character of the alphabet turns up among 4,000 random ones.
        #expect(Set(many.joined().filter { $0 != "-" }) == alphabet)
    }

    @Test func backupCodeAlphabetHasNoLookAlikes() {
        #expect(BackupCodes.alphabet.count == 31)
        #expect(Set(BackupCodes.alphabet).count == 31)
        for ambiguous in "01ilo" { #expect(!BackupCodes.alphabet.contains(ambiguous)) }
        #expect(BackupCodes.alphabet.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
    }

    @Test func backupCodesNormalize() {
        #expect(BackupCodes.normalize("k3m9-x2pq") == "k3m9x2pq")
        #expect(BackupCodes.normalize(" K3M9-X2PQ ") == "k3m9x2pq")
        #expect(BackupCodes.normalize("k3m9 x2pq") == "k3m9x2pq")
        #expect(BackupCodes.normalize("K3M9\u{2013}X2PQ\n") == "k3m9x2pq")
        #expect(BackupCodes.normalize("k3m9x2pq") == "k3m9x2pq")
        for code in BackupCodes.generate() {
            #expect(BackupCodes.normalize(code) == code.replacingOccurrences(of: "-", with: ""))
            #expect(BackupCodes.normalize(code.uppercased()) == BackupCodes.normalize(code))
        }
    }
}

import Foundation
@testable import PrimerCore
import Testing

@Suite struct ValidationTests {
    @Test(arguments: [
        ("  Ada@Example.COM ", "ada@example.com"), ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
    ])
    func emailsAreNormalised(raw: String, expected: String) throws {
        #expect(try EmailAddress(parsing: raw).value == expected)
    }

    @Test(arguments: ["", "plain", "a@b", "a@@b.com", "a b@c.com", ".a@b.com", "a..b@c.com", "a@-b.com", "a@b.c",
                      "a@b.com.", String(repeating: "a", count: 250) + "@b.com", "é@b.com"])
    func invalidEmailsAreRejected(raw: String) {
        #expect(throws: FieldProblem.self) { try EmailAddress(parsing: raw) }
    }

    @Test func passwordPolicyMatchesThePlan() throws {
        try PasswordPolicy.check("Sturdy#Pass1")
        try PasswordPolicy.check("Ünïcødé-9x")  // non-ASCII letters count as letters
        try PasswordPolicy.check("Space Is 0k")  // a space is a symbol
        #expect(throws: FieldProblem.self) { try PasswordPolicy.check("Sturdy#Pass") }
    }

    @Test func everyUnmetPasswordRuleIsListedAtOnce() {
        #expect(throws: FieldProblem("must be at least 8 characters, contain an uppercase letter, contain a digit and "
                                     + "contain a character that is neither a letter nor a digit")) { try PasswordPolicy.check("abc") }
        #expect(throws: FieldProblem("must contain a digit")) { try PasswordPolicy.check("Sturdy#Pass") }
        #expect(PasswordPolicy.unmet("Sturdy#Pass1").isEmpty)
    }

    @Test func interestsAreNormalised() throws {
        #expect(try Interests.normalize([" ROS ", "ros", "Vision"]) == ["ROS", "Vision"])
        #expect(throws: FieldProblem.self) { try Interests.normalize(["ok", ""]) }
        #expect(throws: FieldProblem.self) { try Interests.normalize((0..<11).map { "t\($0)" }) }
    }

    @Test func experienceLevelsParseAnyCase() throws {
        #expect(try SoftwareExperience(parsing: "aDvAnCeD") == .advanced)
        #expect(try HardwareExperience(parsing: "none") == HardwareExperience.none)
        #expect(throws: FieldProblem.self) { try ProgrammingBackground(parsing: "expert") }
    }

    @Test func profileChangesListOnlyRealDifferences() {
        var profile = ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none, interests: ["A"])
        var name: String? = "N"
        let changes = profile.apply(ProfileChange(softwareExperience: .beginner, hardwareExperience: .basic,
                                                  programmingBackground: .some(nil), interests: ["B"], name: .some(nil)), name: &name)
        #expect(changes.map(\.field) == ["hardware_experience", "interests", "name"])
        #expect(changes[1] == FieldChange(field: "interests", old: .list(["A"]), new: .list(["B"])))
        #expect(name == nil && profile.hardwareExperience == .basic)
    }
}

@Suite struct TokenTests {
    @Test func successorsAreDeterministicAndSecretBound() {
        let a = RefreshTokens(secret: "secret-a"), b = RefreshTokens(secret: "secret-b")
        let token = a.generate()
        #expect(Base64URL.decode(Substring(token))?.count == 32)
        #expect(a.successor(of: token) == a.successor(of: token))
        #expect(a.successor(of: token) != b.successor(of: token))
        #expect(a.successor(of: token) != token)
        #expect(a.generate() != a.generate())
        #expect(RefreshTokens.hash(token).count == 64)
    }

    @Test func bcryptInputKeepsShortPasswordsAndDigestsLongOnes() {
        #expect(BcryptInput.prepare("Sturdy#Pass1") == "Sturdy#Pass1")
        let long1 = String(repeating: "a", count: 72) + "1", long2 = String(repeating: "a", count: 72) + "2"
        #expect(BcryptInput.prepare(long1) != BcryptInput.prepare(long2))
        #expect(BcryptInput.prepare(long1).utf8.count <= 72)
        #expect(BcryptInput.prepare("a\u{0}b") != BcryptInput.prepare("a\u{0}c"))
    }
}

import Foundation
@testable import PrimerCore
import Testing

@Suite struct SettingsTests {
    @Test func defaultsFollowThePlans() throws {
        let settings = try PrimerSettings.load(from: [:], production: false)
        #expect(settings.accessTokenMinutes == 15 && settings.refreshTokenDays == 7)
        #expect(settings.bcryptCost == 12)
        #expect(settings.rateLimits.signup == RateLimitRule(count: 5, seconds: 60))
        #expect(settings.rateLimits.signin == RateLimitRule(count: 10, seconds: 60))
        #expect(settings.rateLimits.refresh == RateLimitRule(count: 30, seconds: 60))
        #expect(settings.rateLimits.general == RateLimitRule(count: 120, seconds: 60))
        #expect(settings.dataDirectory == "./data" && settings.databaseURL == nil && settings.authSecret == nil)
    }

    @Test func environmentOverridesDefaults() throws {
        let settings = try PrimerSettings.load(from: [
            "PRIMER_DATA_DIR": "/var/lib/primer", "DATABASE_URL": "postgres://u:p@db:5432/primer",
            "ACCESS_TOKEN_EXPIRE_MINUTES": "30", "REFRESH_TOKEN_EXPIRE_DAYS": "14", "CORS_ORIGINS": "https://a.io, https://b.io",
            "RATE_LIMIT_SIGNUP": "2/minute", "TRUSTED_PROXIES": "10.0.0.0/8,127.0.0.1", "BCRYPT_COST": "11",
        ], production: false)
        #expect(settings.dataDirectory == "/var/lib/primer")
        #expect(settings.databaseURL == "postgres://u:p@db:5432/primer")
        #expect(settings.accessTokenMinutes == 30 && settings.refreshTokenDays == 14 && settings.bcryptCost == 11)
        #expect(settings.corsOrigins == ["https://a.io", "https://b.io"])
        #expect(settings.rateLimits.signup.count == 2)
        #expect(settings.trustedProxies.count == 2)
    }

    @Test func productionListsEveryProblemAtOnce() {
        do {
            _ = try PrimerSettings.load(from: [
                "BETTER_AUTH_SECRET": "short", "RATE_LIMIT_SIGNIN": "lots", "ACCESS_TOKEN_EXPIRE_MINUTES": "0",
                "CORS_ORIGINS": "*", "BCRYPT_COST": "4", "DATABASE_URL": "mysql://x",
            ], production: true)
            Issue.record("weak production settings were accepted")
        } catch {
            #expect(error.problems.count == 10)  // the six above, and SMTP_URL, EMAIL_FROM, PUBLIC_URL and PRIMER_DATA_KEY missing
            #expect(error.description.contains("PRIMER_DATA_KEY is missing"))
            #expect(error.description.contains("SMTP_URL is missing"))
            #expect(error.description.contains("EMAIL_FROM is missing"))
            #expect(error.description.contains("PUBLIC_URL is missing"))
            #expect(error.description.contains("BETTER_AUTH_SECRET is too weak"))
            #expect(error.description.contains("RATE_LIMIT_SIGNIN"))
            #expect(error.description.contains("ACCESS_TOKEN_EXPIRE_MINUTES"))
            #expect(error.description.contains("CORS_ORIGINS"))
            #expect(error.description.contains("BCRYPT_COST"))
            #expect(error.description.contains("DATABASE_URL"))
        }
    }

    @Test func productionRequiresASecret() {
        #expect(throws: SettingsError.self) { try PrimerSettings.load(from: [:], production: true) }
        #expect(throws: Never.self) {
            try PrimerSettings.load(from: ["BETTER_AUTH_SECRET": String(repeating: "s", count: 32)].merging(Self.productionMail) { $1 }, production: true)
        }
    }

    /// The mail settings and the data key production requires besides the secret.
    static let productionMail = [
        "SMTP_URL": "smtp://primer:password@smtp.example.com:587", "EMAIL_FROM": "Primer <primer@example.com>",
        "PUBLIC_URL": "https://book.example.com", "PRIMER_DATA_KEY": DataKey.random().base64,
    ]

    @Test func developmentAllowsAMissingSecret() throws {
        #expect(try PrimerSettings.load(from: ["BETTER_AUTH_SECRET": "short"], production: false).authSecret == "short")
    }
}

@Suite struct EnvExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func envExampleListsEverySetting() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(".env.example"), encoding: .utf8)
        for name in PrimerSettings.documentedNames {
            #expect(text.contains("\n\(name)="), "\(name) is missing from .env.example")
        }
    }

    /// Every environment variable the code reads (found in the sources) is documented: listed in
    /// `documentedNames`, in `.env.example` and in the README.
    @Test func everySettingReadIsDocumented() throws {
        let pattern = try NSRegularExpression(pattern: #"(?:value|integer|rule|Environment\.get)\("([A-Z][A-Z0-9_]+)"|environment\["([A-Z][A-Z0-9_]+)"\]"#)
        var read = Set<String>()
        let files = FileManager.default.enumerator(at: Self.root.appendingPathComponent("Sources"), includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                for group in 1...2 {
                    if let range = Range(match.range(at: group), in: text) { read.insert(String(text[range])) }
                }
            }
        }
        let tuning: Set = ["OPENBLAS_NUM_THREADS"]  // OpenBLAS's own variable, documented by OpenBLAS
        #expect(read.count > 20, "the scan found too few settings: \(read.sorted())")
        let example = try String(contentsOf: Self.root.appendingPathComponent(".env.example"), encoding: .utf8)
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for name in read.subtracting(tuning).sorted() {
            #expect(PrimerSettings.documentedNames.contains(name), "\(name) is read but not in PrimerSettings.documentedNames")
            #expect(example.contains("\n\(name)="), "\(name) is read but missing from .env.example")
            #expect(readme.contains("`\(name)`"), "\(name) is read but missing from the README")
        }
    }
}

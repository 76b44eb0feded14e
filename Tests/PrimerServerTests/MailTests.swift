import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import PrimerCore
@testable import PrimerServer
import PrimerTestSupport
import Testing
import Vapor

/// Outgoing mail: settings, MIME, templates, the SMTP client against a real SMTP server
/// (aiosmtpd, see `SMTPTestServer`), the outbox, the queue and its wiring into the app.
enum MailTests {
    static let book = "Physical AI & Humanoid Robotics"
    static let sender = try! MailAddress(parsing: "Primer <primer@example.com>")
    static let reader = try! MailAddress(address: "reader@example.com", name: "Ada")

    /// A logger whose lines (after Primer's redaction) land in `logs`.
    static func logger(_ logs: LogCapture) -> Logger {
        Logger(label: "primer.mail.test") { _ in RedactingLogHandler(wrapping: logs.handler()) }
    }

    static func client(_ url: String, timeouts: SMTPClient.Timeouts = SMTPClient.Timeouts()) throws -> SMTPClient {
        try SMTPClient(server: SMTPServer(parsing: url), clientName: "primer.test", group: MultiThreadedEventLoopGroup.singleton, timeouts: timeouts)
    }

    static func mailer(_ url: String) throws -> SMTPMailer {
        SMTPMailer(client: try client(url), from: sender)
    }

    /// Runs `body` with a fresh SMTP server, stopped afterwards.
    static func withSMTPServer(_ options: SMTPTestServer.Options = SMTPTestServer.Options(),
                               _ body: (SMTPTestServer) async throws -> Void) async throws {
        let server = try await SMTPTestServer.start(options)
        try await withCleanup({ try await body(server) }, cleanup: { await server.stop() })
    }

    /// Text as Python's email package returns it, compared line by line: LF line endings, no
    /// trailing line breaks.
    static func normalised(_ text: String?) -> String {
        var text = (text ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// A free loopback port (bound, then released).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    // MARK: - Settings

    @Suite struct Settings {
        @Test func smtpURLForms() throws {
            let plain = try SMTPServer(parsing: "smtp://user:pass@mail.example.com:587")
            #expect(plain == SMTPServer(host: "mail.example.com", port: 587, security: .startTLSWhenOffered, username: "user", password: "pass"))
            #expect(try SMTPServer(parsing: "smtp://mail.example.com").port == 587)
            #expect(try SMTPServer(parsing: "smtp://mail.example.com").username == nil)
            let implicit = try SMTPServer(parsing: "smtps://u:p@mail.example.com")
            #expect(implicit.security == .implicitTLS && implicit.port == 465)
            let decoded = try SMTPServer(parsing: "SMTP://u%40x.io:p%3Aa%20ss%25%C3%A9@mail.example.com:2525/?starttls=required")
            #expect(decoded.username == "u@x.io" && decoded.password == "p:a ss%é")
            #expect(decoded.security == .startTLSRequired && decoded.port == 2525 && decoded.verifyCertificate)
            let unverified = try SMTPServer(parsing: "smtp://127.0.0.1:2525?tls_verify=false&starttls=required")
            #expect(!unverified.verifyCertificate && unverified.security == .startTLSRequired && unverified.isLoopback)
            let v6 = try SMTPServer(parsing: "smtp://[::1]:25")
            #expect(v6.host == "::1" && v6.port == 25)
            #expect(try SMTPServer(parsing: "smtp://apikey@mail.example.com").username == "apikey")
        }

        @Test(arguments: [
            "http://mail.example.com", "smtp://", "smtp://mail.example.com:0", "smtp://mail.example.com:99999",
            "smtp://mail.example.com?starttls=maybe", "smtps://mail.example.com?starttls=required",
            "smtp://u:hunter2%zz@mail.example.com", "smtp://mail.example.com/relay", "mail.example.com:587",
            "smtp://:hunter2@mail.example.com", "smtp://mail.example.com?verify=no",
        ])
        func badSMTPURLsAreRefusedWithoutShowingThePassword(url: String) {
            do {
                _ = try PrimerSettings.load(from: ["SMTP_URL": url], production: false)
                Issue.record("\(url) was accepted")
            } catch {
                #expect(error.problems.count == 1)
                #expect(error.problems[0].hasPrefix("SMTP_URL must look like"))
                #expect(!error.description.contains("hunter2"))
            }
        }

        @Test func thePasswordIsNeverShown() throws {
            let settings = try PrimerSettings.load(from: ["SMTP_URL": "smtp://mailer:hunter2@mail.example.com"], production: false)
            #expect(settings.mail.smtp?.password == "hunter2")
            for text in [String(describing: settings), String(reflecting: settings), "\(settings.mail)", "\(settings.mail.smtp!)"] {
                #expect(!text.contains("hunter2"))
            }
            #expect(settings.mail.smtp?.description == "smtp://mailer:***@mail.example.com:587")
        }

        @Test func senderAndPublicURL() throws {
            let settings = try PrimerSettings.load(from: [
                "EMAIL_FROM": "\"Primer, the book\" <primer@example.com>", "PUBLIC_URL": "https://book.example.com/",
            ], production: false)
            #expect(settings.mail.from == (try MailAddress(address: "primer@example.com", name: "Primer, the book")))
            #expect(settings.mail.publicURL == "https://book.example.com")
            #expect(try MailAddress(parsing: "primer@example.com").name == nil)
            #expect(try MailAddress(parsing: "Primer <primer@example.com>").name == "Primer")
            let defaults = try PrimerSettings.load(from: [:], production: false)
            #expect(defaults.mail.smtp == nil && defaults.mail.from.address == "primer@localhost")
            #expect(defaults.mail.publicURL == "http://127.0.0.1:8080")
        }

        @Test(arguments: [
            ["EMAIL_FROM": "Primer <not an address>"], ["EMAIL_FROM": "a@b.c>\r\nBcc: x@y.z"], ["EMAIL_FROM": "Primer"],
            ["PUBLIC_URL": "ftp://book.example.com"], ["PUBLIC_URL": "https://book.example.com/?next=1"], ["PUBLIC_URL": "https://"],
        ])
        func badSenderOrPublicURL(environment: [String: String]) {
            #expect(throws: SettingsError.self) { try PrimerSettings.load(from: environment, production: false) }
        }

        /// The problems production start-up reports for `environment` (none: it would start).
        static func productionProblems(_ environment: [String: String]) -> [String] {
            do {
                _ = try PrimerSettings.load(from: environment, production: true)
                return []
            } catch {
                return error.problems
            }
        }

        @Test func productionNeedsAllThreeListedWithTheOthers() {
            let secret = String(repeating: "s", count: 32)
            let missing = Self.productionProblems(["BETTER_AUTH_SECRET": secret, "BCRYPT_COST": "4"])
            #expect(missing.contains { $0.hasPrefix("SMTP_URL is missing") })
            #expect(missing.contains { $0.hasPrefix("EMAIL_FROM is missing") })
            #expect(missing.contains { $0.hasPrefix("PUBLIC_URL is missing") })
            #expect(missing.contains { $0.hasPrefix("BCRYPT_COST") })  // in the same list as the others
            let set = Self.productionProblems([
                "BETTER_AUTH_SECRET": secret, "SMTP_URL": "smtps://u:p@mail.example.com",
                "EMAIL_FROM": "Primer <primer@example.com>", "PUBLIC_URL": "https://book.example.com",
            ])
            #expect(!set.contains { $0.hasPrefix("SMTP_URL") || $0.hasPrefix("EMAIL_FROM") || $0.hasPrefix("PUBLIC_URL") })
            // Development needs none of them.
            #expect(throws: Never.self) { try PrimerSettings.load(from: [:], production: false) }
        }
    }

    // MARK: - Messages

    @Suite struct Messages {
        @Test func quotedPrintableRoundTripsAndKeepsLinesShort() {
            let samples = [
                "", "plain", "a = b", "trailing space \nand tab\t\nend ", String(repeating: "x", count: 500),
                String(repeating: "é🤖=", count: 80), "CR\rLF\nCRLF\r\nend", ".dot\n..dots\n.\n",
                String(repeating: "word ", count: 60) + "\n" + String(repeating: "=", count: 100),
            ]
            for sample in samples {
                let encoded = QuotedPrintable.encode(sample)
                let lines = encoded.components(separatedBy: "\r\n").dropLast()
                #expect(encoded.hasSuffix("\r\n"))
                #expect(lines.allSatisfy { $0.utf8.count <= 76 }, "\(sample.prefix(20))")
                #expect(encoded.utf8.allSatisfy { $0 < 0x80 })
                #expect(lines.allSatisfy { !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
                let expected = sample.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                #expect(normalised(OutboxMail.decodeQuotedPrintable(encoded)) == normalised(expected), "\(sample.prefix(20))")
            }
        }

        @Test func headersAndStructure() throws {
            var message = MailTemplates(bookTitle: book, publicURL: "https://book.example.com").verifyEmail(to: reader, token: "t0k3n")
            message.subject = "Bestätige deine E-Mail für \(book) 🤖 — ein ziemlich langer Betreff, der auf mehrere Wörter verteilt wird"
            let date = Date(timeIntervalSince1970: 1_796_118_303)  // Tue, 01 Dec 2026 09:45:03 UTC
            let text = MIMEEncoder.render(message, from: sender, date: date, messageID: "<id@example.com>", boundary: "=_b")
            let lines = text.components(separatedBy: "\r\n")
            #expect(text.hasSuffix("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains(where: { $0 == "\r" || $0 == "\n" }))
            #expect(text.utf8.allSatisfy { $0 < 0x80 })
            #expect(lines.allSatisfy { $0.utf8.count <= 78 })
            #expect(lines.contains("Date: Tue, 01 Dec 2026 09:45:03 +0000"))
            #expect(lines.contains("From: Primer <primer@example.com>"))
            #expect(lines.contains("To: Ada <reader@example.com>"))
            #expect(lines.contains("Message-ID: <id@example.com>"))
            #expect(lines.contains("MIME-Version: 1.0"))
            #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"=_b\""))
            #expect(lines.filter { $0 == "--=_b" }.count == 2 && lines.contains("--=_b--"))
            #expect(text.contains("Content-Type: text/plain; charset=UTF-8") && text.contains("Content-Type: text/html; charset=UTF-8"))
            let start = try #require(lines.firstIndex { $0.hasPrefix("Subject: ") })
            var words = [String(lines[start].dropFirst("Subject: ".count))]
            for line in lines[(start + 1)...] {
                guard line.hasPrefix(" ") else { break }
                words.append(String(line.dropFirst()))
            }
            #expect(words.count > 2 && words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
            // Names that need it are quoted or encoded; ASCII subjects stay readable.
            let other = try MailAddress(address: "x@example.com", name: "Müller, Ada")
            #expect(MIMEEncoder.mailbox(other).hasPrefix("=?UTF-8?B?"))
            #expect(MIMEEncoder.mailbox(try MailAddress(address: "x@example.com", name: "Ada \"A\", L.")) == "\"Ada \\\"A\\\", L.\" <x@example.com>")
            let ascii = MIMEEncoder.render(MailMessage(to: reader, subject: "Confirm your email for \(book)", text: "hi"), from: sender)
            #expect(ascii.contains("\r\nSubject: Confirm your email for Physical AI & Humanoid Robotics\r\n"))
            #expect(ascii.contains("Content-Type: text/plain; charset=UTF-8") && !ascii.contains("multipart"))
        }

        @Test func dotStuffing() {
            let payload = SMTPClient.dataPayload("a\r\n.b\r\n.\r\nc\n..d\r\n")
            #expect(String(buffer: payload) == "a\r\n..b\r\n..\r\nc\r\n...d\r\n.\r\n")
            #expect(String(buffer: SMTPClient.dataPayload("")) == ".\r\n")
        }

        @Test func templatesCarryTheTitleLinksAndEscapedHTML() {
            let mails = MailTemplates(bookTitle: book, publicURL: "https://book.example.com/")
            let verify = mails.verifyEmail(to: reader, token: "a+b/c=d")
            #expect(verify.subject == "Confirm your email for Physical AI & Humanoid Robotics")
            #expect(verify.links == ["https://book.example.com/verify-email?token=a%2Bb%2Fc%3Dd"])
            #expect(verify.text.contains("Hi Ada,") && verify.text.contains("24 hours"))
            #expect(verify.html?.contains("href=\"https://book.example.com/verify-email?token=a%2Bb%2Fc%3Dd\"") == true)
            #expect(verify.html?.contains("Physical AI &amp; Humanoid Robotics") == true)
            #expect(verify.html?.contains("Physical AI & Humanoid") == false)
            let reset = mails.resetPassword(to: reader, token: "xyz")
            #expect(reset.subject == "Reset your password for Physical AI & Humanoid Robotics")
            #expect(reset.links == ["https://book.example.com/reset-password?token=xyz"] && reset.text.contains("1 hour"))
            let changed = mails.passwordChanged(to: reader, at: Date(timeIntervalSince1970: 1_796_118_303))
            #expect(changed.subject == "Your password for Physical AI & Humanoid Robotics was changed")
            #expect(changed.text.contains("1 December 2026 at 09:45 UTC"))
            #expect(changed.links == ["https://book.example.com/forgot-password"])
            let twoFactor = mails.twoFactorEnabled(to: reader)
            #expect(twoFactor.subject == "Two-factor authentication is on for Physical AI & Humanoid Robotics")
            // Whatever the title or the name, the HTML holds no markup of theirs.
            let hostile = MailTemplates(bookTitle: "<script>alert('t')</script> & \"Co\"", publicURL: "https://b.example")
                .verifyEmail(to: try! MailAddress(address: "x@example.com", name: "<img src=x onerror=alert(1)>"), token: "\"><b>")
            let html = hostile.html ?? ""
            #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"))
            #expect(html.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"))
            #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(hostile.links == ["https://b.example/verify-email?token=%22%3E%3Cb%3E"])
            #expect(!html.contains("http://") && !html.contains("src=\"http"))  // no external assets
        }
    }

    // MARK: - SMTP against a real server

    @Suite(.enabled(if: SMTPTestServer.shouldRun)) struct SMTP {
        /// Text that must arrive exactly: non-ASCII, lines starting with dots (one is a lone
        /// "." that would end DATA if not stuffed), trailing spaces, `=`, a 1,500-byte line.
        static let trickyText = """
            Grüße, Ada! Ünïcödé ✓ — ロボット工学 🤖
            .hidden line starting with a dot
            .
            ..two dots
            From the start of a line
            a = b =3D c
            trailing spaces   
            \(String(repeating: "long line ", count: 150))
            end
            """
        static let trickySubject = "Bestätige deine E-Mail für \(book) 🤖 — ein ziemlich langer Betreff über mehrere Zeilen"

        @Test func plainSMTP() async throws {
            try await withSMTPServer { server in
                let message = MailMessage(to: reader, subject: "Hello", text: "Plain\n", html: "<p>Plain</p>")
                try await mailer("smtp://127.0.0.1:\(server.port)").send(message)
                let received = try server.messages()
                try #require(received.count == 1)
                #expect(received[0].mail_from == "primer@example.com" && received[0].rcpt_tos == ["reader@example.com"])
                #expect(!received[0].tls && received[0].auth_user == nil)
                #expect(received[0].parsed.subject == "Hello" && received[0].parsed.content_type == "multipart/alternative")
                #expect(received[0].parsed.from == "Primer <primer@example.com>" && received[0].parsed.to == "Ada <reader@example.com>")
                #expect(received[0].parsed.date != nil && received[0].parsed.message_id?.hasSuffix("@example.com>") == true)
                #expect(normalised(received[0].parsed.text) == "Plain" && normalised(received[0].parsed.html) == "<p>Plain</p>")
                #expect(received[0].parsed.defects.isEmpty)
            }
        }

        @Test func startTLSWithAuthPlain() async throws {
            try await withSMTPServer(.init(startTLS: true, user: "mailer@example.com", password: "p@ss w:rd%")) { server in
                try await mailer("smtp://mailer%40example.com:p%40ss%20w%3Ard%25@127.0.0.1:\(server.port)?tls_verify=false")
                    .send(MailMessage(to: reader, subject: "Over TLS", text: "Secret stuff"))
                let received = try server.messages()
                try #require(received.count == 1)
                #expect(received[0].tls)
                #expect(received[0].auth_user == "mailer@example.com" && received[0].auth_mechanism == "PLAIN")
                #expect(normalised(received[0].parsed.text) == "Secret stuff")
            }
        }

        @Test func authLoginWhenPlainIsNotOffered() async throws {
            try await withSMTPServer(.init(startTLS: true, user: "mailer", password: "secret", mechanisms: ["LOGIN"])) { server in
                try await mailer("smtp://mailer:secret@127.0.0.1:\(server.port)?starttls=required&tls_verify=false")
                    .send(MailMessage(to: reader, subject: "Login", text: "x"))
                let received = try server.messages()
                #expect(received.map(\.auth_mechanism) == ["LOGIN"] && received.map(\.tls) == [true])
            }
        }

        @Test func requiredStartTLSAgainstAServerWithoutIt() async throws {
            try await withSMTPServer { server in
                let client = try client("smtp://127.0.0.1:\(server.port)?starttls=required")
                await #expect(throws: SMTPError.startTLSNotOffered) {
                    try await client.send(from: "primer@example.com", to: ["reader@example.com"], message: "Subject: x\r\n\r\nx\r\n")
                }
                #expect(try server.messages().isEmpty)
            }
        }

        @Test func implicitTLS() async throws {
            try await withSMTPServer(.init(implicitTLS: true, user: "mailer", password: "secret")) { server in
                try await mailer("smtps://mailer:secret@127.0.0.1:\(server.port)?tls_verify=false")
                    .send(MailMessage(to: reader, subject: "smtps", text: "Implicit"))
                let received = try server.messages()
                try #require(received.count == 1)
                #expect(received[0].tls && received[0].auth_user == "mailer")
                #expect(normalised(received[0].parsed.text) == "Implicit")
            }
        }

        @Test func wrongPasswordIsATypedPermanentError() async throws {
            try await withSMTPServer(.init(startTLS: true, user: "mailer", password: "right")) { server in
                let client = try client("smtp://mailer:hunter2@127.0.0.1:\(server.port)?tls_verify=false")
                do {
                    try await client.send(from: "primer@example.com", to: ["reader@example.com"], message: "Subject: x\r\n\r\nx\r\n")
                    Issue.record("a wrong password was accepted")
                } catch let error as SMTPError {
                    guard case .authenticationFailed(let code, let text) = error else { Issue.record("\(error)"); return }
                    #expect(code == 535 && text.contains("Authentication credentials invalid"))
                    #expect(error.code == 535 && !error.isTransient)
                    #expect(!error.description.contains("hunter2"))
                }
                #expect(try server.messages().isEmpty)
            }
        }

        @Test func certificatesAreVerifiedByDefault() async throws {
            try await withSMTPServer(.init(startTLS: true)) { server in
                let client = try client("smtp://127.0.0.1:\(server.port)")  // no tls_verify=false: the self-signed certificate fails
                do {
                    try await client.send(from: "primer@example.com", to: ["reader@example.com"], message: "Subject: x\r\n\r\nx\r\n")
                    Issue.record("an untrusted certificate was accepted")
                } catch let error as SMTPError {
                    guard case .tls = error else { Issue.record("expected a TLS error, got \(error)"); return }
                    #expect(!error.isTransient)
                }
                #expect(try server.messages().isEmpty)
            }
        }

        @Test func dotsNonASCIIAndLongLinesArriveIntact() async throws {
            try await withSMTPServer(.init(startTLS: true)) { server in
                let html = "<p>Grüße 🤖</p>\n.<b>dot</b>\n.\n<p>\(String(repeating: "é", count: 600))</p>"
                try await mailer("smtp://127.0.0.1:\(server.port)?tls_verify=false")
                    .send(MailMessage(to: reader, subject: Self.trickySubject, text: Self.trickyText, html: html))
                let received = try server.messages()
                try #require(received.count == 1)
                #expect(received[0].parsed.subject == Self.trickySubject)
                #expect(normalised(received[0].parsed.text) == Self.trickyText)
                #expect(normalised(received[0].parsed.html) == html)
                #expect(received[0].parsed.defects.isEmpty)
                #expect(received[0].max_line_length <= 78)
            }
        }
    }

    /// The client's own checks and timeouts, with no SMTP server needed.
    @Suite struct Client {
        @Test func silentServerTimesOut() async throws {
            let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(silent.localAddress?.port)
            let client = try client("smtp://127.0.0.1:\(port)", timeouts: .init(connect: .seconds(5), reply: .milliseconds(300)))
            await #expect(throws: SMTPError.timedOut(waitingFor: "the greeting")) {
                try await client.send(from: "primer@example.com", to: ["reader@example.com"], message: "x")
            }
            try await silent.close()
            // Nobody listening any more: a transient connection error.
            do {
                try await client.send(from: "primer@example.com", to: ["reader@example.com"], message: "x")
                Issue.record("sent to a closed port")
            } catch let error as SMTPError {
                guard case .connectionFailed = error else { Issue.record("\(error)"); return }
                #expect(error.isTransient)
            }
        }

        @Test func addressesThatCouldInjectCommandsAreRefused() async throws {
            let client = try client("smtp://127.0.0.1:1")
            await #expect(throws: SMTPError.self) {
                try await client.send(from: "primer@example.com", to: ["a@b.c>\r\nRCPT TO:<x@y.z"], message: "x")
            }
            #expect(throws: MailAddressError.self) { try MailAddress(address: "a@b.c> SIZE=1") }
        }
    }

    // MARK: - Queue

    /// Stands in for the queue's wait between attempts: records each wait and holds it until
    /// the test releases it.
    actor RetryGate {
        private(set) var requested: [Duration] = []
        private var held: [CheckedContinuation<Void, Never>] = []
        private var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        func sleep(_ duration: Duration) async {
            requested.append(duration)
            let ready = watchers.filter { $0.count <= requested.count }
            watchers.removeAll { $0.count <= requested.count }
            for watcher in ready { watcher.continuation.resume() }
            await withCheckedContinuation { held.append($0) }
        }

        /// Returns once the queue has asked to wait `count` times.
        func waitForRequests(_ count: Int) async {
            guard requested.count < count else { return }
            await withCheckedContinuation { watchers.append((count, $0)) }
        }

        func release() {
            for continuation in held { continuation.resume() }
            held = []
        }
    }

    @Suite(.enabled(if: SMTPTestServer.shouldRun)) struct Queue {
        @Test func retriesAfterTheServerWasDownForTheFirstAttempt() async throws {
            let port = try await freePort()
            let logs = LogCapture(), gate = RetryGate()
            let queue = MailQueue(mailer: try mailer("smtp://127.0.0.1:\(port)"), logger: logger(logs),
                                  sleep: { await gate.sleep($0) })
            let message = MailTemplates(bookTitle: book, publicURL: "https://book.example.com").verifyEmail(to: reader, token: "tok")
            queue.enqueue(message)  // returns at once; the first attempt finds no server
            await gate.waitForRequests(1)
            #expect(await gate.requested == [.seconds(5)])
            #expect(logs.all.contains { $0.contains("attempt 1 of 3 failed") && $0.contains("cannot connect") })
            try await withSMTPServer(.init(port: port)) { server in
                await gate.release()
                await queue.drain()
                let received = try server.messages()
                #expect(received.map(\.parsed.subject) == ["Confirm your email for Physical AI & Humanoid Robotics"])
            }
            let (delivered, failed) = (await queue.delivered, await queue.failed)
            #expect(delivered == 1 && failed == 0)
            #expect(await gate.requested.count == 1)
            await queue.shutdown()
        }

        @Test func permanentFailuresAreLoggedNotRetriedAndNeverShowThePassword() async throws {
            try await withSMTPServer(.init(startTLS: true, user: "mailer", password: "right")) { server in
                let logs = LogCapture(), gate = RetryGate()
                let queue = MailQueue(mailer: try mailer("smtp://mailer:hunter2@127.0.0.1:\(server.port)?tls_verify=false"),
                                      logger: logger(logs), sleep: { await gate.sleep($0) })
                queue.enqueue(MailMessage(to: reader, subject: "Nope", text: "x"))
                await queue.drain()
                let (delivered, failed) = (await queue.delivered, await queue.failed)
                #expect(failed == 1 && delivered == 0)
                #expect(await gate.requested.isEmpty)
                #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("not sent after 1 attempt") && $0.contains("535") })
                #expect(!logs.all.contains { $0.contains("hunter2") || $0.contains("reader@example.com") })
                await queue.shutdown()
            }
        }
    }

    // MARK: - Outbox and the app

    @Suite struct Outbox {
        @Test func writesAParseableEmlAndLogsTheLink() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("primer-outbox-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let outbox = directory.appendingPathComponent("outbox").path
            let logs = LogCapture()
            let mailer = OutboxMailer(directory: outbox, from: sender, threadPool: NIOThreadPool.singleton, logger: logger(logs))
            let mail = MailTemplates(bookTitle: book, publicURL: "https://book.example.com").resetPassword(to: reader, token: "s3cr3t-token")
            try await mailer.send(mail)
            let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
            try #require(files.count == 1 && files[0].hasSuffix(".eml"))
            let path = outbox + "/" + files[0]
            #expect(PrivateFiles.mode(of: path) == 0o600 && PrivateFiles.mode(of: outbox) == 0o700)
            let eml = try String(contentsOfFile: path, encoding: .utf8)
            #expect(eml.contains("\r\nSubject: Reset your password for Physical AI & Humanoid Robotics\r\n"))
            let decoded = OutboxMail.decode(eml: eml)
            #expect(decoded.subject == mail.subject && decoded.to == "Ada <reader@example.com>")
            #expect(normalised(decoded.text) == normalised(mail.text) && normalised(decoded.html) == normalised(mail.html))
            #expect(decoded.links == ["https://book.example.com/reset-password?token=s3cr3t-token"])
            // The log says where the mail is and which link it holds; the token itself is masked
            // like every other secret (the whole link is in the file).
            let line = try #require(logs.all.first { $0.contains("written to") })
            #expect(line.hasPrefix("info") && line.contains(path) && line.contains("r…@example.com"))
            #expect(line.contains("https://book.example.com/reset-password?token="))
            #expect(!logs.all.contains { $0.contains("s3cr3t-token") })
            if TestTools.python != nil {
                let parsed = try await SMTPTestServer.parse(emlFile: path)
                #expect(parsed.subject == "Reset your password for Physical AI & Humanoid Robotics")
                #expect(parsed.to == "Ada <reader@example.com>" && parsed.defects.isEmpty)
                #expect(normalised(parsed.text) == normalised(mail.text) && normalised(parsed.html) == normalised(mail.html))
            }
        }

        @Test func theAppQueuesToTheOutboxAndDrainsAtShutdown() async throws {
            let settings = testSettings()
            defer { try? FileManager.default.removeItem(atPath: settings.dataDirectory) }
            let app = try await Application.make(.testing)
            let logs = LogCapture()
            app.logger = logger(logs)
            do {
                try await configure(app, settings: settings, database: .sqlite(path: settings.dataDirectory + "/primer.sqlite"))
                #expect(app.primer.mail.mailer is OutboxMailer)
                app.primer.mail.enqueue(MailTemplates(bookTitle: book, settings: settings).verifyEmail(to: reader, token: "abc"))
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()  // drains the queue
            let mails = try OutboxMail.read(dataDirectory: settings.dataDirectory)
            #expect(mails.map(\.subject) == ["Confirm your email for Physical AI & Humanoid Robotics"])
            #expect(mails.first?.links == ["http://127.0.0.1:8080/verify-email?token=abc"])
            #expect(logs.all.contains { $0.contains("Mail: no SMTP_URL") })
        }

        @Test func withSMTPURLTheAppSendsThroughSMTP() async throws {
            var settings = testSettings()
            settings.mail.smtp = try SMTPServer(parsing: "smtp://mailer:hunter2@127.0.0.1:2525?tls_verify=false")
            defer { try? FileManager.default.removeItem(atPath: settings.dataDirectory) }
            let app = try await Application.make(.testing)
            let logs = LogCapture()
            app.logger = logger(logs)
            do {
                try await configure(app, settings: settings, database: .sqlite(path: settings.dataDirectory + "/primer.sqlite"))
                #expect(app.primer.mail.mailer is SMTPMailer)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
            #expect(logs.all.contains { $0.contains("Mail: through 127.0.0.1:2525") })
            #expect(logs.all.contains { $0.hasPrefix("warning") && $0.contains("tls_verify=false") })
            #expect(!logs.all.contains { $0.contains("hunter2") })
        }
    }
}

import Foundation
import NIOConcurrencyHelpers
import PrimerTestSupport
import Testing

/// A real SMTP server for the mail tests: scripts/smtp_server.py (aiosmtpd from PyPI) in the
/// test tools' Python (`PRIMER_TOOLS_PYTHON`, set by scripts/test), run as a child process on
/// a loopback port. Every message it accepts is written to `directory` as JSON before it
/// answers 250, so once a send returns, `messages()` holds it.
///
/// Without `PRIMER_TOOLS_PYTHON` the suites using it are skipped, except that
/// `PRIMER_REQUIRE_BROWSER=1` (CI) makes that a failure with a message saying what to install.
final class SMTPTestServer: Sendable {
    struct Options: Sendable {
        /// 0: any free port.
        var port = 0
        var startTLS = false
        var requireStartTLS = false
        var implicitTLS = false
        /// Accepted credentials; AUTH is then required before MAIL.
        var user: String?
        var password: String?
        var mechanisms = ["PLAIN", "LOGIN"]
    }

    /// One message as the server received it.
    struct Received: Decodable, Sendable {
        var mail_from: String
        var rcpt_tos: [String]
        var auth_user: String?
        var auth_mechanism: String?
        var tls: Bool
        var raw: String
        var max_line_length: Int
        var parsed: Parsed

        /// What Python's email package read from the message.
        struct Parsed: Decodable, Sendable {
            var subject: String?
            var from: String?
            var to: String?
            var date: String?
            var message_id: String?
            var mime_version: String?
            var content_type: String
            var defects: [String]
            var text: String?
            var html: String?
        }
    }

    let port: Int
    let directory: URL
    private let process: Process
    private let exit: ExitWatch
    private let input: Pipe

    private init(port: Int, directory: URL, process: Process, exit: ExitWatch, input: Pipe) {
        self.port = port
        self.directory = directory
        self.process = process
        self.exit = exit
        self.input = input
    }

    /// Whether suites using the server run (they fail with a clear message if it is required and missing).
    static var shouldRun: Bool { TestTools.python != nil || TestTools.required }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/smtp_server.py")

    /// Starts a server and returns once it accepts connections (its "READY <port>" line).
    /// `directory` defaults to a new temporary folder.
    static func start(_ options: Options = Options(), directory: URL? = nil) async throws -> SMTPTestServer {
        let python = try #require(TestTools.python, """
            PRIMER_REQUIRE_BROWSER=1 but PRIMER_TOOLS_PYTHON is not set: the mail tests need a real SMTP \
            server. Run scripts/test, which installs aiosmtpd into .build/tools-venv and sets \
            PRIMER_TOOLS_PYTHON, or set it to a Python with aiosmtpd.
            """)
        let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("primer-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = [script.path, "--out", directory.path, "--port", String(options.port),
                         "--auth-mechanisms", options.mechanisms.joined(separator: ",")]
        if options.startTLS || options.implicitTLS {
            let certificate = try await TestCertificate.shared()
            arguments += ["--cert", certificate.certificate, "--key", certificate.key]
        }
        if options.startTLS { arguments.append("--starttls") }
        if options.requireStartTLS { arguments.append("--require-starttls") }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if let user = options.user { arguments += ["--auth", "\(user):\(options.password ?? "")"] }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let lines = LineWaiter()
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            lines.append(data)
        }
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            lines.appendError(data)
        }
        let exit = ExitWatch(process)
        try process.run()
        guard let ready = await lines.firstLine(startingWith: "READY "), let port = Int(ready.dropFirst(6)) else {
            process.terminate()
            throw TestSetupError("""
                \(script.lastPathComponent) did not start (is aiosmtpd installed in \(python)? \
                scripts/test installs it): \(lines.errorText)
                """)
        }
        return SMTPTestServer(port: port, directory: directory, process: process, exit: exit, input: input)
    }

    /// The messages received so far, in order.
    func messages() throws -> [Received] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("msg-") && $0.hasSuffix(".json") }.sorted()
        return try files.map { try JSONDecoder().decode(Received.self, from: Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    /// Stops the server (closing its stdin, then SIGTERM), waits for it to exit and removes
    /// the received messages.
    func stop() async {
        defer { try? FileManager.default.removeItem(at: directory) }
        try? input.fileHandleForWriting.close()
        process.terminate()
        _ = await exit.status()
    }

    /// What Python's email package reads from an `.eml` file (the same parsing as for received mail).
    static func parse(emlFile path: String) async throws -> Received.Parsed {
        let python = try #require(TestTools.python, "PRIMER_TOOLS_PYTHON is not set")
        let code = """
            import importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("smtp_server", sys.argv[1])
            module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
            print(json.dumps(module.describe(open(sys.argv[2], "rb").read())))
            """
        let run = try await ChildProcess.run(python, ["-c", code, script.path, path])
        try #require(run.status == 0, "parsing \(path) failed: \(run.stderrText)")
        return try JSONDecoder().decode(Received.Parsed.self, from: run.stdout)
    }
}

/// Collects a child process's output and hands out its first line with a given prefix, or nil
/// once the output ends without one (the process exited).
private final class LineWaiter: Sendable {
    private struct State {
        var buffer = Data()
        var errors = Data()
        var lines: [String] = []
        var ended = false
        var waiters: [(prefix: String, continuation: CheckedContinuation<String?, Never>)] = []
    }

    private let state = NIOLockedValueBox(State())

    var errorText: String { state.withLockedValue { String(decoding: $0.errors, as: UTF8.self) } }

    func appendError(_ data: Data) {
        state.withLockedValue { $0.errors.append(data) }
    }

    func append(_ data: Data) {
        let resumed: [(CheckedContinuation<String?, Never>, String?)] = state.withLockedValue { state in
            if data.isEmpty { state.ended = true } else { state.buffer.append(data) }
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                state.lines.append(String(decoding: state.buffer[state.buffer.startIndex..<newline], as: UTF8.self))
                state.buffer.removeSubrange(state.buffer.startIndex...newline)
            }
            var ready: [(CheckedContinuation<String?, Never>, String?)] = []
            state.waiters.removeAll { waiter in
                if let line = state.lines.first(where: { $0.hasPrefix(waiter.prefix) }) {
                    ready.append((waiter.continuation, line))
                    return true
                }
                if state.ended {
                    ready.append((waiter.continuation, nil))
                    return true
                }
                return false
            }
            return ready
        }
        for (continuation, line) in resumed { continuation.resume(returning: line) }
    }

    func firstLine(startingWith prefix: String) async -> String? {
        await withCheckedContinuation { continuation in
            let immediate: String?? = state.withLockedValue { state in
                if let line = state.lines.first(where: { $0.hasPrefix(prefix) }) { return .some(line) }
                if state.ended { return .some(nil) }
                state.waiters.append((prefix, continuation))
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }
}

/// A self-signed certificate for localhost and 127.0.0.1, made once per test run with the
/// `openssl` command line.
enum TestCertificate {
    struct Files: Sendable {
        let certificate: String
        let key: String
    }

    private static let made = NIOLockedValueBox<Task<Files, any Error>?>(nil)

    static func shared() async throws -> Files {
        let task = made.withLockedValue { task in
            if let task { return task }
            let new = Task { try await make() }
            task = new
            return new
        }
        return try await task.value
    }

    private static func make() async throws -> Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("primer-smtp-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = Files(certificate: directory.appendingPathComponent("cert.pem").path, key: directory.appendingPathComponent("key.pem").path)
        let openssl = try await ChildProcess.run("/usr/bin/env", [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", files.key, "-out", files.certificate, "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        guard openssl.status == 0 else {
            throw TestSetupError("openssl could not make a test certificate: \(openssl.stderrText)")
        }
        return files
    }
}

/// The mails an app without `SMTP_URL` wrote to `PRIMER_DATA_DIR/outbox/`, decoded (headers
/// unfolded, encoded words and quoted-printable bodies decoded, LF line endings): for tests of the flows that
/// send mail. Call `await app.primer.mail.drain()` first.
enum OutboxMail {
    struct Mail: Sendable {
        var file: String
        var to: String
        var subject: String
        var text: String
        var html: String?
        /// The `http(s)://` links in the text body, whole (a token included).
        var links: [String]
    }

    /// Every mail in `dataDirectory/outbox`, oldest first.
    static func read(dataDirectory: String) throws -> [Mail] {
        let outbox = URL(fileURLWithPath: dataDirectory).appendingPathComponent("outbox")
        guard FileManager.default.fileExists(atPath: outbox.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: outbox.path).filter { $0.hasSuffix(".eml") }.sorted().map { name in
            var mail = decode(eml: try String(contentsOf: outbox.appendingPathComponent(name), encoding: .utf8))
            mail.file = outbox.appendingPathComponent(name).path
            return mail
        }
    }

    /// One message as Primer's `MIMEEncoder` writes it.
    static func decode(eml: String) -> Mail {
        let (headerBlock, body) = split(eml)
        let headers = parseHeaders(headerBlock)
        var text = "", html: String?
        let contentType = headers["content-type"] ?? "text/plain"
        if contentType.hasPrefix("multipart/"), let boundary = contentType.components(separatedBy: "boundary=\"").last?.components(separatedBy: "\"").first {
            for part in body.components(separatedBy: "--\(boundary)").dropFirst() where !part.hasPrefix("--") {
                let (partHeaderBlock, partBody) = split(String(part.drop(while: { $0 == "\r\n" })))
                let partHeaders = parseHeaders(partHeaderBlock)
                let decoded = decodeQuotedPrintable(partBody).replacingOccurrences(of: "\r\n", with: "\n")
                if partHeaders["content-type"]?.hasPrefix("text/html") == true { html = decoded } else { text = decoded }
            }
        } else {
            text = decodeQuotedPrintable(body).replacingOccurrences(of: "\r\n", with: "\n")
        }
        let links = text.split(whereSeparator: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
            .filter { $0.hasPrefix("https://") || $0.hasPrefix("http://") }.map(String.init)
        return Mail(file: "", to: headers["to"] ?? "", subject: headers["subject"] ?? "", text: text, html: html, links: links)
    }

    /// Quoted-printable decoded (soft line breaks removed; an `=` that starts no escape kept).
    static func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "=") {
                if i + 2 < input.count, input[i + 1] == 0x0D, input[i + 2] == 0x0A { i += 3; continue }  // soft break
                if i + 2 < input.count, let byte = UInt8(String(decoding: input[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                    bytes.append(byte)
                    i += 3
                    continue
                }
            }
            bytes.append(input[i])
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func split(_ message: String) -> (headers: String, body: String) {
        guard let blank = message.firstRange(of: "\r\n\r\n") else { return (message, "") }
        return (String(message[..<blank.lowerBound]), String(message[blank.upperBound...]))
    }

    /// Lower-cased names to unfolded, decoded values.
    private static func parseHeaders(_ block: String) -> [String: String] {
        var segments: [(name: String, parts: [String])] = []
        for line in block.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !segments.isEmpty {
                segments[segments.count - 1].parts.append(line.trimmingCharacters(in: .whitespaces))
            } else if let colon = line.firstIndex(of: ":") {
                segments.append((line[..<colon].lowercased(), [line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)]))
            }
        }
        var headers: [String: String] = [:]
        for (name, parts) in segments {
            let words = parts.flatMap { $0.split(separator: " ").map(String.init) }
            if !words.isEmpty, words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) {
                let bytes = words.flatMap { Data(base64Encoded: String($0.dropFirst(10).dropLast(2))).map(Array.init) ?? [] }
                headers[name] = String(decoding: bytes, as: UTF8.self)
            } else {
                headers[name] = parts.joined(separator: name == "content-type" ? "" : " ")
            }
        }
        return headers
    }
}

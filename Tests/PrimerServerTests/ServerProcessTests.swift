#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOConcurrencyHelpers
import PrimerTestSupport
@testable import PrimerServer
import Testing

/// The `primer` executable, started as a real process under a file-descriptor limit.
final class PrimerProcess: @unchecked Sendable {
    let process = Process()
    private let exit: ExitWatch
    private let output = NIOLockedValueBox("")
    let dataDirectory = NSTemporaryDirectory() + "primer-process-" + UUID().uuidString

    var log: String { output.withLockedValue { $0 } }

    /// The built `primer` next to the test bundle (`swift build --build-tests` builds both).
    static var executable: URL? {
        let candidates = [Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for directory in candidates {
            let url = directory.appendingPathComponent("primer")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Starts `primer serve` on a free port with `ulimits` applied by the shell first.
    init(ulimits: String, environment: [String: String] = [:]) throws {
        guard let executable = Self.executable else { throw TestSetupError("the primer executable is not built") }
        exit = ExitWatch(process)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(ulimits) && exec \"$0\" serve --hostname 127.0.0.1 --port 0", executable.path]
        var env = ProcessInfo.processInfo.environment
        env["PRIMER_DATA_DIR"] = dataDirectory
        env["PRIMER_BOOK_DIR"] = TestBooks.sample.path
        env["EMBEDDING_PROVIDER"] = "none"
        env["BCRYPT_COST"] = "4"
        env["LOG_LEVEL"] = "info"
        env.removeValue(forKey: "DATABASE_URL")
        env.merge(environment) { $1 }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.withLockedValue { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
    }

    /// Waits for "Server started on http://127.0.0.1:PORT" and returns the port.
    func port() async throws -> Int {
        for _ in 0..<600 {
            if let range = log.range(of: #"Server started on http://127\.0\.0\.1:([0-9]+)"#, options: .regularExpression) {
                return Int(log[range].split(separator: ":").last!)!
            }
            guard process.isRunning else { throw TestSetupError("primer exited: \(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSetupError("primer did not start: \(log)")
    }

    /// Its exit status, once it has ended.
    func exited() async -> Int32 { await exit.status() }

    /// Stops the server (SIGTERM) and removes its data folder once it has ended, without
    /// waiting here (callable from `defer`).
    func stop() {
        if process.isRunning { process.terminate() }
        let (exit, folder) = (exit, dataDirectory)
        Task.detached {
            _ = await exit.status()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }
}

/// Issue 10, item 5: at the descriptor limit the server backs off instead of spinning, sheds the
/// slow clients holding descriptors, and answers again; start-up raises the soft limit.
@Suite(.serialized) struct DescriptorLimitTests {
    @Test func startUpRaisesTheSoftLimitToTheHardLimit() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let hard = min(UInt64(limit.rlim_max), 1 << 20)
        try #require(hard > 256, "the hard limit here is too low to test raising")
        let server = try PrimerProcess(ulimits: "ulimit -Sn 256")
        defer { server.stop() }
        _ = try await server.port()
        #expect(server.log.contains("Open-file limit raised from 256 to \(hard)"))
    }

    @Test func atTheLimitAcceptBacksOffAndHealthAnswersOnceSlowClientsAreShed() async throws {
        let server = try PrimerProcess(ulimits: "ulimit -n 64", environment: ["HTTP_HEADER_TIMEOUT_SECONDS": "3"])
        defer { server.stop() }
        let port = try await server.port()
        // 100 clients each send half a request head and wait: more than the server has descriptors for.
        var slow: [RawConnection] = []
        for _ in 0..<100 {
            let connection = try RawConnection(port: port)
            _ = await connection.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            slow.append(connection)
        }
        // A reader's health check, queued behind them.
        let health = try RawConnection(port: port)
        #expect(await health.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        let (answer, closed) = await health.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 200 OK"), "\(answer)\n\(server.log)")
        #expect(closed)
        #expect(server.log.contains("Cannot accept connections"), "the accept back-off never ran:\n\(server.log)")
        // Each report counts the failed accepts since the one before (at least a second earlier).
        // Pausing 250 ms after each makes that a handful; retrying at once makes it hundreds of thousands.
        let counts = server.log.matches(of: /\((\d+) more since the last report\)/).map { Int($0.1)! }
        #expect(!counts.isEmpty && counts.allSatisfy { $0 < 1000 }, "accept failures between reports: \(counts)")
        #expect(server.process.isRunning)
        // The slow clients were answered 408 and closed.
        let (shed, shedClosed) = await slow[0].readToEnd()
        #expect(shedClosed && shed.hasPrefix("HTTP/1.1 408"))
    }
}

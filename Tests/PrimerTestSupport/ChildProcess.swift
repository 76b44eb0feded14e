import Foundation
import Synchronization

/// Runs other programs from async tests without ever blocking a thread of Swift's cooperative
/// pool (two threads on a two-core machine: two tests blocked in `waitUntilExit()` or a
/// semaphore would stall every other test). Exits are learnt from `terminationHandler`, set
/// before the program starts so a quick exit is never missed; pipes are read to their end on
/// Dispatch's threads.
public enum ChildProcess {
    /// What a finished program left.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: Data

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` to its end and returns its status and output.
    /// `environment` nil keeps this process's environment.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        let exit = ExitWatch(process)
        try process.run()
        // Both pipes are drained at once, so a program that fills one while we wait on the other can't stall.
        async let stdout = readToEnd(output.fileHandleForReading)
        async let stderr = readToEnd(errors.fileHandleForReading)
        let (out, err) = await (stdout, stderr)
        return Output(status: await exit.status(), stdout: out, stderr: err)
    }

    /// Everything `handle` yields until its end of file, read on a Dispatch thread.
    public static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}

/// Learns when a `Process` ends. Create it before `run()`: it sets the process's
/// `terminationHandler`. `status()` waits without blocking a thread.
public final class ExitWatch: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    public init(_ process: Process) {
        process.terminationHandler = { [self] process in
            let status = process.terminationStatus
            let waiters = state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
    }

    /// Whether the process has ended.
    public var hasExited: Bool { state.withLock { $0.status != nil } }

    /// The process's termination status, once it has ended.
    public func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = state.withLock { state in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}

import Foundation

/// What scripts/test provides to the tests, read from the environment.
public enum TestTools {
    /// `PRIMER_TOOLS_PYTHON`: the test tools' Python (aiosmtpd, zxing-cpp, …), nil when unset.
    public static var python: String? {
        ProcessInfo.processInfo.environment["PRIMER_TOOLS_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `PRIMER_REQUIRE_BROWSER=1` (CI): tests that need Chromium or the tools' Python fail
    /// without them instead of being skipped.
    public static var required: Bool { ProcessInfo.processInfo.environment["PRIMER_REQUIRE_BROWSER"] == "1" }
}

/// Runs `body`, then `cleanup`, also when `body` throws: an async `defer`.
public func withCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
    let result: T
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}

import Foundation
import Synchronization

/// Tracks failed sign-ins per account key (the normalised email): after `maxFailures`
/// failures within `window`, the key is locked for `lockDuration`.
public protocol LoginLockoutStore: Sendable {
    /// If `key` is locked at `now`, the moment the lock ends.
    func lockedUntil(_ key: String, now: Date) async -> Date?
    /// Records a failure; returns the lock end if this failure locked the key.
    @discardableResult
    func recordFailure(_ key: String, now: Date) async -> Date?
    /// Forgets the failures of `key` (after a successful sign-in).
    func reset(_ key: String) async
}

/// The lockout policy: 10 failures within 15 minutes lock the account for 15 minutes.
public struct LockoutPolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval
    public var lockDuration: TimeInterval

    public init(maxFailures: Int = 10, window: TimeInterval = 900, lockDuration: TimeInterval = 900) {
        self.maxFailures = maxFailures
        self.window = window
        self.lockDuration = lockDuration
    }
}

/// In-process `LoginLockoutStore`.
public final class InMemoryLoginLockoutStore: LoginLockoutStore {
    private struct Entry {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    private let policy: LockoutPolicy
    private let entries = Mutex<[String: Entry]>([:])

    public init(policy: LockoutPolicy = .init()) {
        self.policy = policy
    }

    public func lockedUntil(_ key: String, now: Date) async -> Date? {
        entries.withLock { entries in
            guard let until = entries[key]?.lockedUntil else { return nil }
            if until > now { return until }
            entries[key] = nil
            return nil
        }
    }

    public func recordFailure(_ key: String, now: Date) async -> Date? {
        let policy = self.policy
        return entries.withLock { entries in
            var entry = entries[key] ?? Entry()
            entry.failures = entry.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
            if entry.failures.count >= policy.maxFailures {
                entry.failures = []
                entry.lockedUntil = now.addingTimeInterval(policy.lockDuration)
            }
            entries[key] = entry
            return entry.lockedUntil
        }
    }

    public func reset(_ key: String) async {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}

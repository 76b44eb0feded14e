import Foundation
import Synchronization

/// Limits password checks per account key (the normalised email). An attempt is reserved
/// *before* the password is verified, atomically, so that however many sign-ins arrive at
/// once, at most `maxFailures` of them are ever verified within `window`. A failed attempt
/// keeps its place for the window. A successful one gives its place back when it was alone;
/// when other attempts share the window (failed, or still being checked: a burst), it keeps
/// its place too, so a right password inside a burst never makes room for one more guess.
/// When `maxFailures` attempts have failed within `window`, the key is locked for `lockDuration`.
public protocol LoginLockoutStore: Sendable {
    /// Reserves one password check for `key`, or says until when the key is refused.
    func reserve(_ key: String, now: Date) async -> LoginAttemptReservation
    /// The reserved check failed: it stays counted. Returns the lock end if this failure locked the key.
    @discardableResult
    func recordFailure(_ attempt: LoginAttempt, now: Date) async -> Date?
    /// The reserved check succeeded: its place is given back unless other attempts share the window.
    func recordSuccess(_ attempt: LoginAttempt, now: Date) async
    /// The reserved check was never made (e.g. the database failed): its place is given back.
    func release(_ attempt: LoginAttempt) async
}

/// One reserved password check.
public struct LoginAttempt: Sendable, Hashable {
    public let key: String
    public let id: UInt64
}

/// The answer to `LoginLockoutStore.reserve`.
public enum LoginAttemptReservation: Sendable, Equatable {
    /// Go ahead and verify the password.
    case granted(LoginAttempt)
    /// Refused without checking the password: locked, or the window's attempts are all used
    /// (some may still be in flight). `until` is when to try again.
    case refused(until: Date)
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
    private enum Outcome { case checking, failed, succeeded }

    private struct Entry {
        /// Reserved attempts, oldest first.
        var attempts: [(id: UInt64, at: Date, outcome: Outcome)] = []
        var lockedUntil: Date?
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var nextID: UInt64 = 0
    }

    private let policy: LockoutPolicy
    private let state = Mutex(State())
    private let sweepEvery = 10_000

    public init(policy: LockoutPolicy = .init()) {
        self.policy = policy
    }

    public func reserve(_ key: String, now: Date) async -> LoginAttemptReservation {
        let policy = self.policy
        return state.withLock { state in
            if state.entries.count >= sweepEvery { Self.sweep(&state, now: now, policy: policy) }
            var entry = state.entries[key] ?? Entry()
            if let until = entry.lockedUntil {
                if until > now { return .refused(until: until) }
                entry.lockedUntil = nil
            }
            entry.attempts.removeAll { $0.outcome != .checking && now.timeIntervalSince($0.at) >= policy.window }
            if entry.attempts.count >= policy.maxFailures {
                state.entries[key] = entry
                // A place frees up when the oldest attempt leaves the window (or an in-flight one succeeds).
                return .refused(until: max(now.addingTimeInterval(1), entry.attempts[0].at.addingTimeInterval(policy.window)))
            }
            state.nextID &+= 1
            let attempt = LoginAttempt(key: key, id: state.nextID)
            entry.attempts.append((attempt.id, now, .checking))
            state.entries[key] = entry
            return .granted(attempt)
        }
    }

    public func recordFailure(_ attempt: LoginAttempt, now: Date) async -> Date? {
        let policy = self.policy
        return state.withLock { state in
            guard var entry = state.entries[attempt.key] else { return nil }
            if let index = entry.attempts.firstIndex(where: { $0.id == attempt.id }) {
                entry.attempts[index].outcome = .failed
                entry.attempts[index].at = now
            }
            let failures = entry.attempts.filter { $0.outcome == .failed && now.timeIntervalSince($0.at) < policy.window }.count
            if failures >= policy.maxFailures {
                entry.lockedUntil = now.addingTimeInterval(policy.lockDuration)
                entry.attempts.removeAll { $0.outcome != .checking }
            }
            state.entries[attempt.key] = entry
            return entry.lockedUntil
        }
    }

    public func recordSuccess(_ attempt: LoginAttempt, now: Date) async {
        state.withLock { state in
            guard var entry = state.entries[attempt.key],
                  let index = entry.attempts.firstIndex(where: { $0.id == attempt.id })
            else { return }
            if entry.attempts.count == 1 {
                entry.attempts.removeAll()
            } else {
                entry.attempts[index].outcome = .succeeded
                entry.attempts[index].at = now
            }
            state.entries[attempt.key] = entry.attempts.isEmpty && entry.lockedUntil == nil ? nil : entry
        }
    }

    public func release(_ attempt: LoginAttempt) async {
        state.withLock { state in
            guard var entry = state.entries[attempt.key] else { return }
            entry.attempts.removeAll { $0.id == attempt.id }
            state.entries[attempt.key] = entry.attempts.isEmpty && entry.lockedUntil == nil ? nil : entry
        }
    }

    /// Drops entries with nothing left to remember.
    private static func sweep(_ state: inout State, now: Date, policy: LockoutPolicy) {
        state.entries = state.entries.filter { _, entry in
            if let until = entry.lockedUntil, until > now { return true }
            return entry.attempts.contains { $0.outcome == .checking || now.timeIntervalSince($0.at) < policy.window }
        }
    }
}

import Foundation
import Synchronization

/// Where rate-limit state lives. In memory today; a shared store (e.g. Redis) can implement
/// the same protocol for several server processes.
public protocol RateLimitStore: Sendable {
    /// Counts one request for `key` under `rule` at `now` and says whether it may proceed.
    func consume(key: String, rule: RateLimitRule, now: Date) async -> RateLimitDecision
}

/// A store that can decide without suspending (in-process state), letting the HTTP layer
/// skip a task hop on every request.
public protocol SynchronousRateLimitStore: RateLimitStore {
    /// Same as `consume`, synchronously.
    func consumeNow(key: String, rule: RateLimitRule, now: Date) -> RateLimitDecision
}

extension SynchronousRateLimitStore {
    public func consume(key: String, rule: RateLimitRule, now: Date) async -> RateLimitDecision {
        consumeNow(key: key, rule: rule, now: now)
    }
}

/// Generic cell rate algorithm (a token bucket of `count` requests refilled evenly over
/// `seconds`), kept in process memory.
public final class InMemoryRateLimitStore: SynchronousRateLimitStore {
    private let state = Mutex<[String: Double]>([:])  // key → theoretical arrival time
    private let sweepEvery = 10_000

    public init() {}

    public func consumeNow(key: String, rule: RateLimitRule, now: Date) -> RateLimitDecision {
        let t = now.timeIntervalSinceReferenceDate
        let interval = rule.seconds / Double(rule.count)
        let burst = rule.seconds  // `count` requests' worth of tolerance
        return state.withLock { tats in
            if tats.count >= sweepEvery { tats = tats.filter { $0.value > t } }
            let tat = max(tats[key] ?? t, t)
            let allowAt = tat + interval - burst
            if allowAt > t + 1e-9 {
                return .limited(retryAfter: allowAt - t)
            }
            tats[key] = tat + interval
            return .allowed
        }
    }
}

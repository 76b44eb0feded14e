import Foundation
@testable import PrimerCore
import Testing

@Suite struct RateLimitRuleTests {
    @Test(arguments: [("5/minute", 5, 60.0), ("10 per second", 10, 1.0), ("100/hour", 100, 3600.0), (" 3/Day ", 3, 86400.0)])
    func rulesParse(text: String, count: Int, seconds: Double) throws {
        #expect(try RateLimitRule(parsing: text) == RateLimitRule(count: count, seconds: seconds))
    }

    @Test(arguments: ["", "5", "0/minute", "-1/minute", "x/minute", "5/fortnight"])
    func badRulesAreRejected(text: String) {
        #expect(throws: FieldProblem.self) { try RateLimitRule(parsing: text) }
    }

    @Test func bucketAllowsBurstThenRefillsEvenly() async {
        let store = InMemoryRateLimitStore()
        let rule = RateLimitRule(count: 5, seconds: 60)
        let t0 = Date(timeIntervalSinceReferenceDate: 1000)
        for _ in 0..<5 { #expect(await store.consume(key: "ip", rule: rule, now: t0) == .allowed) }
        guard case .limited(let retry) = await store.consume(key: "ip", rule: rule, now: t0) else {
            Issue.record("sixth request was allowed"); return
        }
        #expect(abs(retry - 12) < 0.001)
        #expect(await store.consume(key: "other", rule: rule, now: t0) == .allowed)
        #expect(await store.consume(key: "ip", rule: rule, now: t0.addingTimeInterval(12)) == .allowed)
        #expect(await store.consume(key: "ip", rule: rule, now: t0.addingTimeInterval(12)) != .allowed)
    }

    /// Reserves and fails one attempt at `now`.
    private func fail(_ store: InMemoryLoginLockoutStore, _ key: String, at now: Date) async -> Date? {
        guard case .granted(let attempt) = await store.reserve(key, now: now) else { return nil }
        return await store.recordFailure(attempt, now: now)
    }

    @Test func lockoutAfterTenFailuresForFifteenMinutes() async {
        let store = InMemoryLoginLockoutStore()
        let t0 = Date(timeIntervalSinceReferenceDate: 0)
        for i in 0..<9 { #expect(await fail(store, "a@x.io", at: t0.addingTimeInterval(Double(i))) == nil) }
        guard case .granted(let tenth) = await store.reserve("a@x.io", now: t0.addingTimeInterval(9)) else {
            Issue.record("the tenth attempt was refused"); return
        }
        #expect(await store.recordFailure(tenth, now: t0.addingTimeInterval(9)) == t0.addingTimeInterval(909))
        #expect(await store.reserve("a@x.io", now: t0.addingTimeInterval(908)) == .refused(until: t0.addingTimeInterval(909)))
        if case .refused = await store.reserve("a@x.io", now: t0.addingTimeInterval(910)) { Issue.record("still locked after the lock ended") }
        if case .refused = await store.reserve("b@x.io", now: t0.addingTimeInterval(100)) { Issue.record("another key was locked") }
    }

    @Test func failuresOutsideTheWindowDoNotCount() async {
        let store = InMemoryLoginLockoutStore()
        let t0 = Date(timeIntervalSinceReferenceDate: 0)
        for i in 0..<9 { _ = await fail(store, "a@x.io", at: t0.addingTimeInterval(Double(i))) }
        #expect(await fail(store, "a@x.io", at: t0.addingTimeInterval(901)) == nil)
    }

    @Test func concurrentAttemptsBeyondTheLimitAreRefusedBeforeAnyCheck() async {
        let store = InMemoryLoginLockoutStore()
        let now = Date()
        // 40 sign-ins at the same moment, none finished yet: only 10 may go on to a password check.
        let outcomes = await withTaskGroup(of: LoginAttemptReservation.self) { group in
            for _ in 0..<40 { group.addTask { await store.reserve("a@x.io", now: now) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let granted = outcomes.compactMap { if case .granted(let a) = $0 { a } else { nil } }
        #expect(granted.count == 10)
        // A success inside the burst keeps its place: no eleventh check.
        await store.recordSuccess(granted[0], now: now)
        if case .granted = await store.reserve("a@x.io", now: now) { Issue.record("a success in a burst made room for another guess") }
        // Failures keep theirs; nine failures and a success don't lock, and the window frees them all.
        for attempt in granted.dropFirst() { await store.recordFailure(attempt, now: now) }
        if case .granted = await store.reserve("a@x.io", now: now.addingTimeInterval(899)) { Issue.record("room before the window ended") }
        guard case .granted = await store.reserve("a@x.io", now: now.addingTimeInterval(900)) else { Issue.record("still full after the window"); return }
    }

    @Test func aLoneSuccessGivesItsPlaceBack() async {
        let store = InMemoryLoginLockoutStore()
        let now = Date()
        for _ in 0..<25 {  // one reader signing in again and again, one at a time
            guard case .granted(let attempt) = await store.reserve("a@x.io", now: now) else { Issue.record("refused"); return }
            await store.recordSuccess(attempt, now: now)
        }
        // Three typos, then the right password: it keeps its place (others share the window), so
        // six more checks remain in the window, then none until it ends.
        for _ in 0..<3 { _ = await fail(store, "a@x.io", at: now) }
        guard case .granted(let right) = await store.reserve("a@x.io", now: now) else { Issue.record("refused"); return }
        await store.recordSuccess(right, now: now)
        for _ in 0..<6 { #expect(await fail(store, "a@x.io", at: now) == nil) }
        if case .granted = await store.reserve("a@x.io", now: now) { Issue.record("an eleventh check in the window") }
        guard case .granted = await store.reserve("a@x.io", now: now.addingTimeInterval(900)) else { Issue.record("still full after the window"); return }
    }
}

@Suite struct ClientAddressTests {
    @Test func networksMatch() throws {
        #expect(try IPNetwork(parsing: "10.0.0.0/8").contains("10.200.1.1"))
        #expect(try !IPNetwork(parsing: "10.0.0.0/8").contains("11.0.0.1"))
        #expect(try IPNetwork(parsing: "192.168.1.7").contains("192.168.1.7"))
        #expect(try IPNetwork(parsing: "fd00::/8").contains("fd12::1"))
        #expect(try IPNetwork(parsing: "127.0.0.1").contains("::ffff:127.0.0.1"))
        #expect(throws: FieldProblem.self) { try IPNetwork(parsing: "10.0.0.0/33") }
        #expect(throws: FieldProblem.self) { try IPNetwork(parsing: "example.com") }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedPeers() throws {
        let resolver = ClientAddressResolver(trustedProxies: [try IPNetwork(parsing: "10.0.0.0/8")])
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["1.1.1.1, 203.0.113.9, 10.0.0.3"]) == "203.0.113.9")
        #expect(resolver.clientAddress(peer: "198.51.100.2", forwardedFor: ["203.0.113.9"]) == "198.51.100.2")
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: ["garbage"]) == "10.0.0.2")
        #expect(resolver.clientAddress(peer: "10.0.0.2", forwardedFor: []) == "10.0.0.2")
    }
}

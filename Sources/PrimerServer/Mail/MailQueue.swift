import Logging
import NIOConcurrencyHelpers
import PrimerCore

/// Sends mail off the request path. `enqueue` returns at once; a background task hands each
/// mail to the `Mailer` (at most `maximumConcurrentSends` at a time), retrying failures that may
/// pass (network trouble, timeouts, 4xx replies) with exponential backoff. A mail that still
/// fails is logged with the error (never a password) and dropped: a reader never sees a 500
/// because of mail. `drain()` waits until everything enqueued so far is done (tests, shutdown).
///
/// Reached from a route as `req.primer.mail`:
/// ```swift
/// req.primer.mail.enqueue(MailTemplates(req.primer).resetPassword(to: MailAddress(email), token: token))
/// ```
actor MailQueue {
    /// How often and how long apart a mail is tried.
    struct RetryPolicy: Sendable {
        /// Attempts in all, the first included.
        var attempts = 3
        /// The wait after the first failure; each later wait is `multiplier` times the one before.
        var firstDelay: Duration = .seconds(5)
        var multiplier = 4

        /// The wait after failed attempt `attempt` (1-based): 5 s, then 20 s, ….
        func delay(afterAttempt attempt: Int) -> Duration {
            var delay = firstDelay
            for _ in 1..<max(attempt, 1) { delay *= multiplier }
            return delay
        }
    }

    /// Waits between attempts; tests inject one they drive themselves.
    typealias Sleep = @Sendable (Duration) async throws -> Void

    static let maximumConcurrentSends = 4

    nonisolated let mailer: any Mailer
    private nonisolated let logger: Logger
    private nonisolated let policy: RetryPolicy
    private nonisolated let sleep: Sleep
    private nonisolated let input: AsyncStream<MailMessage>.Continuation
    /// Mails accepted by `enqueue` (counted before they reach the worker, so `drain` sees them).
    private nonisolated let accepted = NIOLockedValueBox(0)
    private nonisolated let worker = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private var finished = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Mails delivered, and mails given up on, since start.
    private(set) var delivered = 0
    private(set) var failed = 0

    init(mailer: any Mailer, logger: Logger, policy: RetryPolicy = RetryPolicy(),
         sleep: @escaping Sleep = { try await Task.sleep(for: $0) }) {
        self.mailer = mailer
        self.logger = logger
        self.policy = policy
        self.sleep = sleep
        let (stream, continuation) = AsyncStream.makeStream(of: MailMessage.self)
        self.input = continuation
        let task = Task { [self] in await self.work(stream) }
        worker.withLockedValue { $0 = task }
    }

    /// Queues `message` and returns at once; it is sent in the background.
    nonisolated func enqueue(_ message: MailMessage) {
        accepted.withLockedValue { $0 += 1 }
        if case .terminated = input.yield(message) {
            logger.error("Mail to \(message.to.masked) not sent: the server is shutting down")
            accepted.withLockedValue { $0 -= 1 }
            Task { await self.wakeIdleWaiters() }
        }
    }

    /// Returns when every mail enqueued so far has been delivered or given up on.
    func drain() async {
        guard finished < accepted.withLockedValue({ $0 }) else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Stops taking mail and waits for what is queued, for at most `gracePeriod`; then stops
    /// retrying, logging each mail left unsent.
    func shutdown(gracePeriod: Duration = .seconds(20)) async {
        input.finish()
        let worker = self.worker.withLockedValue { $0 }
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.drain(); return true }
            group.addTask { [sleepFor = gracePeriod] in (try? await Task.sleep(for: sleepFor)) == nil }
            if await group.next() == false {
                logger.warning("Mail: still sending after \(gracePeriod) at shutdown; giving up on retries")
                worker?.cancel()
            }
            group.cancelAll()
        }
        await worker?.value
    }

    // MARK: - Background sending

    private nonisolated func work(_ stream: AsyncStream<MailMessage>) async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            for await message in stream {
                if running == Self.maximumConcurrentSends {
                    await group.next()
                    running -= 1
                }
                group.addTask { await self.deliver(message) }
                running += 1
            }
        }
    }

    private nonisolated func deliver(_ message: MailMessage) async {
        var attempt = 1
        var sent = false
        while true {
            do {
                try await mailer.send(message)
                sent = true
                break
            } catch {
                let what = "Mail \"\(message.subject)\" to \(message.to.masked)"
                guard error.isTransient, attempt < policy.attempts, !Task.isCancelled else {
                    logger.error("\(what) not sent after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(error)")
                    break
                }
                let delay = policy.delay(afterAttempt: attempt)
                logger.warning("\(what): attempt \(attempt) of \(policy.attempts) failed (\(error)); retrying in \(delay)")
                do {
                    try await sleep(delay)
                } catch {
                    logger.error("\(what) not sent: stopped while waiting to retry")
                    break
                }
                attempt += 1
            }
        }
        await finish(sent: sent)
    }

    private func finish(sent: Bool) {
        if sent { delivered += 1 } else { failed += 1 }
        finished += 1
        wakeIdleWaiters()
    }

    private func wakeIdleWaiters() {
        guard finished >= accepted.withLockedValue({ $0 }) else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}

import Fluent
import NIOConcurrencyHelpers

/// Serialises write transactions on SQLite, whose single writer would otherwise answer
/// concurrent `BEGIN … INSERT` with "database is locked". PostgreSQL needs no gate. On SQLite
/// every write first checks that the database file is still the one opened (`DatabaseFileWatch`),
/// so a write to a deleted file fails with 503 instead of being acknowledged and lost.
final class WriteGate: Sendable {
    private let serialise: Bool
    let fileWatch: DatabaseFileWatch?
    private let state = NIOLockedValueBox<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(serialise: Bool, fileWatch: DatabaseFileWatch? = nil) {
        self.serialise = serialise
        self.fileWatch = fileWatch
    }

    /// Runs `work` in a database transaction, one at a time on SQLite.
    func transaction<T: Sendable>(on db: any Database, _ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await serialised { try await db.transaction(work) }
    }

    /// Runs `work` (writes outside an explicit transaction, e.g. one statement), one at a time
    /// with the transactions on SQLite.
    func serialised<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        if let problem = fileWatch?.check() { throw problem }
        guard serialise else { return try await work() }
        await acquire()
        do {
            let result = try await work()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let runNow = state.withLockedValue { state -> Bool in
                if state.busy {
                    state.waiters.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if runNow { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}

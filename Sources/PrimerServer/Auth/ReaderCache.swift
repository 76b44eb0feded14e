import Foundation
import Synchronization

/// In-process cache of resolved readers keyed by session id, so an authenticated request
/// needs no database round trip. Every write in this process that ends a session or changes
/// a user or profile invalidates the affected entries at once; `ttl` bounds how long a change
/// made by another process (another server instance, the `primer user` command) can go
/// unseen. A ttl of 0 turns the cache off.
final class ReaderCache: Sendable {
    private struct Entry {
        var reader: AuthenticatedReader
        let validUntil: Date
    }

    private struct State {
        var entries: [UUID: Entry] = [:]
        var sessionsByUser: [UUID: Set<UUID>] = [:]
    }

    let ttl: TimeInterval
    private let maxEntries: Int
    private let state = Mutex(State())

    init(ttl: TimeInterval, maxEntries: Int = 100_000) {
        self.ttl = ttl
        self.maxEntries = maxEntries
    }

    var isEnabled: Bool { ttl > 0 }

    /// The cached reader of `sessionID` if it is still valid at `now`.
    func reader(sessionID: UUID, now: Date) -> AuthenticatedReader? {
        guard isEnabled else { return nil }
        return state.withLock { state in
            guard let entry = state.entries[sessionID] else { return nil }
            if entry.validUntil <= now {
                Self.remove(sessionID, userID: entry.reader.userID, from: &state)
                return nil
            }
            return entry.reader
        }
    }

    /// Remembers `reader` until the ttl passes or its session expires.
    func store(_ reader: AuthenticatedReader, now: Date) {
        guard isEnabled else { return }
        let validUntil = min(now.addingTimeInterval(ttl), reader.sessionExpiresAt)
        state.withLock { state in
            if state.entries.count >= maxEntries { state = State() }
            state.entries[reader.sessionID] = Entry(reader: reader, validUntil: validUntil)
            state.sessionsByUser[reader.userID, default: []].insert(reader.sessionID)
        }
    }

    /// Records that the session was used at `date` (without extending the entry).
    func touch(sessionID: UUID, at date: Date) {
        state.withLock { $0.entries[sessionID]?.reader.sessionLastUsedAt = date }
    }

    /// Forgets the given sessions.
    func invalidate(sessionIDs: [UUID]) {
        state.withLock { state in
            for id in sessionIDs {
                if let userID = state.entries[id]?.reader.userID { Self.remove(id, userID: userID, from: &state) }
            }
        }
    }

    /// Forgets every session of `userID` (profile change, sign-out everywhere, deletion).
    func invalidate(userID: UUID) {
        state.withLock { state in
            for id in state.sessionsByUser.removeValue(forKey: userID) ?? [] { state.entries[id] = nil }
        }
    }

    private static func remove(_ sessionID: UUID, userID: UUID, from state: inout State) {
        state.entries[sessionID] = nil
        state.sessionsByUser[userID]?.remove(sessionID)
        if state.sessionsByUser[userID]?.isEmpty == true { state.sessionsByUser[userID] = nil }
    }
}

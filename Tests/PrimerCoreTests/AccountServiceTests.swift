import Foundation
@testable import PrimerCore
import Synchronization
import Testing

/// The account and session rules on the in-memory repositories: no server, no database.
@Suite struct AccountServiceTests {
    /// "Hashing" that is instant and transparent, for rule tests (the server uses bcrypt).
    struct PlainPasswords: PasswordHashing {
        func hash(_ password: String) async throws -> String { "plain:" + password }
        func verify(_ password: String, against hash: String?) async throws -> Bool { hash == "plain:" + password }
    }

    /// A clock the test moves by hand.
    final class Clock: Sendable {
        let value = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
    }

    /// What the services told the reader cache.
    final class Changes: Sendable {
        let accounts = Mutex<[UUID]>([]), sessions = Mutex<[UUID]>([])
        var hooks: AccountChanges {
            AccountChanges(account: { id in self.accounts.withLock { $0.append(id) } },
                           sessions: { ids in self.sessions.withLock { $0 += ids } })
        }
    }

    struct World {
        let store = InMemoryAccountStore()
        let clock = Clock()
        let changes = Changes()
        let lockout = InMemoryLoginLockoutStore(policy: .init(maxFailures: 3, window: 900, lockDuration: 900))

        var sessions: SessionService {
            let clock = self.clock
            return SessionService(sessions: store, accounts: store, tokens: RefreshTokens(secret: "test-secret-0123456789"),
                                  refreshLifetime: 30 * 86_400, changes: changes.hooks, now: { clock.now })
        }

        var accounts: AccountService {
            let clock = self.clock
            return AccountService(accounts: store, sessions: sessions, passwords: PlainPasswords(), lockout: lockout,
                                  changes: changes.hooks, now: { clock.now })
        }

        func signUp(_ email: String = "ada@example.com") async throws -> SignedIn {
            try await accounts.signUp(email: try EmailAddress(parsing: email), password: "Sturdy#Pass1",
                                      profile: ReaderProfile(softwareExperience: .beginner, hardwareExperience: .none),
                                      name: "Ada", client: ClientInfo(userAgent: "Test", ipAddress: "127.0.0.1"))
        }
    }

    @Test func signUpStoresTheAccountAndAFirstSessionAndEmailsAreUnique() async throws {
        let world = World()
        let signedIn = try await world.signUp()
        #expect(await world.store.account(email: "ada@example.com")?.name == "Ada")
        #expect(await world.store.session(id: signedIn.sessionID)?.userAgent == "Test")
        await #expect(throws: AccountError.emailTaken) { try await world.signUp() }
    }

    @Test func signInChecksThePasswordAndLocksAfterRepeatedFailures() async throws {
        let world = World()
        _ = try await world.signUp()
        let signedIn = try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        #expect(signedIn.account.lastLoginAt == world.clock.now)
        #expect(world.changes.accounts.withLock { $0 }.contains(signedIn.account.id), "cached readers see the new last_login_at")
        for _ in 0..<3 {
            await #expect(throws: AccountError.invalidCredentials) {
                try await world.accounts.signIn(email: "ada@example.com", password: "wrong", client: ClientInfo())
            }
        }
        // Locked: even the right password is refused until the lock ends.
        await #expect(throws: AccountError.locked(until: world.clock.now.addingTimeInterval(900), now: world.clock.now)) {
            try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        }
        world.clock.advance(901)
        _ = try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        // An unknown email is the same answer as a wrong password.
        await #expect(throws: AccountError.invalidCredentials) {
            try await world.accounts.signIn(email: "nobody@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        }
    }

    @Test func refreshTokensRotateAndALateReplayEndsTheSession() async throws {
        let world = World()
        let first = try await world.signUp()
        let second = try await world.sessions.rotate(first.refreshToken)
        #expect(second.refreshToken != first.refreshToken && second.sessionID == first.sessionID)
        // Two tabs at once: within the grace window the old token yields the current one.
        world.clock.advance(5)
        #expect(try await world.sessions.rotate(first.refreshToken).refreshToken == second.refreshToken)
        // Later, a replay is theft: the session ends.
        world.clock.advance(10)
        await #expect(throws: AccountError.refreshTokenReused(sessionID: first.sessionID)) {
            try await world.sessions.rotate(first.refreshToken)
        }
        #expect(await world.store.session(id: first.sessionID)?.revokedAt != nil)
        #expect(world.changes.sessions.withLock { $0 } == [first.sessionID])
        await #expect(throws: AccountError.invalidRefreshToken) { try await world.sessions.rotate(second.refreshToken) }
        await #expect(throws: AccountError.invalidRefreshToken) { try await world.sessions.rotate("not-a-token") }
    }

    @Test func profileChangesAreAuditedAndNoChangeWritesNothing() async throws {
        let world = World()
        let signedIn = try await world.signUp()
        let id = signedIn.account.id
        world.clock.advance(60)
        let changed = try await world.accounts.updateProfile(userID: id, ProfileChange(softwareExperience: .advanced, interests: ["drones"]))
        #expect(changed.profile.softwareExperience == .advanced && changed.profile.interests == ["drones"])
        #expect(changed.profileUpdatedAt == world.clock.now)
        let audit = await world.store.audit
        #expect(audit.count == 1 && audit[0].changedFields == ["software_experience", "interests"])
        #expect(audit[0].oldValues == #"{"interests":[],"software_experience":"Beginner"}"#)
        _ = try await world.accounts.updateProfile(userID: id, ProfileChange(softwareExperience: .advanced))
        #expect(await world.store.audit.count == 1)
        await #expect(throws: AccountError.accountNotFound) { try await world.accounts.updateProfile(userID: UUID(), ProfileChange()) }
    }

    @Test func sessionsAreListedAndOnlyTheirOwnerEndsThem() async throws {
        let world = World()
        let ada = try await world.signUp()
        let grace = try await world.signUp("grace@example.com")
        world.clock.advance(1)
        let second = try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        #expect(try await world.sessions.liveSessions(userID: ada.account.id).map(\.id) == [second.sessionID, ada.sessionID])
        await #expect(throws: AccountError.sessionNotFound) { try await world.sessions.revokeSession(grace.sessionID, of: ada.account.id) }
        try await world.sessions.revokeSession(second.sessionID, of: ada.account.id)
        #expect(try await world.sessions.liveSessions(userID: ada.account.id).map(\.id) == [ada.sessionID])
        await #expect(throws: AccountError.sessionNotFound) { try await world.sessions.revokeSession(second.sessionID, of: ada.account.id) }
        try await world.sessions.revokeAll(userID: ada.account.id)
        #expect(try await world.sessions.liveSessions(userID: ada.account.id).isEmpty)
        #expect(try await world.sessions.liveSessions(userID: grace.account.id).count == 1)
    }

    @Test func deletingTheAccountNeedsThePasswordAndRemovesEverything() async throws {
        let world = World()
        let signedIn = try await world.signUp()
        let id = signedIn.account.id
        await #expect(throws: AccountError.passwordRequired) { try await world.accounts.deleteAccount(userID: id, password: nil) }
        await #expect(throws: AccountError.wrongPassword) { try await world.accounts.deleteAccount(userID: id, password: "nope") }
        try await world.accounts.deleteAccount(userID: id, password: "Sturdy#Pass1")
        #expect(await world.store.account(id: id) == nil)
        #expect(await world.store.sessions.isEmpty)
        #expect(await world.store.refreshTokens.isEmpty)
        await #expect(throws: AccountError.invalidRefreshToken) { try await world.sessions.rotate(signedIn.refreshToken) }
    }

    @Test func aDisabledAccountCannotSignInOrRefresh() async throws {
        let world = World()
        let signedIn = try await world.signUp()
        var account = try #require(await world.store.account(id: signedIn.account.id))
        account.isActive = false
        await world.store.updateProfile(account, audit: AuditEntry(userID: account.id, action: "test", changedFields: [], oldValues: "{}", newValues: "{}"))
        await #expect(throws: AccountError.accountDisabled) {
            try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        }
        await #expect(throws: AccountError.accountDisabled) { try await world.sessions.rotate(signedIn.refreshToken) }
    }
}

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

    /// The emails the flows sent, as (kind, address, token).
    final class Outbox: AccountMail {
        let sent = Mutex<[(kind: String, to: String, token: String)]>([])
        func verifyEmail(_ account: Account, token: String) async { sent.withLock { $0.append(("verify", account.email, token)) } }
        func resetPassword(_ account: Account, token: String) async { sent.withLock { $0.append(("reset", account.email, token)) } }
        func passwordChanged(_ account: Account) async { sent.withLock { $0.append(("changed", account.email, "")) } }
        func twoFactorEnabled(_ account: Account) async { sent.withLock { $0.append(("2fa-on", account.email, "")) } }
        func twoFactorDisabled(_ account: Account) async { sent.withLock { $0.append(("2fa-off", account.email, "")) } }
        func last(_ kind: String) -> String? { sent.withLock { $0.last { $0.kind == kind }?.token } }
        var kinds: [String] { sent.withLock { $0.map(\.kind) } }
    }

    struct World {
        let store = InMemoryAccountStore()
        let outbox = Outbox()
        var requireVerifiedEmail = false
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
                                  changes: changes.hooks, requireVerifiedEmail: requireVerifiedEmail, mail: outbox,
                                  twoFactor: twoFactor, now: { clock.now })
        }

        var twoFactor: TwoFactor {
            let clock = self.clock
            return TwoFactor(accounts: store, store: store, tokens: store, passwords: PlainPasswords(), lockout: lockout,
                             mail: outbox, issuer: "Test Book", now: { clock.now })
        }

        var verification: EmailVerification {
            let clock = self.clock
            return EmailVerification(accounts: store, tokens: store, mail: outbox, changes: changes.hooks, now: { clock.now })
        }

        var reset: PasswordReset {
            let clock = self.clock
            return PasswordReset(accounts: store, tokens: store, sessions: sessions, passwords: PlainPasswords(), mail: outbox,
                                 now: { clock.now })
        }

        /// Signs in with the password alone (no second step expected).
        func signIn(email: String, password: String, client: ClientInfo) async throws -> SignedIn {
            try #require(try await accounts.signIn(email: email, password: password, client: client).signedIn)
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
        let signedIn = try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        #expect(signedIn.account.lastLoginAt == world.clock.now)
        #expect(world.changes.accounts.withLock { $0 }.contains(signedIn.account.id), "cached readers see the new last_login_at")
        for _ in 0..<3 {
            await #expect(throws: AccountError.invalidCredentials) {
                try await world.signIn(email: "ada@example.com", password: "wrong", client: ClientInfo())
            }
        }
        // Locked: even the right password is refused until the lock ends.
        await #expect(throws: AccountError.locked(until: world.clock.now.addingTimeInterval(900), now: world.clock.now)) {
            try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        }
        world.clock.advance(901)
        _ = try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        // An unknown email is the same answer as a wrong password.
        await #expect(throws: AccountError.invalidCredentials) {
            try await world.signIn(email: "nobody@example.com", password: "Sturdy#Pass1", client: ClientInfo())
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
        let second = try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
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
            try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        }
        await #expect(throws: AccountError.accountDisabled) { try await world.sessions.rotate(signedIn.refreshToken) }
    }

    @Test func aVerificationLinkWorksOnceForADayAndANewOneReplacesIt() async throws {
        var world = World()
        world.requireVerifiedEmail = true
        let signedIn = try await world.signUp()
        try await world.verification.send(to: signedIn.account)
        let first = try #require(world.outbox.last("verify"))
        try await world.verification.send(to: signedIn.account)
        let second = try #require(world.outbox.last("verify"))
        #expect(first != second)
        await #expect(throws: AccountError.invalidToken) { try await world.verification.verify(first) }  // replaced
        // Unverified: sign-in refused while verification is required.
        await #expect(throws: AccountError.emailNotVerified) {
            try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        }
        world.clock.advance(23 * 3600)
        #expect(try await world.verification.verify(second).emailVerified)
        await #expect(throws: AccountError.invalidToken) { try await world.verification.verify(second) }  // used
        #expect(await world.store.account(id: signedIn.account.id)?.emailVerified == true)
        _ = try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        // Only the token's hash is stored.
        #expect(await world.store.oneTimeTokens.values.allSatisfy { $0.tokenHash != second && $0.tokenHash.count == 64 })
    }

    @Test func verificationLinksExpireAfterADay() async throws {
        let world = World()
        let signedIn = try await world.signUp()
        try await world.verification.send(to: signedIn.account)
        world.clock.advance(24 * 3600 + 1)
        await #expect(throws: AccountError.invalidToken) { try await world.verification.verify(try #require(world.outbox.last("verify"))) }
    }

    @Test func aPasswordResetSendsNothingForUnknownEmailsAndEndsEverySession() async throws {
        let world = World()
        let signedIn = try await world.signUp()
        try await world.reset.request(email: "nobody@example.com")
        #expect(world.outbox.kinds.isEmpty, "no mail, no error: the answer reveals nothing")
        try await world.reset.request(email: "ada@example.com")
        let token = try #require(world.outbox.last("reset"))
        world.clock.advance(30 * 60)
        try await world.reset.reset(token: token, password: "New#Pass1234")
        #expect(world.outbox.kinds == ["reset", "changed"])
        #expect(try await world.sessions.liveSessions(userID: signedIn.account.id).isEmpty, "every session ended")
        await #expect(throws: AccountError.invalidRefreshToken) { try await world.sessions.rotate(signedIn.refreshToken) }
        _ = try await world.signIn(email: "ada@example.com", password: "New#Pass1234", client: ClientInfo())
        await #expect(throws: AccountError.invalidToken) { try await world.reset.reset(token: token, password: "Other#Pass1234") }
        // Expired after an hour.
        try await world.reset.request(email: "ada@example.com")
        world.clock.advance(3601)
        await #expect(throws: AccountError.invalidToken) {
            try await world.reset.reset(token: try #require(world.outbox.last("reset")), password: "Other#Pass1234")
        }
        // A verification token is not a reset token.
        try await world.verification.send(to: signedIn.account)
        await #expect(throws: AccountError.invalidToken) {
            try await world.reset.reset(token: try #require(world.outbox.last("verify")), password: "Other#Pass1234")
        }
    }

    @Test func changingThePasswordKeepsThisDeviceAndEndsTheOthers() async throws {
        let world = World()
        let here = try await world.signUp()
        let elsewhere = try await world.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        await #expect(throws: AccountError.wrongPassword) {
            try await world.accounts.changePassword(userID: here.account.id, keeping: here.sessionID, current: "nope", new: "New#Pass1234")
        }
        try await world.accounts.changePassword(userID: here.account.id, keeping: here.sessionID, current: "Sturdy#Pass1", new: "New#Pass1234")
        #expect(try await world.sessions.liveSessions(userID: here.account.id).map(\.id) == [here.sessionID])
        await #expect(throws: AccountError.invalidRefreshToken) { try await world.sessions.rotate(elsewhere.refreshToken) }
        #expect(world.outbox.kinds == ["changed"])
        _ = try await world.signIn(email: "ada@example.com", password: "New#Pass1234", client: ClientInfo())
    }
}

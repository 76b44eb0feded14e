import Foundation
@testable import PrimerCore
import Testing

/// Two-factor sign-in rules on the in-memory repositories: set-up, codes used once, backup
/// codes, the lockout, the challenge's lifetime, switching off.
@Suite struct TwoFactorTests {
    typealias World = AccountServiceTests.World

    /// Signs up Ada and switches two-factor sign-in on; returns the app's generator and the backup codes.
    func enrolled(_ world: World) async throws -> (account: Account, app: TOTP, backupCodes: [String]) {
        let ada = try await world.signUp()
        let setup = try await world.twoFactor.setUp(userID: ada.account.id)
        let app = try #require(TOTP(base32: setup.secret))
        let codes = try await world.twoFactor.enable(userID: ada.account.id, code: app.code(at: world.clock.now))
        world.clock.advance(30)  // the enabling code's step is used: sign-ins take the next one
        return (ada.account, app, codes)
    }

    func challenge(_ world: World) async throws -> String {
        let outcome = try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
        guard case let .secondFactorRequired(challenge, expiresIn) = outcome else {
            Issue.record("expected a second step, got \(outcome)")
            throw AccountError.invalidChallenge
        }
        #expect(expiresIn == 300)
        return challenge
    }

    @Test func setUpStaysOffUntilACodeProvesItThenSignInNeedsASecondStep() async throws {
        let world = World()
        let ada = try await world.signUp()
        let setup = try await world.twoFactor.setUp(userID: ada.account.id)
        #expect(setup.otpauthURL.hasPrefix("otpauth://totp/Test%20Book:ada%40example.com?secret=\(setup.secret)&issuer=Test%20Book"))
        #expect(try await world.twoFactor.status(userID: ada.account.id) == TwoFactorStatus(enabled: false, enabledAt: nil, backupCodesRemaining: 0))
        // Not on yet: the password alone still signs in.
        #expect(try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo()).signedIn != nil)
        let app = try #require(TOTP(base32: setup.secret))
        await #expect(throws: AccountError.invalidCode) {
            _ = try await world.twoFactor.enable(userID: ada.account.id, code: "000000" == app.code(at: world.clock.now) ? "111111" : "000000")
        }
        let codes = try await world.twoFactor.enable(userID: ada.account.id, code: app.code(at: world.clock.now))
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(world.outbox.kinds.last == "2fa-on")
        #expect(try await world.twoFactor.status(userID: ada.account.id).backupCodesRemaining == 10)
        // Only hashes are stored.
        let stored = try #require(await world.store.twoFactor(userID: ada.account.id))
        #expect(!stored.backupCodeHashes.contains { codes.contains($0) })
        await #expect(throws: AccountError.twoFactorAlreadyEnabled) { _ = try await world.twoFactor.setUp(userID: ada.account.id) }

        let sessionsBefore = await world.store.sessions.count
        let challenge = try await challenge(world)
        #expect(await world.store.sessions.count == sessionsBefore, "no session before the second step")
        // The code that switched it on can't sign in (same step); the next step's code can.
        await #expect(throws: AccountError.invalidCode) {
            _ = try await world.accounts.signIn(challenge: challenge, code: app.code(at: world.clock.now), backupCode: nil, client: ClientInfo())
        }
        world.clock.advance(30)
        let signedIn = try await world.accounts.signIn(challenge: challenge, code: app.code(at: world.clock.now), backupCode: nil,
                                                       client: ClientInfo())
        #expect(signedIn.account.id == ada.account.id)
        #expect(await world.store.sessions[signedIn.sessionID] != nil)
        // The challenge worked once.
        world.clock.advance(30)
        await #expect(throws: AccountError.invalidChallenge) {
            _ = try await world.accounts.signIn(challenge: challenge, code: app.code(at: world.clock.now), backupCode: nil, client: ClientInfo())
        }
    }

    @Test func aCodeWorksOnceAndOlderStepsAreRefusedAfterIt() async throws {
        let world = World()
        let (_, app, _) = try await enrolled(world)
        let first = try await challenge(world), second = try await challenge(world)
        let code = app.code(at: world.clock.now)
        _ = try await world.accounts.signIn(challenge: first, code: code, backupCode: nil, client: ClientInfo())
        await #expect(throws: AccountError.invalidCode) {
            _ = try await world.accounts.signIn(challenge: second, code: code, backupCode: nil, client: ClientInfo())
        }
        // The previous step's code is inside the ±1 window but older than the one used.
        await #expect(throws: AccountError.invalidCode) {
            _ = try await world.accounts.signIn(challenge: second, code: app.code(at: world.clock.now.addingTimeInterval(-30)),
                                                backupCode: nil, client: ClientInfo())
        }
        // One step later (drift allowed) works, typed with a space as apps show it.
        let next = app.code(at: world.clock.now.addingTimeInterval(30))
        _ = try await world.accounts.signIn(challenge: second, code: String(next.prefix(3)) + " " + String(next.suffix(3)),
                                            backupCode: nil, client: ClientInfo())
    }

    @Test func backupCodesWorkOnceInAnyCaseAndRegeneratingReplacesThem() async throws {
        let world = World()
        let (account, _, codes) = try await enrolled(world)
        let typed = " " + codes[3].uppercased() + " "
        _ = try await world.accounts.signIn(challenge: try await challenge(world), code: nil, backupCode: typed, client: ClientInfo())
        #expect(try await world.twoFactor.status(userID: account.id).backupCodesRemaining == 9)
        await #expect(throws: AccountError.invalidCode) {
            _ = try await world.accounts.signIn(challenge: try await challenge(world), code: nil, backupCode: codes[3], client: ClientInfo())
        }
        await #expect(throws: AccountError.wrongPassword) {
            _ = try await world.twoFactor.regenerateBackupCodes(userID: account.id, password: "nope")
        }
        let fresh = try await world.twoFactor.regenerateBackupCodes(userID: account.id, password: "Sturdy#Pass1")
        #expect(fresh.count == 10 && Set(fresh).isDisjoint(with: codes))
        world.clock.advance(901)  // past the lockout window (the test policy allows only 3 attempts)
        await #expect(throws: AccountError.invalidCode) {
            _ = try await world.accounts.signIn(challenge: try await challenge(world), code: nil, backupCode: codes[0], client: ClientInfo())
        }
        _ = try await world.accounts.signIn(challenge: try await challenge(world), code: nil, backupCode: fresh[0], client: ClientInfo())
        #expect(await world.store.audit.map(\.action).contains("two_factor.backup_codes"))
    }

    @Test func wrongCodesCountTowardTheLockout() async throws {
        let world = World()  // locks after 3 failures
        let (_, app, _) = try await enrolled(world)
        let challenge = try await challenge(world)
        let wrong = app.code(at: world.clock.now) == "123456" ? "654321" : "123456"
        for _ in 0..<2 {
            await #expect(throws: AccountError.invalidCode) {
                _ = try await world.accounts.signIn(challenge: challenge, code: wrong, backupCode: nil, client: ClientInfo())
            }
        }
        do {
            _ = try await world.accounts.signIn(challenge: challenge, code: wrong, backupCode: nil, client: ClientInfo())
            Issue.record("the third wrong code should lock the account")
        } catch AccountError.locked {}
        // Locked: the right code and the right password are refused too.
        do {
            _ = try await world.accounts.signIn(challenge: challenge, code: app.code(at: world.clock.now), backupCode: nil, client: ClientInfo())
            Issue.record("a locked account must refuse the right code")
        } catch AccountError.locked {}
        do {
            _ = try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo())
            Issue.record("a locked account must refuse the password")
        } catch AccountError.locked {}
    }

    @Test func theChallengeExpiresAfterFiveMinutes() async throws {
        let world = World()
        let (_, app, _) = try await enrolled(world)
        let challenge = try await challenge(world)
        world.clock.advance(301)
        await #expect(throws: AccountError.invalidChallenge) {
            _ = try await world.accounts.signIn(challenge: challenge, code: app.code(at: world.clock.now), backupCode: nil, client: ClientInfo())
        }
        await #expect(throws: AccountError.invalidChallenge) {
            _ = try await world.accounts.signIn(challenge: "made-up", code: app.code(at: world.clock.now), backupCode: nil, client: ClientInfo())
        }
    }

    @Test func switchingOffNeedsThePasswordAndACodeThenThePasswordAloneSignsIn() async throws {
        let world = World()
        let (account, app, codes) = try await enrolled(world)
        await #expect(throws: AccountError.wrongPassword) {
            try await world.twoFactor.disable(userID: account.id, password: "nope", code: app.code(at: world.clock.now))
        }
        await #expect(throws: AccountError.invalidCode) {
            try await world.twoFactor.disable(userID: account.id, password: "Sturdy#Pass1", code: "12")
        }
        try await world.twoFactor.disable(userID: account.id, password: "Sturdy#Pass1", code: codes[9])  // a backup code will do
        #expect(world.outbox.kinds.last == "2fa-off")
        #expect(await world.store.twoFactor(userID: account.id) == nil)
        #expect(try await world.accounts.signIn(email: "ada@example.com", password: "Sturdy#Pass1", client: ClientInfo()).signedIn != nil)
        await #expect(throws: AccountError.twoFactorNotEnabled) {
            try await world.twoFactor.disable(userID: account.id, password: "Sturdy#Pass1", code: app.code(at: world.clock.now))
        }
        await #expect(throws: AccountError.twoFactorNotSetUp) { _ = try await world.twoFactor.enable(userID: account.id, code: "123456") }
    }

    @Test func deletingTheAccountRemovesItsTwoFactorState() async throws {
        let world = World()
        let (account, _, _) = try await enrolled(world)
        try await world.accounts.deleteAccount(userID: account.id, password: "Sturdy#Pass1")
        #expect(await world.store.twoFactor(userID: account.id) == nil)
    }
}

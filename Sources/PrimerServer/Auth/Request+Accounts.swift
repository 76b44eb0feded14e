import Fluent
import Foundation
import PrimerCore
import Vapor

extension PasswordHasher: PasswordHashing {}

extension Request {
    /// The account rules (`AccountService`) over this request's database; the API's
    /// controllers and the website's forms both use them.
    var accounts: AccountService {
        let services = primer
        return AccountService(accounts: accountStore, sessions: sessions, passwords: services.passwords,
                              lockout: services.lockout, changes: accountChanges,
                              requireVerifiedEmail: services.settings.requireEmailVerification, mail: QueuedAccountMail(services),
                              twoFactor: twoFactor)
    }

    /// Two-factor sign-in over this request's database; authenticator apps show the book's title.
    var twoFactor: TwoFactor {
        let services = primer
        return TwoFactor(accounts: accountStore, store: accountStore, tokens: accountStore, passwords: services.passwords,
                         lockout: services.lockout, mail: QueuedAccountMail(services), issuer: MailTemplates(services).bookTitle)
    }

    /// Email verification over this request's database; links go out through the mail queue.
    var emailVerification: EmailVerification {
        EmailVerification(accounts: accountStore, tokens: accountStore, mail: QueuedAccountMail(primer), changes: accountChanges)
    }

    /// Password reset by email over this request's database.
    var passwordReset: PasswordReset {
        PasswordReset(accounts: accountStore, tokens: accountStore, sessions: sessions, passwords: primer.passwords,
                      mail: QueuedAccountMail(primer))
    }

    /// Sessions and refresh tokens (`SessionService`) over this request's database.
    var sessions: SessionService {
        let services = primer
        return SessionService(sessions: accountStore, accounts: accountStore, tokens: services.tokens.refresh,
                              refreshLifetime: services.tokens.refreshLifetime, changes: accountChanges)
    }

    private var accountStore: FluentAccountRepository {
        FluentAccountRepository(db: db, writes: primer.writes, cipher: primer.dataCipher)
    }

    /// Drops changed readers from the signed-in reader cache at once.
    private var accountChanges: AccountChanges {
        let readers = primer.readers
        return AccountChanges(account: { readers.invalidate(userID: $0) }, sessions: { readers.invalidate(sessionIDs: $0) })
    }

    /// The device details a new session records.
    var clientInfo: ClientInfo {
        ClientInfo(userAgent: headers.first(name: .userAgent), ipAddress: clientAddress)
    }

    /// The answer to a correct password: the tokens, or the second step for a two-factor account.
    func signInResponse(_ outcome: SignInOutcome) async throws -> Response {
        switch outcome {
        case .signedIn(let signedIn):
            return try await authResponse(signedIn).encodeResponse(for: self)
        case let .secondFactorRequired(challenge, expiresIn):
            return try await MFARequiredResponse(mfaToken: challenge, expiresIn: expiresIn).encodeResponse(for: self)
        }
    }

    /// The full sign-in answer: an access token for the session, the refresh token and the user.
    func authResponse(_ signedIn: SignedIn) async throws -> AuthResponse {
        let tokens = primer.tokens
        let access = try await tokens.accessToken(userID: signedIn.account.id, sessionID: signedIn.sessionID)
        return AuthResponse(accessToken: access, refreshToken: signedIn.refreshToken, tokenType: "bearer",
                            expiresIn: Int(tokens.accessLifetime), user: UserResponse(account: signedIn.account),
                            profileComplete: signedIn.account.profile.isComplete)
    }
}

import Foundation

/// What a correct password leads to: a session, or (two-factor accounts) a second step.
public enum SignInOutcome: Sendable, Equatable {
    case signedIn(SignedIn)
    /// Send a code with `challenge` (a single-use token, valid `expiresIn` seconds) to finish.
    case secondFactorRequired(challenge: String, expiresIn: Int)

    /// The session when the password alone signed in.
    public var signedIn: SignedIn? {
        if case .signedIn(let signedIn) = self { signedIn } else { nil }
    }
}

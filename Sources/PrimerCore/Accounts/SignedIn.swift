import Foundation

/// The result of signing up, signing in or refreshing: the account, the session and its
/// current refresh token (the server adds the access token).
public struct SignedIn: Sendable, Equatable {
    public let account: Account
    public let sessionID: UUID
    public let refreshToken: String

    public init(account: Account, sessionID: UUID, refreshToken: String) {
        self.account = account
        self.sessionID = sessionID
        self.refreshToken = refreshToken
    }
}

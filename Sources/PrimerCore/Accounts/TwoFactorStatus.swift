import Foundation

/// A reader's two-factor status, as the profile shows it.
public struct TwoFactorStatus: Sendable, Equatable {
    public let enabled: Bool
    public let enabledAt: Date?
    public let backupCodesRemaining: Int

    public init(enabled: Bool, enabledAt: Date?, backupCodesRemaining: Int) {
        self.enabled = enabled
        self.enabledAt = enabledAt
        self.backupCodesRemaining = backupCodesRemaining
    }
}

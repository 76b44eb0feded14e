import PrimerCore
import Vapor

/// bcrypt hashing and verification on a dedicated thread pool, never on an event loop, and
/// never in the way of the database's thread pool (a burst of sign-ins cannot delay queries).
/// Long passwords are pre-hashed (see `BcryptInput`) so nothing past 72 bytes is ignored.
struct PasswordHasher: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool
    /// A hash of a random password at the configured cost, verified against when an email is
    /// unknown so that answer takes as long as a wrong password.
    let dummyHash: String

    static func make(cost: Int, threadPool: NIOThreadPool) async throws -> PasswordHasher {
        let dummy = try await threadPool.runIfActive {
            try Bcrypt.hash(UUID().uuidString + UUID().uuidString, cost: cost)
        }
        return PasswordHasher(cost: cost, threadPool: threadPool, dummyHash: dummy)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { try Bcrypt.hash(BcryptInput.prepare(password), cost: cost) }
    }

    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let target = hash ?? dummyHash
        let matches = try await threadPool.runIfActive { try Bcrypt.verify(BcryptInput.prepare(password), created: target) }
        return hash != nil && matches
    }
}

/// The data keys Primer knows: the current one (`PRIMER_DATA_KEY`), which encrypts every new
/// value, and during a rotation the previous one (`PRIMER_DATA_KEY_PREVIOUS`), which only
/// decrypts values not yet re-encrypted by `primer keys rotate`.
public struct DataKeyRing: Sendable, Equatable, CustomStringConvertible {
    public let current: DataKey
    public let previous: DataKey?

    public init(current: DataKey, previous: DataKey? = nil) {
        self.current = current
        self.previous = previous == current ? nil : previous
    }

    /// The key whose id is `id`, if it is configured.
    public func key(id: String) -> DataKey? {
        if current.id == id { return current }
        if let previous, previous.id == id { return previous }
        return nil
    }

    /// The configured keys' ids, current first.
    public var ids: [String] { [current.id] + (previous.map { [$0.id] } ?? []) }

    public var description: String {
        "DataKeyRing(current: \(current.id)" + (previous.map { ", previous: \($0.id)" } ?? "") + ")"
    }
}

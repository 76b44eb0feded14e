#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 network such as `10.0.0.0/8`, `::1/128` or a single address.
public struct IPNetwork: Equatable, Sendable, CustomStringConvertible {
    public let address: [UInt8]
    public let prefixLength: Int

    /// Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `v6/n`.
    public init(parsing raw: String) throws(FieldProblem) {
        let text = raw.trimmingWhitespace()
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = IPNetwork.bytes(of: first) else {
            throw FieldProblem("'\(text)' is not an IP address or network")
        }
        let maxPrefix = bytes.count * 8
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...maxPrefix).contains(n) else {
                throw FieldProblem("'\(text)' has an invalid prefix length")
            }
            prefix = n
        }
        self.address = bytes
        self.prefixLength = prefix
    }

    /// True when `ip` (textual) lies inside this network.
    public func contains(_ ip: String) -> Bool {
        guard var bytes = IPNetwork.bytes(of: ip) else { return false }
        if bytes.count == 16, address.count == 4, bytes[0..<12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff][...] {
            bytes = Array(bytes[12...])  // IPv4-mapped IPv6
        }
        guard bytes.count == address.count else { return false }
        var remaining = prefixLength
        for i in 0..<bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xff : ~(0xff >> UInt8(bits))
            if bytes[i] & mask != address[i] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(address)/\(prefixLength)" }

    /// The raw bytes of a textual IPv4 or IPv6 address.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// Decides which address a request came from: the peer, or — when the peer is a trusted
/// proxy — the right-most `X-Forwarded-For` entry that is not itself a trusted proxy.
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPNetwork]

    public init(trustedProxies: [IPNetwork]) {
        self.trustedProxies = trustedProxies
    }

    /// Whether `peer` is one of the trusted proxies (nil: no).
    public func isTrustedProxy(_ peer: String?) -> Bool {
        peer.map(isTrusted) ?? false
    }

    func isTrusted(_ ip: String) -> Bool {
        trustedProxies.contains { $0.contains(ip) }
    }

    /// The client address for a request from `peer` carrying `forwardedFor` header values.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard isTrusted(peer), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { String($0).trimmingWhitespace() }
        for hop in hops.reversed() {
            guard IPNetwork.bytes(of: hop) != nil else { return peer }  // garbage: don't trust the header
            if !isTrusted(hop) { return hop }
        }
        return hops.first ?? peer
    }
}

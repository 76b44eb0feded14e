#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit. Every connection holds a descriptor; the common default
/// soft limit (1,024) is reached by a few hundred slow clients, so start-up raises it to the
/// hard limit where that is allowed (no privileges needed).
enum DescriptorLimit {
    /// Raises the soft limit to the hard limit (at most `cap`); returns (before, after).
    @discardableResult
    static func raise(cap: rlim_t = 1 << 20) -> (before: UInt64, after: UInt64)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        let before = UInt64(limit.rlim_cur)
        let target = min(limit.rlim_max, cap)
        guard target > limit.rlim_cur else { return (before, before) }
        limit.rlim_cur = target
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (before, before) }
        return (before, UInt64(target))
    }

    /// The current soft limit.
    static var current: UInt64? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }
}

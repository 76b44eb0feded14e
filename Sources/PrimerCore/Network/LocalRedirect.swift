/// Where to send a reader after signing in: only a path on this site, never another origin.
public enum LocalRedirect {
    /// `next` if it is a same-origin path, else `/`. Accepted: starts with exactly one `/`, no
    /// backslash, no control or whitespace character, no `//` and no scheme, checked on the
    /// text as given and on its path again after percent-decoding (twice, for double encoding)
    /// and resolving `.`/`..` segments. Look-alike slashes (e.g. `／`, `∕`, `⁄`) are refused too.
    public static func path(_ next: String?) -> String {
        guard let next, !next.isEmpty, next.utf8.count <= 2048, isSafe(next) else { return "/" }
        // Decoded forms are checked on the path only: `?q=a%20b` is an ordinary query.
        var forms: [String] = []
        var decoded = String(next.prefix { $0 != "?" && $0 != "#" })
        for _ in 0..<2 {
            guard let once = percentDecoded(decoded) else { return "/" }
            if once == decoded { break }
            forms.append(once)
            decoded = once
        }
        for form in forms where !isSafe(form) { return "/" }
        return next
    }

    private static func isSafe(_ text: String) -> Bool {
        guard text.hasPrefix("/"), !text.hasPrefix("//") else { return false }
        for scalar in text.unicodeScalars {
            if scalar == "\\" || lookalikeSlashes.contains(scalar.value) { return false }
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar.properties.generalCategory == .format { return false }
        }
        let path = text.prefix { $0 != "?" && $0 != "#" }
        if path.contains("//") { return false }
        if let colon = path.firstIndex(of: ":"), !path[..<colon].contains("/") { return false }  // scheme
        return !resolvingDots(String(path)).hasPrefix("//")
    }

    /// Slash and backslash look-alikes that some browsers or proxies fold to `/`.
    private static let lookalikeSlashes: Set<UInt32> = [0x2044, 0x2215, 0x29F8, 0xFF0F, 0xFF3C, 0x29F5, 0x29F9, 0xFE68]

    /// `/a/./b/../c` → `/a/c`.
    private static func resolvingDots(_ path: String) -> String {
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            if segment == "." { continue }
            if segment == ".." { _ = out.popLast(); continue }
            out.append(segment)
        }
        return "/" + out.joined(separator: "/")
    }

    /// Percent-decodes `text`; nil for malformed escapes or bytes that are not UTF-8.
    private static func percentDecoded(_ text: String) -> String? {
        PercentDecoding.decode(text)
    }

}

/// Single-use backup codes for two-factor sign-in, for a reader without their authenticator:
/// 8 random characters from an alphabet without look-alikes (no 0/o, 1/l/i), shown as two groups
/// of four (`k3m9-x2pq`), about 40 bits each. The caller stores only their hashes, of the
/// ``normalize(_:)``d form, and deletes a code once used.
public enum BackupCodes {
    /// Lowercase letters and digits that can't be mistaken for one another (31 characters).
    public static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")

    /// Characters per code, without the dash.
    public static let length = 8

    /// `count` distinct codes (`xxxx-xxxx`) from the system's cryptographically secure generator.
    public static func generate(count: Int = 10) -> [String] {
        precondition(count >= 0, "count must not be negative")
        var generator = SystemRandomNumberGenerator()
        var codes: [String] = []
        var seen = Set<String>()
        while codes.count < count {
            let characters = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            let code = String(characters[0..<4]) + "-" + String(characters[4...])
            if seen.insert(code).inserted { codes.append(code) }
        }
        return codes
    }

    /// The form codes are compared and hashed in: lowercased, without white space or dashes
    /// (also the Unicode dashes a phone's keyboard may put in), so `" K3M9-X2PQ "` → `"k3m9x2pq"`.
    public static func normalize(_ code: String) -> String {
        String(code.lowercased().filter { !$0.isWhitespace && !dashes.contains($0) })
    }

    private static let dashes: Set<Character> = ["-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}"]
}

/// A normalised (trimmed, lowercased) and syntactically checked e-mail address.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The normalised address.
    public let value: String

    /// Longest address accepted (RFC 5321 path limit).
    public static let maxLength = 254

    /// Normalises and validates `raw`.
    public init(parsing raw: String) throws(FieldProblem) {
        let email = raw.trimmingWhitespace().lowercased()
        guard !email.isEmpty else { throw FieldProblem("is required") }
        guard email.utf8.count <= Self.maxLength else {
            throw FieldProblem("must be at most \(Self.maxLength) characters")
        }
        guard Self.isSyntacticallyValid(email) else { throw FieldProblem("is not a valid email address") }
        self.value = email
    }

    public var description: String { value }

    /// `local@domain`: printable local part without spaces (≤ 64 bytes), a dotted domain of
    /// letter/digit/hyphen labels with a top-level label of at least two letters.
    static func isSyntacticallyValid(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        guard !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."),
              !local.contains("..") else { return false }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~.-")
        guard local.allSatisfy({ localAllowed.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                  label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { return false }
        }
        guard let tld = labels.last, tld.count >= 2, tld.allSatisfy({ $0.isLetter }) else { return false }
        return true
    }
}

extension StringProtocol {
    /// The string without leading and trailing white space and newlines.
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

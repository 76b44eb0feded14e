/// The plan's password rule: 8–128 characters with an uppercase letter, a lowercase letter,
/// a digit and a character that is neither letter nor digit.
public enum PasswordPolicy {
    public static let minLength = 8
    public static let maxLength = 128

    /// Human-readable rules, in the order they are checked (shown on the sign-up form too).
    public static let rules = [
        "8 to 128 characters",
        "an uppercase letter",
        "a lowercase letter",
        "a digit",
        "a symbol (neither letter nor digit)",
    ]

    /// Throws the first rule `password` breaks.
    public static func check(_ password: String) throws(FieldProblem) {
        let length = password.unicodeScalars.count  // scalars, not grapheme clusters: bounded bytes
        if length < minLength { throw FieldProblem("must be at least \(minLength) characters") }
        if length > maxLength { throw FieldProblem("must be at most \(maxLength) characters") }
        if !password.contains(where: { $0.isUppercase }) { throw FieldProblem("must contain an uppercase letter") }
        if !password.contains(where: { $0.isLowercase }) { throw FieldProblem("must contain a lowercase letter") }
        if !password.contains(where: { $0.isNumber }) { throw FieldProblem("must contain a digit") }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber }) {
            throw FieldProblem("must contain a character that is neither a letter nor a digit")
        }
    }
}

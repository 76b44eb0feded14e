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

    /// Throws every rule `password` breaks, in one message ("must be at least 8 characters,
    /// contain an uppercase letter and contain a digit"), so a reader fixes them all at once.
    public static func check(_ password: String) throws(FieldProblem) {
        let problems = unmet(password)
        guard !problems.isEmpty else { return }
        throw FieldProblem("must " + EnglishList.joined(problems))
    }

    /// The rules `password` breaks, each as "must …" continues it.
    public static func unmet(_ password: String) -> [String] {
        var problems: [String] = []
        let length = password.unicodeScalars.count  // scalars, not grapheme clusters: bounded bytes
        if length < minLength { problems.append("be at least \(minLength) characters") }
        if length > maxLength { problems.append("be at most \(maxLength) characters") }
        if !password.contains(where: { $0.isUppercase }) { problems.append("contain an uppercase letter") }
        if !password.contains(where: { $0.isLowercase }) { problems.append("contain a lowercase letter") }
        if !password.contains(where: { $0.isNumber }) { problems.append("contain a digit") }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber }) {
            problems.append("contain a character that is neither a letter nor a digit")
        }
        return problems
    }
}

/// Words joined the way an English sentence lists them.
public enum EnglishList {
    /// "A", "A and B", "A, B and C" ("" for none).
    public static func joined(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}

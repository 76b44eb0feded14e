/// The Porter2 ("English") Snowball stemmer, written from the published algorithm
/// description: the classic Porter2 rules as shipped by Snowball 2.x (and NLTK, Lucene, PyStemmer).
/// Snowball 3.0 later revised the English stemmer (more R1 prefixes such as "univers" and "past",
/// undoubling in short words: "added" → "add"); those revisions are deliberately not applied.
///
/// Input is expected to be a lowercased word. Words containing anything other than the ASCII
/// letters `a`–`z` and apostrophes (digits, accented or non-Latin letters) are returned unchanged,
/// as are words of fewer than three letters.
public enum EnglishStemmer {
    /// The stem of `word`, e.g. `"balancing"` → `"balanc"`, `"skies"` → `"sky"`.
    public static func stem(_ word: String) -> String {
        let bytes = Array(word.utf8)
        guard bytes.count > 2, bytes.allSatisfy({ ($0 >= 97 && $0 <= 122) || $0 == 39 }) else { return word }
        if let special = exceptionalForms[word] { return special }
        var porter = Porter2Word(bytes)
        porter.run()
        return String(decoding: porter.w, as: UTF8.self)
    }

    /// Words with a fixed stem, checked before any rule runs.
    static let exceptionalForms: [String: String] = [
        "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
        "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
        "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
    ]

    /// Words left as they are once step 1a has run.
    static let invariantAfterStep1a: Set<String> = [
        "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
    ]
}

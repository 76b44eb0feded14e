/// The working state of one Porter2 run: the word as ASCII bytes (with `Y` marking a
/// consonantal y) and the region starts R1 (`p1`) and R2 (`p2`).
struct Porter2Word {
    var w: [UInt8]
    private var p1 = 0
    private var p2 = 0

    init(_ bytes: [UInt8]) { w = bytes }

    mutating func run() {
        prelude()
        markRegions()
        step0()
        step1a()
        if (6...7).contains(w.count), EnglishStemmer.invariantAfterStep1a.contains(String(decoding: w, as: UTF8.self)) {
            return finish()
        }
        step1b()
        step1c()
        step2()
        step3()
        step4()
        step5()
        finish()
    }

    // MARK: Letters and regions

    private static let a = UInt8(ascii: "a"), e = UInt8(ascii: "e"), i = UInt8(ascii: "i"), o = UInt8(ascii: "o")
    private static let u = UInt8(ascii: "u"), y = UInt8(ascii: "y"), bigY = UInt8(ascii: "Y"), quote = UInt8(ascii: "'")

    private static func isVowel(_ c: UInt8) -> Bool {
        c == a || c == e || c == i || c == o || c == u || c == y
    }

    private func hasVowel(before end: Int) -> Bool { w[0..<end].contains(where: Self.isVowel) }

    /// Whether `w[0..<end]` ends in a short syllable.
    private func endsInShortSyllable(_ end: Int) -> Bool {
        if end == 2 { return Self.isVowel(w[0]) && !Self.isVowel(w[1]) }
        guard end >= 3 else { return false }
        let last = w[end - 1]
        return !Self.isVowel(w[end - 3]) && Self.isVowel(w[end - 2]) && !Self.isVowel(last)
            && last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != Self.bigY
    }

    private mutating func prelude() {
        if w.first == Self.quote { w.removeFirst() }
        guard !w.isEmpty else { return }
        if w[0] == Self.y { w[0] = Self.bigY }
        for k in w.indices.dropFirst() where w[k] == Self.y && Self.isVowel(w[k - 1]) { w[k] = Self.bigY }
    }

    /// Words starting with these get R1 right after them (so "generous" keeps "gener").
    private static let regionPrefixes = [Array("gener".utf8), Array("commun".utf8), Array("arsen".utf8)]

    private mutating func markRegions() {
        if let prefix = Self.regionPrefixes.first(where: { w.starts(with: $0) }) {
            p1 = prefix.count
        } else {
            p1 = regionStart(from: 0)
        }
        p2 = regionStart(from: p1)
    }

    /// The index just past the first non-vowel that follows a vowel, searching from `start`.
    private func regionStart(from start: Int) -> Int {
        var k = start
        while k < w.count, !Self.isVowel(w[k]) { k += 1 }
        while k < w.count, Self.isVowel(w[k]) { k += 1 }
        return min(k + 1, w.count)
    }

    // MARK: Suffix helpers

    /// Suffixes as bytes, longest first, so the first match is the longest one.
    struct SuffixTable {
        private let entries: [(bytes: [UInt8], name: String)]

        init(_ suffixes: [String]) {
            entries = suffixes.map { (Array($0.utf8), $0) }.sorted { $0.bytes.count > $1.bytes.count }
        }

        func longestMatch(in w: [UInt8]) -> (suffix: String, start: Int)? {
            guard let last = w.last else { return nil }
            for entry in entries where entry.bytes.last == last && entry.bytes.count <= w.count {
                let start = w.count - entry.bytes.count
                var k = 0
                while k < entry.bytes.count, w[start + k] == entry.bytes[k] { k += 1 }
                if k == entry.bytes.count { return (entry.name, start) }
            }
            return nil
        }
    }

    private func ends(with suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard w.count >= n else { return false }
        return suffix.withUTF8Buffer { w[(w.count - n)...].elementsEqual($0) }
    }

    private func longest(in table: SuffixTable) -> (suffix: String, start: Int)? {
        table.longestMatch(in: w)
    }

    private mutating func replace(from start: Int, with replacement: String) {
        w.replaceSubrange(start..., with: replacement.utf8)
    }

    // MARK: Steps

    private static let step0Suffixes = SuffixTable(["'", "'s", "'s'"])
    private static let step1aSuffixes = SuffixTable(["sses", "ied", "ies", "s", "us", "ss"])
    private static let step1bSuffixes = SuffixTable(["eed", "eedly", "ed", "edly", "ing", "ingly"])

    private mutating func step0() {
        if let m = longest(in: Self.step0Suffixes) { replace(from: m.start, with: "") }
    }

    private mutating func step1a() {
        guard let m = longest(in: Self.step1aSuffixes) else { return }
        switch m.suffix {
        case "sses": replace(from: m.start, with: "ss")
        case "ied", "ies": replace(from: m.start, with: m.start > 1 ? "i" : "ie")
        case "s": if m.start >= 2, hasVowel(before: m.start - 1) { replace(from: m.start, with: "") }
        default: break
        }
    }

    private mutating func step1b() {
        guard let m = longest(in: Self.step1bSuffixes) else { return }
        if m.suffix.hasPrefix("ee") {
            if m.start >= p1 { replace(from: m.start, with: "ee") }
            return
        }
        guard hasVowel(before: m.start) else { return }
        replace(from: m.start, with: "")
        if ends(with: "at") || ends(with: "bl") || ends(with: "iz") {
            w.append(Self.e)
        } else if let last = w.last, w.count >= 2, w[w.count - 2] == last, "bdfgmnprt".utf8.contains(last) {
            w.removeLast()
        } else if p1 >= w.count, endsInShortSyllable(w.count) {
            w.append(Self.e)
        }
    }

    private mutating func step1c() {
        guard w.count >= 3, let last = w.last, last == Self.y || last == Self.bigY, !Self.isVowel(w[w.count - 2]) else { return }
        w[w.count - 1] = Self.i
    }

    private static let step2Rules: [String: String] = [
        "tional": "tion", "enci": "ence", "anci": "ance", "abli": "able", "entli": "ent",
        "izer": "ize", "ization": "ize", "ational": "ate", "ation": "ate", "ator": "ate",
        "alism": "al", "aliti": "al", "alli": "al", "fulness": "ful", "ousli": "ous", "ousness": "ous",
        "iveness": "ive", "iviti": "ive", "biliti": "ble", "bli": "ble", "ogi": "og", "fulli": "ful",
        "lessli": "less", "li": "",
    ]
    private static let step2Suffixes = SuffixTable(Array(step2Rules.keys))

    private mutating func step2() {
        guard let m = longest(in: Self.step2Suffixes), m.start >= p1 else { return }
        switch m.suffix {
        case "ogi": guard m.start > 0, w[m.start - 1] == UInt8(ascii: "l") else { return }
        case "li": guard m.start > 0, "cdeghkmnrt".utf8.contains(w[m.start - 1]) else { return }
        default: break
        }
        replace(from: m.start, with: Self.step2Rules[m.suffix]!)
    }

    private static let step3Rules: [String: String] = [
        "tional": "tion", "ational": "ate", "alize": "al", "icate": "ic", "iciti": "ic", "ical": "ic",
        "ful": "", "ness": "", "ative": "",
    ]
    private static let step3Suffixes = SuffixTable(Array(step3Rules.keys))

    private mutating func step3() {
        guard let m = longest(in: Self.step3Suffixes), m.start >= p1 else { return }
        if m.suffix == "ative", m.start < p2 { return }
        replace(from: m.start, with: Self.step3Rules[m.suffix]!)
    }

    private static let step4Suffixes = SuffixTable([
        "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
        "ism", "ate", "iti", "ous", "ive", "ize", "ion",
    ])

    private mutating func step4() {
        guard let m = longest(in: Self.step4Suffixes), m.start >= p2 else { return }
        if m.suffix == "ion", !(m.start > 0 && (w[m.start - 1] == UInt8(ascii: "s") || w[m.start - 1] == UInt8(ascii: "t"))) {
            return
        }
        replace(from: m.start, with: "")
    }

    private mutating func step5() {
        guard let last = w.last else { return }
        let start = w.count - 1
        if last == Self.e, start >= p2 || (start >= p1 && !endsInShortSyllable(start)) {
            w.removeLast()
        } else if last == UInt8(ascii: "l"), start >= p2, start > 0, w[start - 1] == UInt8(ascii: "l") {
            w.removeLast()
        }
    }

    private mutating func finish() {
        for k in w.indices where w[k] == Self.bigY { w[k] = Self.y }
    }
}

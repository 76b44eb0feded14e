/// Receives the normalised words of a text as UTF-8 bytes (valid only during the call).
protocol WordSink {
    mutating func word(_ utf8: UnsafeBufferPointer<UInt8>)
}

/// The word splitter behind ``TextTokenizer``: walks UTF-8 bytes with an ASCII fast path and
/// decodes non-ASCII scalars only where they occur.
struct WordScanner {
    /// The word being built (UTF-8); a manually managed buffer keeps the per-byte path cheap.
    private var word: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    private var wordHasApostrophe = false
    private var pendingApostrophe = false
    /// The last letter appended was Latin (so a following combining mark is a diacritic to drop).
    private var lastWasLatin = false
    private var cjkRun: [Unicode.Scalar] = []

    /// Feeds each word of `text`, in order, to `sink`.
    static func scan<Sink: WordSink>(_ text: String, into sink: inout Sink) {
        var text = text
        var scanner = WordScanner(word: .allocate(capacity: 64))
        defer { scanner.word.deallocate() }
        text.withUTF8 { scanner.scan($0, into: &sink) }
    }

    private init(word: UnsafeMutableBufferPointer<UInt8>) { self.word = word }

    private mutating func scan<Sink: WordSink>(_ utf8: UnsafeBufferPointer<UInt8>, into sink: inout Sink) {
        var k = 0
        while k < utf8.count {
            let byte = utf8[k]
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): append(byte, into: &sink)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): append(byte + 32, into: &sink)
                case UInt8(ascii: "'"): apostrophe(into: &sink)
                default: flush(into: &sink)
                }
                k += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for next in (k + 1)..<min(k + length, utf8.count) { value = value << 6 | UInt32(utf8[next] & 0x3F) }
            consume(Unicode.Scalar(value) ?? "\u{FFFD}", into: &sink)
            k += length
        }
        flush(into: &sink)
    }

    private mutating func consume<Sink: WordSink>(_ s: Unicode.Scalar, into sink: inout Sink) {
        if s == "\u{2019}" { return apostrophe(into: &sink) }
        if (0x2000...0x206F).contains(s.value) || s.value == 0xA0 {  // general punctuation, spaces, no-break space
            return s.properties.generalCategory == .format ? () : flush(into: &sink)
        }
        if Self.isCJK(s) {
            flushWord(into: &sink)
            cjkRun.append(s)
            return
        }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            appendFolded(s, into: &sink)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            // A diacritic written as a separate scalar: dropped after a Latin letter, kept otherwise
            // (vowel signs of Indic scripts, for instance, are part of the word).
            if count > 0, !lastWasLatin { appendRaw(String(s).utf8) }
        case .format:
            break  // zero-width joiners, soft hyphens and the like do not split words
        default:
            flush(into: &sink)
        }
    }

    @inline(__always)
    private mutating func flush<Sink: WordSink>(into sink: inout Sink) {
        if count > 0 || pendingApostrophe { flushWord(into: &sink) }
        if !cjkRun.isEmpty { flushCJK(into: &sink) }
    }

    private mutating func apostrophe<Sink: WordSink>(into sink: inout Sink) {
        if count == 0 { flushCJK(into: &sink) } else { pendingApostrophe = true }
    }

    @inline(__always)
    private mutating func append<Sink: WordSink>(_ byte: UInt8, into sink: inout Sink) {
        if !cjkRun.isEmpty { flushCJK(into: &sink) }
        if pendingApostrophe {
            appendByte(UInt8(ascii: "'"))
            wordHasApostrophe = true
            pendingApostrophe = false
        }
        appendByte(byte)
        lastWasLatin = true
    }

    @inline(__always)
    private mutating func appendByte(_ byte: UInt8) {
        if count == word.count { grow() }
        word[count] = byte
        count += 1
    }

    private mutating func appendRaw(_ bytes: String.UTF8View) {
        for byte in bytes { appendByte(byte) }
    }

    private mutating func grow() {
        let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: word.count * 2)
        _ = bigger.initialize(fromContentsOf: word)
        word.deallocate()
        word = bigger
    }

    /// Appends a non-ASCII letter or digit, lowercased and compatibility-decomposed (so full-width
    /// and ligature forms become plain letters), with diacritics on Latin letters dropped.
    private mutating func appendFolded<Sink: WordSink>(_ s: Unicode.Scalar, into sink: inout Sink) {
        if let special = Self.specialFolds[s] {
            for byte in special.utf8 { append(byte, into: &sink) }
            return
        }
        for lower in s.properties.lowercaseMapping.unicodeScalars {
            let decomposed = String(lower).decomposedStringWithCompatibilityMapping.unicodeScalars
            let latin = decomposed.first.map(Self.isLatin) ?? false
            for part in decomposed {
                switch part.properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark:
                    if !latin { appendRaw(String(part).utf8) }
                case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                     .decimalNumber, .letterNumber, .otherNumber:
                    for byte in Array(String(part).lowercased().utf8) { append(byte, into: &sink) }
                    lastWasLatin = latin
                default:
                    flushWord(into: &sink)  // e.g. the fraction slash in the decomposition of "½"
                }
            }
        }
    }

    private mutating func flushWord<Sink: WordSink>(into sink: inout Sink) {
        pendingApostrophe = false
        lastWasLatin = false
        guard count > 0 else { return }
        if wordHasApostrophe {
            if count >= 2, word[count - 2] == UInt8(ascii: "'"), word[count - 1] == UInt8(ascii: "s") { count -= 2 }
            var kept = 0
            for k in 0..<count where word[k] != UInt8(ascii: "'") {
                word[kept] = word[k]
                kept += 1
            }
            count = kept
            wordHasApostrophe = false
        }
        if count > 0 { sink.word(UnsafeBufferPointer(rebasing: word[0..<count])) }
        count = 0
    }

    private mutating func flushCJK<Sink: WordSink>(into sink: inout Sink) {
        guard !cjkRun.isEmpty else { return }
        let grams = cjkRun.count == 1 ? [cjkRun[...]] : (0..<(cjkRun.count - 1)).map { cjkRun[$0...$0 + 1] }
        for gram in grams {
            var utf8: [UInt8] = []
            for scalar in gram { utf8.append(contentsOf: String(scalar).utf8) }
            utf8.withUnsafeBufferPointer { sink.word($0) }
        }
        cjkRun.removeAll(keepingCapacity: true)
    }

    /// Letters with no canonical decomposition that still fold to plain Latin letters.
    private static let specialFolds: [Unicode.Scalar: String] = [
        "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
        "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ı": "i",
    ]

    private static func isLatin(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x250 || (0x1E00..<0x1F00).contains(s.value) || (0x2C60..<0x2C80).contains(s.value)
            || (0xA720..<0xA800).contains(s.value)
    }

    /// Han ideographs, hiragana and katakana: scripts written without spaces between words.
    private static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3040...0x30FA, 0x30FC...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FFFF:
            return true
        default:
            return false
        }
    }
}

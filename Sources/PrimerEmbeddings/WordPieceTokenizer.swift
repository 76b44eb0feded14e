import Foundation
import PrimerCore

/// BERT uncased WordPiece, as all-MiniLM-L6-v2 tokenizes (sentence-transformers, `max_seq_length`
/// 256), matching the reference `BertTokenizer` in `shared/reference/minilm/minilm_ref.py`:
///
/// 1. clean: drop NUL, U+FFFD and control/format characters (Cc, Cf) except tab/newline/CR;
///    whitespace (space, tab, newline, CR, Zs) separates words, as do U+2028/U+2029 (Python's
///    `str.split()` splits on them); each CJK ideograph is a word of its own;
/// 2. per word: lowercase (Python's `str.lower()`, including the Greek final-sigma rule), NFD,
///    drop nonspacing marks (Mn), split off every punctuation character (ASCII 33–47, 58–64,
///    91–96, 123–126, or Unicode P*) as a word of its own;
/// 3. greedy longest-match WordPiece with `##` continuations; a word longer than 100 scalars,
///    or one that cannot be covered, becomes `[UNK]`;
/// 4. ids are `[CLS]` + pieces + `[SEP]`, the pieces truncated so the total fits `maxLength`.
///
/// Vocabulary matching is by exact Unicode scalars (a trie over UTF-8 bytes), as in Python —
/// not by Swift's canonical-equivalence `String` equality.
public struct WordPieceTokenizer: Sendable {
    /// The longest sequence the model is run on (sentence-transformers' `max_seq_length`).
    public static let maxLength = 256
    /// Words longer than this (in Unicode scalars, after normalisation) become `[UNK]`.
    static let maxWordLength = 100

    /// Token strings by id (line order of `vocab.txt`).
    public let vocabulary: [String]
    /// The id of `[CLS]`, which opens every sequence.
    public let classifierID: Int32
    /// The id of `[SEP]`, which closes every sequence.
    public let separatorID: Int32
    /// The id of `[UNK]`, for words the vocabulary cannot cover.
    public let unknownID: Int32
    private let trie: ByteTrie
    /// The trie node reached by "##", where continuation pieces start (nil: no continuations).
    private let continuationNode: Int32?

    /// Builds the tokenizer from token strings in id order (token `i` has id `i`; when a token
    /// appears twice, its last line wins, as with Python's dict).
    /// - Throws: ``TokenizerError`` when `[CLS]`, `[SEP]` or `[UNK]` is missing.
    public init(vocabulary: [String]) throws {
        guard !vocabulary.isEmpty else { throw TokenizerError("the vocabulary is empty") }
        guard vocabulary.count <= Int(Int32.max) else { throw TokenizerError("the vocabulary has too many tokens") }
        var builder = ByteTrie.Builder()
        for (id, token) in vocabulary.enumerated() {
            builder.insert(token.utf8, id: Int32(id))
        }
        let trie = builder.build()
        func special(_ token: String) throws -> Int32 {
            guard let id = trie.lookup(token.utf8) else {
                throw TokenizerError("the vocabulary has no \(token) token (is this a BERT vocab.txt?)")
            }
            return id
        }
        self.vocabulary = vocabulary
        self.trie = trie
        self.classifierID = try special("[CLS]")
        self.separatorID = try special("[SEP]")
        self.unknownID = try special("[UNK]")
        self.continuationNode = trie.walk("##".utf8)
    }

    /// Reads a BERT `vocab.txt`: one token per line, line number (from 0) = id. Lines end in
    /// `\n`, `\r\n` or `\r` (Python's universal newlines); empty lines are kept as tokens, so
    /// later ids don't shift (the all-MiniLM-L6-v2 file has none).
    /// - Throws: ``TokenizerError`` when the file can't be read or lacks a special token.
    public init(contentsOf vocabFile: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: vocabFile)
        } catch {
            throw TokenizerError("cannot read the vocabulary \(vocabFile.path): \(error.localizedDescription)")
        }
        var lines: [String] = []
        lines.reserveCapacity(32_768)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0, i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x0A || b == 0x0D {
                    lines.append(String(decoding: bytes[start..<i], as: UTF8.self))
                    if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                    start = i + 1
                }
                i += 1
            }
            if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        }
        do {
            try self.init(vocabulary: lines)
        } catch let error as TokenizerError {
            throw TokenizerError("\(vocabFile.path): \(error.message)")
        }
    }

    /// Unicode scalars of input looked at per allowed token: far more than any real text needs
    /// (English averages ~5 per piece), while bounding the work a hostile text can cause
    /// (e.g. one "word" of a million combining marks, which accent stripping reduces to one letter).
    public static let scalarsPerToken = 32

    /// Token ids for the model: `[CLS]`, the word pieces of `text`, `[SEP]`. Pieces past
    /// `maxLength - 2` are dropped, so the result has at most `maxLength` ids and ends in `[SEP]`.
    /// Only the first `maxLength × scalarsPerToken` Unicode scalars of `text` are read.
    /// - Precondition: `maxLength >= 2`.
    public func tokenize(_ text: String, maxLength: Int = WordPieceTokenizer.maxLength) -> [Int32] {
        precondition(maxLength >= 2, "maxLength must leave room for [CLS] and [SEP]")
        var ids: [Int32] = [classifierID]
        ids.reserveCapacity(min(maxLength, text.utf8.count + 2))
        encode(TextLimit(maxLength * Self.scalarsPerToken).truncating(text), into: &ids, limit: maxLength - 1)
        if ids.count > maxLength - 1 { ids.removeSubrange((maxLength - 1)...) }
        ids.append(separatorID)
        return ids
    }

    /// How many word pieces `text` becomes (no `[CLS]`/`[SEP]`, no truncation).
    public func pieceCount(_ text: String) -> Int {
        var ids: [Int32] = []
        encode(text, into: &ids, limit: Int.max)
        return ids.count
    }

    /// The word pieces of `text` as strings (no `[CLS]`/`[SEP]`, no truncation) — for tests and
    /// debugging.
    public func pieces(_ text: String) -> [String] {
        var ids: [Int32] = []
        encode(text, into: &ids, limit: Int.max)
        return ids.map { vocabulary[Int($0)] }
    }

    // MARK: - Pipeline

    /// Appends piece ids for `text` to `ids`, stopping once `ids.count >= limit`.
    private func encode(_ text: String, into ids: inout [Int32], limit: Int) {
        var state = EncodeState()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                if v == 0x20 || v == 0x09 || v == 0x0A || v == 0x0D {
                    flushWord(&state, into: &ids)
                } else if v >= 0x21 && v != 0x7F {
                    state.word.append(scalar)
                }  // else: NUL or another C0 control, or DEL: dropped
            } else {
                if v == 0xFFFD { continue }
                switch scalar.properties.generalCategory {
                case .control, .format:
                    continue
                case .spaceSeparator, .lineSeparator, .paragraphSeparator:
                    flushWord(&state, into: &ids)
                default:
                    if Self.isCJK(v) {
                        flushWord(&state, into: &ids)
                        state.word.append(scalar)
                        state.wordIsASCII = false
                        flushWord(&state, into: &ids)
                    } else {
                        state.word.append(scalar)
                        state.wordIsASCII = false
                    }
                }
            }
            if ids.count >= limit { return }
        }
        flushWord(&state, into: &ids)
    }

    /// Scratch buffers reused across the words of one text.
    private struct EncodeState {
        /// The current whitespace-delimited word, as in the cleaned text.
        var word: [Unicode.Scalar] = []
        var wordIsASCII = true
        /// UTF-8 of the current punctuation-free sub-word, and its length in scalars.
        var piece: [UInt8] = []
        var pieceScalars = 0

        init() {
            word.reserveCapacity(64)
            piece.reserveCapacity(256)
        }
    }

    /// Lowercases, strips accents and splits the current word on punctuation, appending the
    /// pieces of each part.
    private func flushWord(_ state: inout EncodeState, into ids: inout [Int32]) {
        guard !state.word.isEmpty else { return }
        defer {
            state.word.removeAll(keepingCapacity: true)
            state.wordIsASCII = true
        }
        if state.wordIsASCII {
            for scalar in state.word {
                var b = UInt8(truncatingIfNeeded: scalar.value)
                if b >= 0x41 && b <= 0x5A { b |= 0x20 }
                let isPunctuation = Self.isASCIIPunctuation(b)
                if isPunctuation { flushPiece(&state, into: &ids) }
                state.piece.append(b)
                state.pieceScalars += 1
                if isPunctuation { flushPiece(&state, into: &ids) }
            }
        } else {
            let normalized = Self.lowercased(state.word).decomposedStringWithCanonicalMapping
            for scalar in normalized.unicodeScalars {
                let category = scalar.properties.generalCategory
                if category == .nonspacingMark { continue }
                let isPunctuation = Self.isPunctuation(scalar, category)
                if isPunctuation { flushPiece(&state, into: &ids) }
                UTF8.encode(scalar) { state.piece.append($0) }
                state.pieceScalars += 1
                if isPunctuation { flushPiece(&state, into: &ids) }
            }
        }
        flushPiece(&state, into: &ids)
    }

    private func flushPiece(_ state: inout EncodeState, into ids: inout [Int32]) {
        guard !state.piece.isEmpty else { return }
        wordPiece(state.piece, scalarCount: state.pieceScalars, into: &ids)
        state.piece.removeAll(keepingCapacity: true)
        state.pieceScalars = 0
    }

    /// Greedy longest-match-first WordPiece of one word (its UTF-8 bytes): appends the piece ids,
    /// or a single `[UNK]` when the word is too long or some part of it matches nothing.
    private func wordPiece(_ word: [UInt8], scalarCount: Int, into ids: inout [Int32]) {
        guard scalarCount <= Self.maxWordLength else {
            ids.append(unknownID)
            return
        }
        let first = ids.count
        var start = word.startIndex
        while start < word.endIndex {
            // Walk the trie as far as the word allows; the last token seen is the longest match.
            guard var node = start == word.startIndex ? ByteTrie.root : continuationNode else {
                ids.removeSubrange(first...)
                ids.append(unknownID)
                return
            }
            var best: Int32 = -1, bestEnd = start, i = start
            while i < word.endIndex, let next = trie.child(of: node, byte: word[i]) {
                node = next
                i += 1
                let id = trie.tokenID[Int(node)]
                if id >= 0 { best = id; bestEnd = i }
            }
            guard best >= 0 else {
                ids.removeSubrange(first...)
                ids.append(unknownID)
                return
            }
            ids.append(best)
            start = bestEnd
        }
    }

    // MARK: - Character classes (as minilm_ref.py)

    /// Python's `str.lower()` of one word: full lowercase mappings, and capital sigma becomes
    /// final sigma when preceded by a cased letter and not followed by one (case-ignorable
    /// characters skipped), as in CPython's `handle_capital_sigma`.
    static func lowercased(_ word: [Unicode.Scalar]) -> String {
        var out = String.UnicodeScalarView()
        for (i, scalar) in word.enumerated() {
            if scalar.value < 0x80 {
                let v = scalar.value
                out.append(v >= 0x41 && v <= 0x5A ? Unicode.Scalar(UInt8(v | 0x20)) : scalar)
            } else if scalar.value == 0x3A3 {
                out.append(isFinalSigma(word, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    private static func isFinalSigma(_ word: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0, word[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, word[j].properties.isCased else { return false }
        j = index + 1
        while j < word.count, word[j].properties.isCaseIgnorable { j += 1 }
        return j == word.count || !word[j].properties.isCased
    }

    static func isASCIIPunctuation(_ b: UInt8) -> Bool {
        (b >= 33 && b <= 47) || (b >= 58 && b <= 64) || (b >= 91 && b <= 96) || (b >= 123 && b <= 126)
    }

    static func isPunctuation(_ scalar: Unicode.Scalar, _ category: Unicode.GeneralCategory) -> Bool {
        if scalar.value < 0x80 { return isASCIIPunctuation(UInt8(scalar.value)) }
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT surrounds with spaces.
    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v)
            || (0x2B820...0x2CEAF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}

/// Why a ``WordPieceTokenizer`` could not be built.
public struct TokenizerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for people.
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { "WordPiece tokenizer: \(message)" }
}

/// A trie over the UTF-8 bytes of the vocabulary, stored flat: the children of node `n` are
/// `edgeBytes`/`edgeTargets[edgeStart[n] ..< edgeStart[n + 1]]`, sorted by byte.
private struct ByteTrie: Sendable {
    static let root: Int32 = 0
    /// Token id ending at each node, or -1.
    let tokenID: [Int32]
    let edgeStart: [Int32]
    let edgeBytes: [UInt8]
    let edgeTargets: [Int32]

    @inline(__always)
    func child(of node: Int32, byte: UInt8) -> Int32? {
        var lo = Int(edgeStart[Int(node)]), hi = Int(edgeStart[Int(node) + 1])
        while lo < hi {
            let mid = (lo &+ hi) >> 1
            let b = edgeBytes[mid]
            if b == byte { return edgeTargets[mid] }
            if b < byte { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    func walk<S: Sequence<UInt8>>(_ bytes: S) -> Int32? {
        var node = Self.root
        for b in bytes {
            guard let next = child(of: node, byte: b) else { return nil }
            node = next
        }
        return node
    }

    /// The id of the token spelled exactly by `bytes`.
    func lookup<S: Sequence<UInt8>>(_ bytes: S) -> Int32? {
        guard let node = walk(bytes), tokenID[Int(node)] >= 0 else { return nil }
        return tokenID[Int(node)]
    }

    struct Builder {
        private var tokenID: [Int32] = [-1]
        private var edges: [UInt64: Int32] = [:]  // (parent << 8 | byte) → child

        mutating func insert<S: Sequence<UInt8>>(_ bytes: S, id: Int32) {
            var node: Int32 = ByteTrie.root
            for b in bytes {
                let key = UInt64(node) << 8 | UInt64(b)
                if let next = edges[key] {
                    node = next
                } else {
                    let next = Int32(tokenID.count)
                    tokenID.append(-1)
                    edges[key] = next
                    node = next
                }
            }
            tokenID[Int(node)] = id  // a repeated token keeps its last id
        }

        func build() -> ByteTrie {
            let sorted = edges.sorted { $0.key < $1.key }
            var edgeStart = [Int32](repeating: 0, count: tokenID.count + 1)
            for (key, _) in sorted { edgeStart[Int(key >> 8) + 1] += 1 }
            for n in 0..<tokenID.count { edgeStart[n + 1] += edgeStart[n] }
            return ByteTrie(
                tokenID: tokenID,
                edgeStart: edgeStart,
                edgeBytes: sorted.map { UInt8(truncatingIfNeeded: $0.key) },
                edgeTargets: sorted.map(\.value)
            )
        }
    }
}

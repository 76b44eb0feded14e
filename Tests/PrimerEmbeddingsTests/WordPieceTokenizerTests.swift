import Foundation
import Testing
@testable import PrimerEmbeddings

/// The WordPiece tokenizer against the reference (`shared/reference/minilm/minilm_ref.py`):
/// `Fixtures/tokenizer_cases.json` holds the reference ids of the five sentences of
/// `reference_embeddings.json` and of edge cases; `Fixtures/make_tokenizer_cases.py` regenerates it.
/// Needs the real vocab.txt (`scripts/fetch-model`, or `PRIMER_MODEL_DIR`).
@Suite struct WordPieceTokenizerTests {
    struct Case: Sendable, Decodable, CustomTestStringConvertible {
        let name: String
        let text: String
        let ids: [Int32]
        var testDescription: String { name }
    }

    struct Fixture: Decodable {
        let reference_sentences: [Case]
        let cases: [Case]
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tokenizer_cases.json")
        do {
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    /// The all-MiniLM-L6-v2 vocabulary, loaded once; a missing file is an error, not a skip.
    static let loaded: Result<WordPieceTokenizer, any Error> = Result {
        var dir = ProcessInfo.processInfo.environment["PRIMER_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
        if !dir.hasPrefix("/") { dir = packageRoot.appendingPathComponent(dir).path }
        let vocab = URL(fileURLWithPath: dir).appendingPathComponent("vocab.txt")
        guard FileManager.default.fileExists(atPath: vocab.path) else {
            throw MissingModel(path: vocab.path)
        }
        return try WordPieceTokenizer(contentsOf: vocab)
    }

    struct MissingModel: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "\(path) is missing: run scripts/fetch-model (or set PRIMER_MODEL_DIR to the model folder)"
        }
    }

    static func tokenizer() throws -> WordPieceTokenizer { try loaded.get() }

    // MARK: - Against the reference

    @Test(arguments: fixture.reference_sentences)
    func referenceSentences(_ sentence: Case) throws {
        #expect(try Self.tokenizer().tokenize(sentence.text) == sentence.ids)
    }

    @Test(arguments: fixture.cases)
    func referenceCases(_ example: Case) throws {
        let tokenizer = try Self.tokenizer()
        let ids = tokenizer.tokenize(example.text)
        #expect(ids == example.ids, "pieces: \(tokenizer.pieces(example.text))")
    }

    @Test func fixtureCoversTruncationAndEmptyText() {
        let truncated = Self.fixture.cases.filter { $0.ids.count == 256 }
        #expect(truncated.count >= 2)
        #expect(truncated.allSatisfy { $0.ids.first == 101 && $0.ids.last == 102 })
        #expect(Self.fixture.cases.filter { $0.ids == [101, 102] }.count >= 3)
        #expect(Self.fixture.cases.contains { $0.ids.contains(100) })
    }

    @Test func specialTokensAndVocabularySize() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.vocabulary.count == 30522)
        #expect(tokenizer.classifierID == 101)
        #expect(tokenizer.separatorID == 102)
        #expect(tokenizer.unknownID == 100)
    }

    @Test func piecesAreTheIdsBetweenClassifierAndSeparator() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.pieces("A servo motor, naïvely!") == ["a", "ser", "##vo", "motor", ",", "naive", "##ly", "!"])
        for example in Self.fixture.cases where example.ids.count < 256 {
            let expected = example.ids.dropFirst().dropLast().map { tokenizer.vocabulary[Int($0)] }
            #expect(tokenizer.pieces(example.text).elementsEqual(expected) { $0.utf8.elementsEqual($1.utf8) }, "\(example.name)")
        }
    }

    // MARK: - Truncation

    @Test func emptyAndWhitespaceTextIsClassifierAndSeparator() throws {
        let tokenizer = try Self.tokenizer()
        for text in ["", " ", "\t\n\r\n", "\u{3000}\u{A0}\u{2028}", "\u{0}\u{200B}\u{FEFF}"] {
            #expect(tokenizer.tokenize(text) == [101, 102])
            #expect(tokenizer.pieces(text).isEmpty)
        }
    }

    @Test func truncationKeepsSeparatorLast() throws {
        let tokenizer = try Self.tokenizer()
        let text = String(repeating: "The servo angle follows the PWM pulse width. ", count: 60)
        let full = tokenizer.pieces(text)
        #expect(full.count > 500)
        let ids = tokenizer.tokenize(text)
        #expect(ids.count == WordPieceTokenizer.maxLength)
        #expect(ids.first == 101 && ids.last == 102)
        for maxLength in [2, 3, 10, 128, 256, 600] {
            let short = tokenizer.tokenize(text, maxLength: maxLength)
            let expected = [Int32(101)] + tokenizer.tokenize(text, maxLength: 10_000).dropFirst().dropLast().prefix(maxLength - 2) + [102]
            #expect(short == expected, "maxLength \(maxLength)")
            #expect(short.count == min(maxLength, full.count + 2))
        }
    }

    /// A hostile text (one "word" of a million combining marks) is read only up to the cap:
    /// the ids are those of its capped prefix, so the work is bounded whatever its length.
    @Test func onlyTheFirstScalarsOfAHugeTextAreRead() throws {
        let tokenizer = try Self.tokenizer()
        let huge = "servo " + String(repeating: "a\u{0301}\u{0302}\u{0303}", count: 250_000)
        let cap = WordPieceTokenizer.maxLength * WordPieceTokenizer.scalarsPerToken
        let prefix = String(String.UnicodeScalarView(huge.unicodeScalars.prefix(cap)))
        #expect(tokenizer.tokenize(huge) == tokenizer.tokenize(prefix))
        #expect(tokenizer.tokenize(huge, maxLength: 128) == tokenizer.tokenize(String(String.UnicodeScalarView(huge.unicodeScalars.prefix(128 * WordPieceTokenizer.scalarsPerToken))), maxLength: 128))
        // Ordinary long text is unaffected: its 256 tokens come long before the cap.
        let prose = String(repeating: "The servo holds its angle against the load. ", count: 400)
        #expect(tokenizer.tokenize(prose) == Array(tokenizer.tokenize(prose, maxLength: 10_000).prefix(255)) + [102])
    }

    @Test func exactlyFullTextIsNotTruncated() throws {
        let tokenizer = try Self.tokenizer()
        let text = Array(repeating: "robot", count: 254).joined(separator: " ")
        let ids = tokenizer.tokenize(text)
        #expect(ids.count == 256)
        #expect(ids.dropFirst().dropLast().allSatisfy { $0 == ids[1] })
        #expect(tokenizer.tokenize(text + " arm").last == 102)
        #expect(tokenizer.tokenize(text + " arm").dropLast().last == ids[1])
    }

    // MARK: - Vocabulary handling (no model needed)

    static let tinyVocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "##a", "a", "aff", "한", "##s"]

    @Test func greedyLongestMatchFirst() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.tinyVocabulary)
        #expect(tokenizer.pieces("unaffable") == ["un", "##aff", "##able"])
        #expect(tokenizer.pieces("Unaffable affs") == ["un", "##aff", "##able", "aff", "##s"])
        #expect(tokenizer.tokenize("unaffable") == [2, 4, 5, 6, 3])
        // A word with an uncovered part is one [UNK], not a partial match.
        #expect(tokenizer.pieces("unaffablex a") == ["[UNK]", "a"])
        #expect(tokenizer.pieces("xun") == ["[UNK]"])
    }

    @Test func vocabularyMatchesScalarsExactlyNotCanonicalEquivalents() throws {
        // NFD turns the precomposed syllable into jamo, which this vocabulary lacks; Swift's
        // String equality would call them equal, Python's dict does not.
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.tinyVocabulary)
        #expect(tokenizer.pieces("한") == ["[UNK]"])
    }

    @Test func wordsOverOneHundredScalarsAreUnknown() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.tinyVocabulary)
        #expect(tokenizer.pieces(String(repeating: "a", count: 100)) == ["a"] + Array(repeating: "##a", count: 99))
        #expect(tokenizer.pieces(String(repeating: "a", count: 101)) == ["[UNK]"])
    }

    @Test func repeatedTokenKeepsItsLastLine() throws {
        let tokenizer = try WordPieceTokenizer(vocabulary: Self.tinyVocabulary + ["a"])
        #expect(tokenizer.tokenize("a") == [2, Int32(Self.tinyVocabulary.count), 3])
    }

    @Test func missingSpecialTokensAreReported() {
        for missing in ["[CLS]", "[SEP]", "[UNK]"] {
            let error = #expect(throws: TokenizerError.self) {
                try WordPieceTokenizer(vocabulary: Self.tinyVocabulary.filter { $0 != missing })
            }
            #expect(error?.description.contains(missing) == true)
        }
        #expect(throws: TokenizerError.self) { try WordPieceTokenizer(vocabulary: []) }
    }

    @Test func readsVocabularyFilesLikePython() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wordpiece-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Mixed line ends and an empty line (which still takes an id); no final newline.
        let file = dir.appendingPathComponent("vocab.txt")
        try Data("[UNK]\r\n[CLS]\n\n[SEP]\rrobot\n##s".utf8).write(to: file)
        let tokenizer = try WordPieceTokenizer(contentsOf: file)
        #expect(tokenizer.vocabulary == ["[UNK]", "[CLS]", "", "[SEP]", "robot", "##s"])
        #expect(tokenizer.tokenize("Robots robot") == [1, 4, 5, 4, 3])

        let missing = dir.appendingPathComponent("absent.txt")
        let error = #expect(throws: TokenizerError.self) { try WordPieceTokenizer(contentsOf: missing) }
        #expect(error?.description.contains("absent.txt") == true)
    }
}

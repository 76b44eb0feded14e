import Foundation

/// A term the book itself defines, and where: the server links it as `url`.
public struct KeyTerm: Sendable, Equatable {
    /// The term as the book writes it (`Gear Ratio`, `Backlash`, `Series elastic actuator (SEA)`).
    public let term: String
    /// The book's definition, as plain text (no Markdown emphasis, links or code markers).
    public let definition: String
    /// Slug of the page holding the definition.
    public let pageSlug: String
    /// Docusaurus anchor of the heading the definition sits under ("" for a page's lead text).
    public let anchor: String

    /// A term defined on page `pageSlug` under the heading with `anchor`.
    public init(term: String, definition: String, pageSlug: String, anchor: String) {
        self.term = term
        self.definition = definition
        self.pageSlug = pageSlug
        self.anchor = anchor
    }

    /// Link to the definition: `/book/<pageSlug>#<anchor>`.
    public var url: String { "/book/\(pageSlug)" + (anchor.isEmpty ? "" : "#\(anchor)") }
}

/// Collects the definitions a book gives itself, and finds which of them a page uses.
/// Deterministic and model-free; compute `definitions(in:)` once per loaded book.
public enum KeyTerms {
    /// Every term the book defines: first its glossary's `## Term` entries (the heading and
    /// its first paragraph), then, in reading order, chapter sentences that define a bold
    /// term ("A **servo motor** is …", "**Backlash** is …", "X, **term**, means …") or open a
    /// paragraph by defining a name ("ROS 2 (Robot Operating System 2) is a flexible middleware
    /// framework …", "Isaac ROS is a collection of …"; see `namedTerm(in:)`).
    /// The first definition of a term wins, so the glossary wins over chapters.
    public static func definitions(in book: Book) -> [KeyTerm] {
        let pages = book.readingOrder()
        let glossaries = pages.filter(isGlossary)
        var seen = Set<String>()
        var result: [KeyTerm] = []
        let candidates = glossaries.flatMap(glossaryTerms) + pages.filter { !isGlossary($0) }.flatMap(chapterTerms)
        for term in candidates {
            let names = names(of: term.term)
            guard seen.isDisjoint(with: names) else { continue }  // same term, or same abbreviation
            seen.formUnion(names)
            result.append(term)
        }
        return result
    }

    /// Whether `page` is the book's glossary (slug, last slug component or title "glossary").
    public static func isGlossary(_ page: BookPage) -> Bool {
        isGlossarySlug(page.slug) || page.title.trimmingWhitespace().lowercased() == "glossary"
    }

    /// Whether `slug` names a glossary page (`glossary`, `…/glossary`).
    static func isGlossarySlug(_ slug: String) -> Bool {
        let slug = slug.lowercased()
        return slug == "glossary" || slug.hasSuffix("/glossary")
    }

    /// The terms of `terms` that occur in `page`'s prose (not its code), case-insensitively,
    /// as whole words, plurals allowed; at most `limit`, ordered by first occurrence. When more
    /// occur, the chapter's own terms (defined on it, here or in the glossary) are kept first,
    /// then glossary terms, then the earliest to occur. The glossary page skips its own terms.
    public static func occurring(in page: BookPage, among terms: [KeyTerm], limit: Int = 10) -> [KeyTerm] {
        let text = WordText(searchableText(of: page))
        let glossary = isGlossary(page)
        var found: [(tier: Int, position: Int, length: Int, order: Int, term: KeyTerm)] = []
        for (order, term) in terms.enumerated() where !(glossary && term.pageSlug == page.slug) {
            let positions = variants(of: term.term).compactMap(text.firstMatch)
            guard let first = positions.min() else { continue }
            found.append((0, first, term.term.count, order, term))
        }
        if found.count > limit {  // rank: defined on this page, then the glossary's, then the rest
            let own = Set(chapterTerms(in: page).flatMap { names(of: $0.term) })
            for index in found.indices {
                let term = found[index].term
                found[index].tier = term.pageSlug == page.slug || !own.isDisjoint(with: names(of: term.term)) ? 0 : isGlossarySlug(term.pageSlug) ? 1 : 2
            }
        }
        let kept = found.sorted { ($0.tier, $0.position, -$0.length, $0.order) < ($1.tier, $1.position, -$1.length, $1.order) }
            .prefix(max(0, limit))
        return kept.sorted { ($0.position, -$0.length, $0.order) < ($1.position, -$1.length, $1.order) }.map(\.term)
    }

    /// Whether `text` contains one of `phrases` as whole words (case-insensitive, hyphens as spaces).
    static func containsAny(of phrases: [String], in text: String) -> Bool {
        let words = WordText(normalise(text))
        return phrases.contains { words.firstMatch(of: normalise($0)) != nil }
    }

    /// Lowercase, hyphens as spaces, runs of white space as one space.
    static func normalise(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "-", with: " ")
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The term's names, normalised: without its `(…)` part, and that part when it is an
    /// abbreviation (at most two words, 12 characters: `IMU`, `ROS 2`, `cobot`).
    static func names(of term: String) -> [String] {
        guard let open = term.firstIndex(of: "("), let close = term[open...].firstIndex(of: ")") else {
            return [normalise(term)].filter { !$0.isEmpty }
        }
        let inner = normalise(String(term[term.index(after: open)..<close]))
        var names = [normalise(term[..<open] + " " + term[term.index(after: close)...])]
        if inner.count <= 12, inner.split(separator: " ").count <= 2 { names.append(inner) }
        return names.filter { !$0.isEmpty }
    }

    /// Spellings to look for: the names, and a `-ies` plural for names ending in `y`.
    static func variants(of term: String) -> [String] {
        let names = names(of: term)
        return names + names.filter { $0.hasSuffix("y") }.map { String($0.dropLast()) + "ies" }
    }

    /// The term's identity: its first name.
    static func key(_ term: String) -> String {
        names(of: term).first ?? ""
    }

    /// A page's headings and prose (MDX removed, code left out), plain, normalised.
    private static func searchableText(of page: BookPage) -> String {
        var parts: [String] = []
        for line in MarkdownLine.classify(MarkdownText.cleanLines(page.markdown)) {
            switch line.kind {
            case .text, .heading: parts.append(MarkdownText.plain(line.line))
            case .fenceOpen, .code, .fenceClose: parts.append("\u{00B6}")  // code separates words
            }
        }
        return normalise(parts.joined(separator: " "))
    }
}

/// Normalised text indexed by where its words start, for whole-word search.
struct WordText {
    let scalars: [Unicode.Scalar]
    private var starts: [Unicode.Scalar: [Int]] = [:]

    /// Indexes `normalised` (see `KeyTerms.normalise`).
    init(_ normalised: String) {
        scalars = Array(normalised.unicodeScalars)
        for index in scalars.indices where isWord(index) && !isWord(index - 1) {
            starts[scalars[index], default: []].append(index)
        }
    }

    private func isWord(_ index: Int) -> Bool {
        index >= 0 && index < scalars.count && (scalars[index].properties.isAlphabetic || scalars[index].properties.numericType != nil)
    }

    /// The scalar offset where `phrase` (normalised, starting with a letter or digit) first
    /// occurs as whole words, allowing a plural ending (`-s`, `-es`).
    func firstMatch(of phrase: String) -> Int? {
        let phrase = Array(phrase.unicodeScalars)
        guard let head = phrase.first else { return nil }
        for start in starts[head] ?? [] where start + phrase.count <= scalars.count {
            guard scalars[start..<start + phrase.count].elementsEqual(phrase) else { continue }
            let bare = start + phrase.count
            var end = bare
            if end < scalars.count, scalars[end] == "s" { end += 1 }
            else if end + 1 < scalars.count, scalars[end] == "e", scalars[end + 1] == "s" { end += 2 }
            if !isWord(bare) || !isWord(end) { return start }
        }
        return nil
    }
}

// MARK: - Finding definitions

extension KeyTerms {
    /// A run of prose under one heading, split into list items (markers removed).
    struct Paragraph {
        var heading: String?
        var level = 0
        var anchor = ""
        var isFirstInSection = true
        var items: [String] = []
    }

    /// The glossary's `## Term` headings (levels 2–3) with their first paragraph.
    static func glossaryTerms(in page: BookPage) -> [KeyTerm] {
        paragraphs(of: page).compactMap { paragraph in
            guard paragraph.isFirstInSection, (2...3).contains(paragraph.level), let term = paragraph.heading else { return nil }
            let definition = MarkdownText.plain(paragraph.items.joined(separator: " ")).trimmingWhitespace()
            return definition.isEmpty ? nil : KeyTerm(term: term, definition: definition, pageSlug: page.slug, anchor: paragraph.anchor)
        }
    }

    /// Chapter sentences that define a bold term, and paragraphs that open by defining a name.
    static func chapterTerms(in page: BookPage) -> [KeyTerm] {
        var result: [KeyTerm] = []
        for paragraph in paragraphs(of: page) {
            if let first = paragraph.items.first.flatMap({ Sentences.split($0).first }), !first.contains("**"),
               let term = namedTerm(in: first) {
                result.append(KeyTerm(term: term, definition: MarkdownText.plain(first).trimmingWhitespace(), pageSlug: page.slug,
                                      anchor: paragraph.anchor))
            }
            for item in paragraph.items where item.contains("**") {
                for sentence in Sentences.split(item) {
                    let (text, terms) = definedTerms(in: sentence)
                    let definition = MarkdownText.plain(text).trimmingWhitespace()
                    result += terms.map { KeyTerm(term: $0, definition: definition, pageSlug: page.slug, anchor: paragraph.anchor) }
                }
            }
        }
        return result
    }

    /// The page's prose paragraphs (MDX removed; code, tables and display formulas left out),
    /// each with the heading it sits under and that heading's anchor, as the chunker makes them.
    static func paragraphs(of page: BookPage) -> [Paragraph] {
        var anchors = AnchorMaker()
        var result: [Paragraph] = []
        var current = Paragraph()
        var sawHeading = false, inFormula = false
        func flush() {
            guard !current.items.isEmpty else { return }
            result.append(current)
            current.items = []
            current.isFirstInSection = false
        }
        for line in MarkdownLine.classify(MarkdownText.cleanLines(page.markdown)) {
            let text = line.trimmed
            switch line.kind {
            case let .heading(level, raw):
                flush()
                inFormula = false
                let isTitle = level == 1 && !sawHeading
                sawHeading = true
                if isTitle { continue }  // the page title gets no anchor, as in the chunker
                current = Paragraph(heading: MarkdownText.plain(AnchorMaker.explicitID(in: raw).text), level: level, anchor: anchors.anchor(for: raw))
            case .fenceOpen, .code, .fenceClose:
                flush()
            case .text where inFormula:
                inFormula = !text.contains("$$")
            case .text where text.hasPrefix("$$"):
                flush()
                inFormula = !text.dropFirst(2).contains("$$")
            case .text where text.isEmpty || text.hasPrefix("|") || (text.hasPrefix("**") && text.hasSuffix("**") && text.count > 4):
                flush()  // blank lines, tables and admonition labels end a paragraph
            case .text:
                let item = stripListMarker(text)
                if item.count != text.count || current.items.isEmpty { current.items.append(item) }
                else { current.items[current.items.count - 1] += " " + item }
            }
        }
        flush()
        return result
    }

    /// `- text`, `* text`, `1. text`, `> text` → `text`.
    static func stripListMarker(_ line: String) -> String {
        var rest = Substring(line)
        if rest.hasPrefix(">") { rest = rest.dropFirst() }
        else if let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " { rest = rest.dropFirst(2) }
        else {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            let after = rest.dropFirst(digits.count)
            if !digits.isEmpty, after.hasPrefix(". ") || after.hasPrefix(") ") { rest = after.dropFirst(2) }
        }
        return rest.trimmingWhitespace()
    }

    /// Words after "is"/"are" that mean the sentence describes, not defines, the term.
    private static let notDefining: Set<String> = [
        "not", "also", "still", "only", "very", "too", "used", "why", "now", "then", "more", "less", "much",
        "often", "usually", "sometimes", "always", "never", "rarely", "shown", "covered", "discussed",
    ]
    private static let determiners: Set<String> = ["", "a", "an", "the", "this", "these"]

    /// The sentence without a leading bold label (`**Note:**`), and the bold terms it defines:
    /// `[A|An|The|This] **term** [(ABBR)] is|are|means|refers to …` or `X, **term**, means …`.
    static func definedTerms(in sentence: String) -> (sentence: String, terms: [String]) {
        var text = sentence.trimmingWhitespace()
        if text.hasPrefix("**"), let close = text.range(of: "**", range: text.index(text.startIndex, offsetBy: 2)..<text.endIndex),
           let last = text[text.index(text.startIndex, offsetBy: 2)..<close.lowerBound].last, last == ":" || last == "." {
            text = text[close.upperBound...].trimmingWhitespace()
        }
        var terms: [String] = []
        var searchFrom = text.startIndex
        while let open = text.range(of: "**", range: searchFrom..<text.endIndex),
              let close = text.range(of: "**", range: open.upperBound..<text.endIndex) {
            searchFrom = close.upperBound
            let term = MarkdownText.plain(String(text[open.upperBound..<close.lowerBound])).trimmingWhitespace()
            let prefix = text[..<open.lowerBound].trimmingWhitespace()
            let appositive = prefix.hasSuffix(",")
            guard determiners.contains(prefix.lowercased()) || appositive, isPlausibleTerm(term) else { continue }
            var rest = Substring(text[close.upperBound...]).drop(while: { $0 == " " })
            if rest.hasPrefix("("), let end = rest.firstIndex(of: ")") { rest = rest[rest.index(after: end)...].drop(while: { $0 == " " }) }
            let comma = rest.hasPrefix(",")
            if comma { rest = rest.dropFirst().drop(while: { $0 == " " }) }
            guard comma || !appositive else { continue }
            let words = rest.lowercased().split(separator: " ", maxSplits: 3).map(String.init)
            guard let verb = words.first else { continue }
            let defines = verb == "means" || (verb == "refers" && words.dropFirst().first == "to")
                || ((verb == "is" || verb == "are") && words.count > 1 && !notDefining.contains(words[1]))
            if defines { terms.append(term.prefix(1).uppercased() + term.dropFirst()) }
        }
        return (text, terms)
    }

    /// The name a sentence defines when it reads `Name [(Expansion)] is|are a|an|the …` and the
    /// name is clearly a name, not a common word: several capitalised words (`Isaac ROS`,
    /// `NVIDIA Isaac`), a word with a digit or an inner capital (`ROS 2`, `PaLM-E`), or one with
    /// its expansion in parentheses. Sentence openers (`This`, `It`, …) and single capitalised
    /// words (`Safety is a priority`) are not names.
    static func namedTerm(in sentence: String) -> String? {
        let text = MarkdownText.plain(sentence).trimmingWhitespace()
        guard text.count <= 300, text.hasSuffix(".") else { return nil }
        var words = text.split(separator: " ").map(String.init)
        if let first = words.first, ["A", "An", "The"].contains(first) { words.removeFirst() }
        guard let verbIndex = words.firstIndex(where: { $0 == "is" || $0 == "are" }), verbIndex >= 1, verbIndex <= 8,
              verbIndex + 2 < words.count, ["a", "an", "the"].contains(words[verbIndex + 1]) else { return nil }
        var nameWords = Array(words[..<verbIndex])
        var expansion: String?
        if let open = nameWords.firstIndex(where: { $0.hasPrefix("(") }), nameWords.last?.hasSuffix(")") == true, open >= 1 {
            expansion = nameWords[open...].joined(separator: " ")
            nameWords = Array(nameWords[..<open])
        }
        guard !nameWords.isEmpty, nameWords.count <= 4, !sentenceOpeners.contains(nameWords[0]),
              nameWords.allSatisfy({ word in word.first.map { $0.isUppercase || $0.isNumber } ?? false }),
              nameWords.allSatisfy({ word in word.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
        else { return nil }
        let distinctive = nameWords.count >= 2 || expansion != nil
            || nameWords[0].contains(where: \.isNumber) || nameWords[0].dropFirst().contains(where: \.isUppercase)
        guard distinctive else { return nil }
        return (nameWords + (expansion.map { [$0] } ?? [])).joined(separator: " ")
    }

    /// Capitalised words that start sentences without naming anything.
    private static let sentenceOpeners: Set<String> = [
        "This", "That", "These", "Those", "It", "There", "Here", "Each", "Every", "Our", "Your", "My", "We", "You", "They",
        "Its", "Their", "What", "Which", "Why", "How", "When", "Where", "One", "Another", "Such", "Both", "All", "Most",
    ]

    /// A bold span that can be a term: short, with a letter, not a label ending in `.`/`:`.
    private static func isPlausibleTerm(_ term: String) -> Bool {
        guard let last = term.last, !".:;!?".contains(last), term.count <= 80, term.contains(where: \.isLetter) else { return false }
        return term.split(separator: " ").count <= 8
    }
}

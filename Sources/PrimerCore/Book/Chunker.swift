import Crypto
/// A piece of a page that is indexed and cited: the text under one heading (or a part of
/// it), with the heading path and the anchor that links to it.
public struct BookChunk: Sendable, Equatable {
    /// Stable id: `<page slug>#<anchor>~<n>`.
    public let id: String
    public let pageSlug: String
    public let pageTitle: String
    public let sourcePath: String
    /// Page title › section › subsection.
    public let headings: [String]
    /// Anchor of the nearest heading (empty for text before the first section).
    public let anchor: String
    /// The chunk's Markdown (MDX syntax removed).
    public let text: String
    /// Position of the chunk within its page.
    public let ordinal: Int

    public init(id: String, pageSlug: String, pageTitle: String, sourcePath: String, headings: [String], anchor: String, text: String, ordinal: Int) {
        self.id = id
        self.pageSlug = pageSlug
        self.pageTitle = pageTitle
        self.sourcePath = sourcePath
        self.headings = headings
        self.anchor = anchor
        self.text = text
        self.ordinal = ordinal
    }

    /// The section heading (the last heading of the path).
    public var section: String { headings.last ?? pageTitle }

    /// Link to the section: `/book/<slug>#<anchor>`.
    public var url: String { "/book/\(pageSlug)" + (anchor.isEmpty ? "" : "#\(anchor)") }

    /// What is indexed and embedded: the heading path, then the text.
    public var indexedText: String { headings.joined(separator: " › ") + "\n\n" + text }
}

/// Splits pages into chunks: on headings (never on a `#` line inside a fenced code block),
/// then into pieces of at most about `maxTokens` tokens with a small overlap, never inside a
/// code block.
public struct Chunker: Sendable {
    public var maxTokens: Int
    public var overlapTokens: Int

    public init(maxTokens: Int = 400, overlapTokens: Int = 40) {
        self.maxTokens = maxTokens
        self.overlapTokens = overlapTokens
    }

    /// A rough token count (about 1.3 tokens per word, at least one per 4 characters).
    public static func estimateTokens(_ text: String) -> Int {
        var words = 0, inWord = false
        for scalar in text.unicodeScalars {
            let space = scalar == " " || scalar == "\n" || scalar == "\t"
            if !space && !inWord { words += 1 }
            inWord = !space
        }
        return max((words * 13 + 9) / 10, text.utf8.count / 4)
    }

    private struct Section {
        var headings: [String]
        var anchor: String
        var lines: [MarkdownLine] = []
    }

    /// What a stored page must match to be left alone by the next ingest: its file, the
    /// Markdown Primer made of it and the chunks cut from that. A new Primer that reads or cuts a
    /// page differently (an MDX component now shown as a list, a code block kept whole) gives
    /// a new fingerprint, so upgrading re-indexes exactly the pages that come out differently.
    public func fingerprint(of page: BookPage, chunks: [BookChunk]) -> String {
        var hash = SHA256()
        for part in [page.contentHash, page.title, page.markdown] + chunks.flatMap({ $0.headings + [$0.id, $0.anchor, $0.text] }) {
            hash.update(data: Array(part.utf8))
            hash.update(data: [0])
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The chunks of `page`, in order.
    public func chunks(for page: BookPage) -> [BookChunk] {
        var chunks: [BookChunk] = []
        for section in sections(of: page) {
            for text in pack(blocks(of: section.lines)) {
                let ordinal = chunks.count
                chunks.append(BookChunk(
                    id: "\(page.slug)#\(section.anchor)~\(ordinal)", pageSlug: page.slug, pageTitle: page.title,
                    sourcePath: page.sourcePath, headings: section.headings, anchor: section.anchor, text: text, ordinal: ordinal))
            }
        }
        return chunks
    }

    /// The page split at headings outside code fences.
    private func sections(of page: BookPage) -> [Section] {
        var anchors = AnchorMaker()
        var stack: [(level: Int, text: String)] = []
        var sections = [Section(headings: [page.title], anchor: "")]
        var sawTitle = false
        for line in MarkdownLine.classify(MarkdownText.cleanLines(page.markdown)) {
            guard case let .heading(level, raw) = line.kind else {
                sections[sections.count - 1].lines.append(line)
                continue
            }
            if level == 1 && !sawTitle && stack.isEmpty {
                sawTitle = true  // the page's own title
                continue
            }
            let text = MarkdownText.plain(AnchorMaker.explicitID(in: raw).text)
            let anchor = anchors.anchor(for: raw)
            while let last = stack.last, last.level >= level { stack.removeLast() }
            stack.append((level, text))
            sections.append(Section(headings: [page.title] + stack.map(\.text), anchor: anchor))
        }
        return sections
    }

    /// A block is a paragraph-like run of lines or one whole fenced code block.
    private struct Block {
        var text: String
        var isCode: Bool
    }

    private func blocks(of lines: [MarkdownLine]) -> [Block] {
        var blocks: [Block] = []
        var current: [String] = []
        var inCode = false
        func flush() {
            // A code block keeps its first line's indentation: a block indented under a list item belongs to that item.
            var text = current.joined(separator: "\n")
            if inCode {
                while let last = text.last, last.isWhitespace { text.removeLast() }
                while text.first == "\n" { text.removeFirst() }
            } else {
                text = text.trimmingWhitespace()
            }
            if !text.isEmpty { blocks.append(Block(text: text, isCode: inCode)) }
            current = []
        }
        for line in lines {
            switch line.kind {
            case .fenceOpen:
                flush()
                inCode = true
                current.append(line.line)
            case .code:
                current.append(line.line)
            case .fenceClose:
                current.append(line.line)
                flush()
                inCode = false
            case .text, .heading:
                if line.trimmed.isEmpty { flush() } else { current.append(line.line) }
            }
        }
        flush()
        return blocks
    }

    /// Packs blocks into chunk texts of at most `maxTokens`; a prose chunk that is cut
    /// carries its last sentence(s) into the next one as overlap.
    private func pack(_ blocks: [Block]) -> [String] {
        var chunks: [String] = []
        var current: [Block] = []
        var tokens = 0
        for block in blocks.flatMap(split) {
            let size = Self.estimateTokens(block.text)
            if tokens + size > maxTokens, let last = current.last {
                chunks.append(current.map(\.text).joined(separator: "\n\n"))
                current = []
                tokens = 0
                if !last.isCode, !block.isCode, let overlap = tail(of: last.text),
                   Self.estimateTokens(overlap) + size <= maxTokens {
                    current = [Block(text: overlap, isCode: false)]
                    tokens = Self.estimateTokens(overlap)
                }
            }
            current.append(block)
            tokens += size
        }
        if !current.isEmpty { chunks.append(current.map(\.text).joined(separator: "\n\n")) }
        return chunks
    }

    /// Splits an over-long prose block at sentence boundaries (code blocks stay whole).
    private func split(_ block: Block) -> [Block] {
        guard !block.isCode, Self.estimateTokens(block.text) > maxTokens else { return [block] }
        var pieces: [Block] = []
        var current = ""
        for sentence in Sentences.split(block.text) {
            if !current.isEmpty, Self.estimateTokens(current + " " + sentence) > maxTokens {
                pieces.append(Block(text: current, isCode: false))
                current = ""
            }
            current += current.isEmpty ? sentence : " " + sentence
        }
        if !current.isEmpty { pieces.append(Block(text: current, isCode: false)) }
        return pieces
    }

    /// The last sentences of `text` that fit in the overlap budget.
    private func tail(of text: String) -> String? {
        var kept: [String] = []
        for sentence in Sentences.split(text).reversed() {
            let candidate = ([sentence] + kept).joined(separator: " ")
            if Self.estimateTokens(candidate) > overlapTokens { break }
            kept.insert(sentence, at: 0)
        }
        return kept.isEmpty ? nil : kept.joined(separator: " ")
    }
}

/// Sentence splitting for English prose: ends at `.`, `!` or `?` followed by white space
/// and an uppercase letter, digit or opening mark; common abbreviations do not end sentences.
public enum Sentences {
    static let abbreviations: Set<String> = ["e.g.", "i.e.", "etc.", "vs.", "mr.", "dr.", "fig.", "eq.", "approx.", "no."]

    public static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            current.append(character)
            if character == "." || character == "!" || character == "?" {
                var next = index + 1
                while next < characters.count, characters[next] == "\"" || characters[next] == ")" || characters[next] == "*" {
                    current.append(characters[next])
                    next += 1
                }
                let atEnd = next >= characters.count
                let followedBySpace = !atEnd && characters[next].isWhitespace
                var after = next
                while after < characters.count, characters[after].isWhitespace { after += 1 }
                let startsSentence = after >= characters.count || characters[after].isUppercase || characters[after].isNumber
                    || "\"'(*[`$".contains(characters[after])
                let lastWord = current.split(separator: " ").last.map { $0.lowercased() } ?? ""
                if atEnd || (followedBySpace && startsSentence && !abbreviations.contains(lastWord)) {
                    let sentence = current.trimmingWhitespace()
                    if !sentence.isEmpty { sentences.append(sentence) }
                    current = ""
                    index = next
                    continue
                }
            } else if character == "\n", index + 1 < characters.count, characters[index + 1] == "\n" {
                let sentence = current.trimmingWhitespace()
                if !sentence.isEmpty { sentences.append(sentence) }
                current = ""
            }
            index += 1
        }
        let rest = current.trimmingWhitespace()
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
    }
}

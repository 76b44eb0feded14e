/// Explains text the reader selected ("Ask about this") from the part of the book that holds
/// it (the request's first passage), without echoing it: the selection is widened to whole
/// sentences and shown with the sentences around it that give it context, the book's
/// definitions of the terms inside it follow, then the passage of the same section that
/// answers the reader's own question about it (or, for a bare "explain this", the passage
/// that continues it). Nothing comes from other pages except the book's own definitions.
struct SelectionExplainer {
    let request: AnswerRequest
    let intent: QuestionIntent
    let style: AnswerStyle

    /// Lowercase words of plain text, for locating the selection.
    static func words(_ text: String) -> [String] {
        MarkdownText.plain(text).lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    static func contains(_ haystack: [String], _ needle: [String]) -> Bool {
        AnswerChecks.containsRun(haystack, needle)
    }

    func explain(_ selection: String) -> String {
        guard let home = request.passages.first?.chunk else { return "" }
        let blocks = ExtractiveGenerator.blocks(of: home)
        let selected = Self.words(selection)
        let head = Array(selected.prefix(4)), tail = Array(selected.suffix(4))
        guard !selected.isEmpty else { return "" }
        let index = blocks.firstIndex { Self.contains(Self.words($0.markdown), head) }
            ?? blocks.firstIndex { Self.contains(Self.words($0.markdown), tail) }

        var parts: [String] = []
        var context = ""
        if let index {
            context = widened(blocks, at: index, head: head, tail: tail)
            parts.append(context + " [1]")
        }
        let inSelection = index.map { blocks[$0].markdown } ?? selection
        if let terms = definitions(in: context.isEmpty ? inSelection : context) { parts.append(terms) }
        if let more = answerBlock(blocks, excluding: index, selection: selected, cite: "[1]") {
            parts.append(more)
        } else {
            // Nothing more in its own chunk: the rest of its section (the request's other passages).
            for (offset, passage) in request.passages.enumerated().dropFirst() {
                if let more = answerBlock(ExtractiveGenerator.blocks(of: passage.chunk), excluding: nil, selection: selected, cite: "[\(offset + 1)]") {
                    parts.append(more)
                    break
                }
            }
        }
        return parts.joined(separator: "\n\n")
    }

    /// The selection widened to whole sentences, with the sentence before and after it (from
    /// the neighbouring blocks when it starts or ends its block). A selected list or code block
    /// is shown whole with its lead-in.
    func widened(_ blocks: [PassageBlock], at index: Int, head: [String], tail: [String]) -> String {
        let block = blocks[index]
        guard block.kind == .paragraph else {
            let before = index > 0 && blocks[index - 1].kind == .paragraph && block.lead == nil
                ? (Sentences.split(blocks[index - 1].body).last.map { $0 + "\n\n" } ?? "") : ""
            return before + block.markdown
        }
        let sentences = Sentences.split(block.body)
        let first = sentences.firstIndex { Self.contains(Self.words($0), head) } ?? 0
        let last = sentences.lastIndex { Self.contains(Self.words($0), tail) }.map { max($0, first) } ?? (sentences.count - 1)
        var start = max(first - 1, 0)
        let end = min(last + 1, sentences.count - 1)
        // Keep going back while the first sentence points elsewhere.
        while start > 0, AnswerComposer.refersElsewhere(sentences[start]) { start -= 1 }
        var text = sentences[start...end].joined(separator: " ")
        if first == 0, index > 0, blocks[index - 1].kind == .paragraph, let previous = Sentences.split(blocks[index - 1].body).last,
           !previous.hasSuffix(":") {
            text = previous + " " + text
        }
        return text
    }

    /// "**Key terms:** …" for the book-defined terms inside the selection (this page's first).
    func definitions(in text: String) -> String? {
        let words = WordText(KeyTerms.normalise(MarkdownText.plain(text)))
        let slug = request.passages.first?.chunk.pageSlug
        let ordered = request.keyTerms.filter { $0.pageSlug == slug } + request.keyTerms.filter { $0.pageSlug != slug }
        var lines: [String] = []
        var seen = Set<String>()
        for term in ordered where lines.count < 3 {
            let names = KeyTerms.names(of: term.term)
            guard seen.isDisjoint(with: names), KeyTerms.variants(of: term.term).contains(where: { words.firstMatch(of: $0) != nil }) else { continue }
            let definition = Sentences.split(term.definition).first ?? term.definition
            guard !definition.isEmpty, AnswerComposer.wordCount(definition) <= 45, !definition.hasSuffix(":") else { continue }
            seen.formUnion(names)
            lines.append(AnswerComposer.keyTermLine(term.term, definition))
        }
        return AnswerComposer.keyTermsBlock(lines)
    }

    /// The block of the same passage that answers the reader's question about the selection,
    /// or, when the question asks nothing beyond "explain this", the block that follows it.
    func answerBlock(_ blocks: [PassageBlock], excluding index: Int?, selection: [String], cite: String) -> String? {
        let own = Set(ExtractiveGenerator.queryTerms(intent.searchText)).subtracting(Self.instructionTerms)
            .subtracting(TextTokenizer.terms(selection.joined(separator: " ")))
        var candidates = blocks.indices.filter { $0 != index && (blocks[$0].kind == .paragraph || blocks[$0].kind == .list) }
            .filter { !blocks[$0].isOrphanLead && !blocks[$0].isDataLike && !AnswerComposer.isNavigation(blocks[$0].prose) }
        // A section that is one sentence and its code: the code shows what the sentence says.
        if candidates.isEmpty { candidates = blocks.indices.filter { $0 != index && blocks[$0].kind == .code } }
        let pick: Int?
        if !own.isEmpty {
            pick = candidates.map { ($0, Set(TextTokenizer.terms(blocks[$0].markdown)).intersection(own).count) }
                .filter { $0.1 > 0 }.max { $0.1 < $1.1 }?.0
        } else if let index {
            pick = candidates.first { $0 > index && !AnswerComposer.refersElsewhere(blocks[$0].lead ?? blocks[$0].body) }
                ?? candidates.last { $0 < index && !AnswerComposer.refersElsewhere(blocks[$0].lead ?? blocks[$0].body) }
        } else {
            pick = candidates.first { !AnswerComposer.refersElsewhere(blocks[$0].lead ?? blocks[$0].body) }
        }
        guard let pick else { return nil }
        let block = blocks[pick]
        if block.kind == .code {
            return (block.lead.map { AnswerComposer.cited(lead: $0, cite) } ?? "In code \(cite):") + "\n\n" + block.body
        }
        if block.kind == .list {
            return block.lead.map { AnswerComposer.cited(lead: $0, cite) + "\n\n" + block.body } ?? block.body + " " + cite
        }
        let sentences = Sentences.split(block.body)
        var kept: [String] = []
        for sentence in sentences where kept.joined(separator: " ").split(separator: " ").count < style.wordBudget / 2 { kept.append(sentence) }
        while let last = kept.last, kept.count > 1, last.hasSuffix(":") { kept.removeLast() }
        return kept.joined(separator: " ") + " " + cite
    }

    /// Question words that only ask to explain the selection.
    static let instructionTerms = Set(TextTokenizer.terms("explain this that mean means meaning what does say simpler simply plain words understand"))
}

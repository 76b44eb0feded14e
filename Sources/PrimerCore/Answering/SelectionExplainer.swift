import Foundation

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
            if context.hasSuffix(":"), index == blocks.count - 1, let next = continuation(of: home) {
                parts.append(next)  // the lead-in's list or code, cut into the section's next chunk
            }
        }
        let inSelection = index.map { blocks[$0].markdown } ?? selection
        if let terms = definitions(in: context.isEmpty ? inSelection : context) { parts.append(terms) }
        if let more = answerBlock(blocks, excluding: index, selection: selected, cite: "[1]") {
            parts.append(more)
        } else {
            // Nothing more in its own chunk: the rest of its section (the request's other passages).
            for (offset, passage) in request.passages.enumerated().dropFirst() where passage.chunk.anchor == home.anchor {
                if let more = answerBlock(ExtractiveGenerator.blocks(of: passage.chunk), excluding: nil, selection: selected, cite: "[\(offset + 1)]") {
                    parts.append(more)
                    break
                }
            }
        }
        // A selection that is most of a small section is explained by its place on the page.
        if Double(selected.count) >= 0.5 * Double(Self.words(home.text).count), let place = place(of: home) {
            parts.append(place)
        }
        return parts.joined(separator: "\n\n")
    }

    /// The list or code block that opens the chunk after `home` in the same section (what a
    /// lead-in at the end of `home` introduces), cited; long code is shortened to its first lines.
    func continuation(of home: BookChunk) -> String? {
        guard let (offset, next) = request.passages.enumerated().first(where: {
            $0.element.chunk.anchor == home.anchor && $0.element.chunk.pageSlug == home.pageSlug && $0.element.chunk.ordinal == home.ordinal + 1
        }), let block = ExtractiveGenerator.blocks(of: next.chunk).first, block.lead == nil,
            block.kind == .list || block.kind == .code
        else { return nil }
        guard block.kind == .code else { return block.body + " [\(offset + 1)]" }
        guard style.includeCode else { return "The book follows this with a code example [\(offset + 1)]." }
        var lines = block.body.components(separatedBy: "\n")
        let limit = 16
        if lines.count > limit + 2 {
            let fence = lines.last ?? "```"
            lines = Array(lines.prefix(limit)) + ["# … (continues in the book [\(offset + 1)])", fence]
        }
        return "In code [\(offset + 1)]:\n\n" + lines.joined(separator: "\n")
    }

    /// What the selection's section is part of: the enclosing section's own opening (cited) and
    /// the sibling sections under the same heading, with this one marked. Nil when the section
    /// stands alone on its page.
    func place(of home: BookChunk) -> String? {
        guard home.headings.count >= 2 else { return nil }
        let enclosing = Array(home.headings.dropLast())
        var lines: [String] = []
        if let (offset, parent) = request.passages.enumerated().first(where: { $0.element.chunk.headings == enclosing }) {
            let opening = ExtractiveGenerator.blocks(of: parent.chunk).first {
                $0.kind == .paragraph && !$0.isOrphanLead && !$0.isDataLike && !AnswerComposer.isNavigation($0.prose)
            }
            if let opening {
                var kept: [String] = []
                for sentence in Sentences.split(opening.body) where kept.count < 2 && !sentence.hasSuffix(":") { kept.append(sentence) }
                if !kept.isEmpty { lines.append(kept.joined(separator: " ") + " [\(offset + 1)]") }
            }
        }
        let siblings = request.passages.map(\.chunk)
            .filter { $0.headings.count == home.headings.count && Array($0.headings.dropLast()) == enclosing }
        var names: [String] = []
        for chunk in ([home] + siblings).sorted(by: { $0.ordinal < $1.ordinal }) {
            var name = MarkdownText.plain(chunk.section).trimmingCharacters(in: .whitespaces)
            while name.hasSuffix(":") { name.removeLast() }
            guard !names.contains(name), !names.contains("**\(name)** (this part)") else { continue }
            names.append(chunk.id == home.id ? "**\(name)** (this part)" : name)
        }
        if names.count >= 2 {
            let heading = MarkdownText.plain(enclosing.last ?? home.pageTitle)
            lines.append("It is one of \(names.count) parts of “\(heading)”: \(names.joined(separator: " · ")).")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n\n")
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
        // A lead-in ("… while maintaining accuracy:") is shown with what it leads into.
        if end == sentences.count - 1, text.hasSuffix(":"), index + 1 < blocks.count,
           blocks[index + 1].kind == .list || blocks[index + 1].kind == .code {
            text += "\n\n" + blocks[index + 1].markdown
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

import PrimerCore

/// The reading pages: home, chapter, search results and "not found".
enum BookPages {
    static func home(frame: PageFrame) -> HTML {
        let snapshot = frame.snapshot
        let first = snapshot.readingOrder.first
        let signupPrompt: HTML? = frame.reader == nil ? """
            <aside class="signup-prompt"><h2>Make it yours</h2>
            <p>Reading and asking need no account. Sign up with your background — software, programming and hardware
            experience, and the topics you like — and answers and chapters adapt to you.</p>
            <p><a class="button primary" href="/signup">Sign up</a> <a href="/signin">Sign in</a></p></aside>
            """ : nil
        let intro: HTML = first.flatMap { snapshot.rendered[$0.slug] }.map { HTML.trusted($0.html) } ?? "<p>No book is loaded yet.</p>"
        let start: HTML? = first.map { page in
            let next = snapshot.readingOrder.dropFirst().first ?? page
            return "<p><a class=\"button primary\" id=\"start-reading\" href=\"/book/\(next.slug)\">Start reading</a></p>"
        }
        return frame.render("""
        <article class="chapter home" id="chapter">\(intro)\(start)</article>
        \(signupPrompt)
        <section class="contents"><h2>Contents</h2>\(PageFrame.toc(snapshot.toc, current: nil))</section>
        """)
    }

    static func chapter(frame: PageFrame, page: BookPage, html: String, headings: [PageRenderer.Heading]) -> HTML {
        let order = frame.snapshot.readingOrder
        let index = order.firstIndex { $0.slug == page.slug }
        let previous = index.flatMap { $0 > 0 ? order[$0 - 1] : nil }
        let next = index.flatMap { $0 + 1 < order.count ? order[$0 + 1] : nil }
        let tools: HTML = frame.reader != nil ? """
            <button id="personalise-button" type="button" data-slug="\(page.slug)" class="button">Personalise this chapter</button>
            <button id="original-button" type="button" hidden class="button">Show the original</button>
            """ : "<p class=\"hint\"><a href=\"/signup\">Sign up</a> to have chapters adapted to your background.</p>"
        let tocItems: [HTML] = headings.filter { $0.level <= 3 }.map { heading in
            "<li class=\"level-\(heading.level)\"><a href=\"#\(heading.anchor)\">\(heading.text)</a></li>"
        }
        let pager: [HTML] = [
            previous.map { "<a rel=\"prev\" href=\"/book/\($0.slug)\">← \($0.title)</a>" },
            next.map { "<a rel=\"next\" href=\"/book/\($0.slug)\">\($0.title) →</a>" },
        ].compactMap { $0 }
        return frame.render("""
        <article class="chapter" id="chapter" data-slug="\(page.slug)">
        <div class="chapter-tools">\(tools)<span id="personalise-status" role="status"></span></div>
        <div id="chapter-body">\(HTML.trusted(html))</div>
        <div id="chapter-personalised" hidden></div>
        <nav class="pager" aria-label="Previous and next chapter">\(pager)</nav>
        </article>
        \(tocItems.isEmpty ? nil : HTML("<aside class=\"page-toc\" aria-label=\"On this page\"><strong>On this page</strong><ul>\(tocItems)</ul></aside>"))
        """)
    }

    static func search(frame: PageFrame, query: String, results: [SearchResult]) -> HTML {
        let list: HTML
        if query.isEmpty {
            list = "<p id=\"search-empty\">Type a few words to search the book.</p>"
        } else if results.isEmpty {
            list = "<p id=\"search-empty\">Nothing in the book matches “\(query)”. Try other words, or ask the book.</p>"
        } else {
            let words = Self.searchWords(query)
            let items: [HTML] = results.map { result in
                let title = result.section.isEmpty ? result.pageTitle : result.section
                let path: HTML? = result.section.isEmpty || result.section == result.pageTitle ? nil
                    : "<span class=\"hit-path\">\(result.pageTitle) › \(result.section)</span>"
                return """
                <li><a href="\(result.pageURL)">\(marked(title, words))</a>\(path)<p class="snippet">\(marked(result.snippet, words))</p></li>
                """
            }
            list = "<p class=\"hint\">\(results.count) \(results.count == 1 ? "result" : "results") for “\(query)”</p><ol id=\"search-results\">\(items)</ol>"
        }
        return frame.render("""
        <section class="search-page"><h1>Search</h1>
        \(list)</section>
        """)
    }

    /// The query's words worth marking in results (two letters or more).
    static func searchWords(_ query: String) -> [String] {
        query.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).filter { $0.count > 1 }
    }

    /// `text` with the words that start with a query word wrapped in `<mark>` ("servo" marks "servos").
    static func marked(_ text: String, _ words: [String]) -> HTML {
        guard !words.isEmpty else { return "\(text)" }
        var html = HTML(stringLiteral: ""), word = ""
        func flush() {
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            html = words.contains(where: { lower.hasPrefix($0) }) ? "\(html)<mark>\(word)</mark>" : "\(html)\(word)"
            word = ""
        }
        for character in text {
            if character.isLetter || character.isNumber { word.append(character); continue }
            flush()
            html = "\(html)\(String(character))"
        }
        flush()
        return html
    }

    static func notFound(frame: PageFrame) -> HTML {
        frame.render("""
        <section class="not-found"><h1>Page not found</h1><p>There is no such page. <a href="/">Back to the book</a></p></section>
        """)
    }
}

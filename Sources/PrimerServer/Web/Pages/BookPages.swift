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
            let items: [HTML] = results.map { result in
                let label = result.section.isEmpty ? result.pageTitle : "\(result.pageTitle) › \(result.section)"
                return "<li><a href=\"\(result.pageURL)\">\(label)</a><p class=\"snippet\">\(result.snippet)</p></li>"
            }
            list = "<ol id=\"search-results\">\(items)</ol>"
        }
        return frame.render("""
        <section class="search-page"><h1>Search</h1>
        <form action="/search" method="get" role="search" class="search-again"><input name="q" type="search" value="\(query)" aria-label="Search the book"> <button type="submit" class="button">Search</button></form>
        \(list)</section>
        """)
    }

    static func notFound(frame: PageFrame) -> HTML {
        frame.render("""
        <section class="not-found"><h1>Page not found</h1><p>There is no such page. <a href="/">Back to the book</a></p></section>
        """)
    }
}

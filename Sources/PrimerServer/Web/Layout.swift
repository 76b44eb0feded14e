import PrimerCore
import Vapor

/// What every page shows around its content: the reader (if signed in), the book's table of
/// contents and the chat panel.
struct PageFrame {
    let title: String
    let reader: AuthenticatedReader?
    let snapshot: BookLibrary.Snapshot
    /// The chapter being read, for the sidebar highlight and the chat's page context.
    var currentSlug: String?
    /// The search words, kept in the header's search box on the results page.
    var searchQuery = ""

    var bookTitle: String { snapshot.readingOrder.first?.title ?? "Primer" }

    /// The whole HTML document around `content`.
    func render(_ content: HTML) -> HTML {
        let level = reader?.readerProfile.softwareExperience.rawValue.lowercased() ?? ""
        return """
        <!doctype html>
        <html lang="en" data-theme="">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title == bookTitle ? title : "\(title) · \(bookTitle)")</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/assets/site.css">
        <script src="/assets/chat-core.js" defer></script>
        <script src="/assets/site.js" defer></script>
        </head>
        <body data-signed-in="\(reader == nil ? "false" : "true")" data-page-slug="\(currentSlug ?? "")" data-level="\(level)">
        <a class="skip-link" href="#content">Skip to content</a>
        \(topBar)
        \(verifyBanner)
        <div class="shell">
        <nav id="sidebar" class="sidebar" aria-label="Table of contents">\(Self.toc(snapshot.toc, current: currentSlug))</nav>
        <main id="content" tabindex="-1">\(content)</main>
        </div>
        \(chatPanel)
        \(searchDialog)
        <button id="ask-selection" type="button" hidden>Ask about this</button>
        </body>
        </html>
        """
    }

    /// A reminder for signed-in readers whose email address is not confirmed yet.
    private var verifyBanner: HTML? {
        guard let reader, !reader.user.emailVerified else { return nil }
        return """
        <div class="verify-banner" role="status" id="verify-banner">Please confirm your email address: we sent a link to \(reader.user.email).
        <form method="post" action="/verify-email/resend"><button type="submit" class="button small">Send a new link</button></form></div>
        """
    }

    private var topBar: HTML {
        let account: HTML
        if let reader {
            account = """
            <a href="/profile" id="profile-link">\(reader.user.name ?? reader.user.email)</a>
            <form action="/signout" method="post" id="signout-form"><button id="signout-button" type="submit">Sign out</button></form>
            """
        } else {
            account = """
            <a href="/signin" id="signin-link">Sign in</a> <a href="/signup" id="signup-link" class="button">Sign up</a>
            """
        }
        return """
        <header class="topbar">
        <button id="sidebar-toggle" type="button" aria-controls="sidebar" aria-expanded="false" aria-label="Table of contents">☰</button>
        <a class="brand" href="/">\(bookTitle)</a>
        <form id="search-form" action="/search" method="get" role="search"><input id="search-input" name="q" type="search" value="\(searchQuery)" placeholder="Search the book" aria-label="Search the book" aria-keyshortcuts="Control+K /"><kbd class="search-shortcut" aria-hidden="true">Ctrl K</kbd></form>
        <button id="theme-toggle" type="button" aria-label="Toggle dark mode">◐</button>
        <div class="account">\(account)</div>
        </header>
        """
    }

    private var chatPanel: HTML {
        let hint: HTML? = reader == nil
            ? "<p id=\"chat-signup-hint\" class=\"hint\">Sign up with your background and answers adapt to you. <a href=\"/signup\">Sign up</a></p>"
            : nil
        return """
        <button id="chat-open" type="button" aria-controls="chat-panel" aria-expanded="false">Ask the book</button>
        <aside id="chat-panel" hidden aria-label="Ask the book">
        <div class="chat-header"><strong>Ask the book</strong>
        <button id="chat-new" type="button">New conversation</button>
        <button id="chat-close" type="button" aria-label="Close">×</button></div>
        \(hint)
        <ol id="chat-log" aria-live="polite"></ol>
        \(starters)
        <div id="chat-selection" hidden><span class="label">Asking about:</span> <q id="chat-selection-text"></q> <button id="chat-selection-clear" type="button" aria-label="Clear the selection">×</button></div>
        <form id="chat-form"><textarea id="chat-input" name="query" rows="2" maxlength="2000" placeholder="Ask a question about the book" aria-label="Your question"></textarea>
        <button id="chat-send" type="submit">Ask</button></form>
        </aside>
        """
    }

    /// Questions about the current page an empty chat offers.
    private var starters: HTML? {
        guard let slug = currentSlug, let questions = snapshot.starters[slug] else { return nil }
        guard !questions.isEmpty else { return nil }
        let items: [HTML] = questions.map { "<li><button type=\"button\" class=\"starter\">\($0)</button></li>" }
        return "<div id=\"chat-starters\" class=\"chat-starters\"><p class=\"hint\">Questions about this page:</p><ul>\(items)</ul></div>"
    }

    /// The search dialog (Ctrl+K or "/"): results as you type.
    private var searchDialog: HTML {
        """
        <dialog id="search-dialog" aria-label="Search the book">
        <div class="search-dialog-box">
        <input id="search-dialog-input" type="search" aria-controls="search-dialog-results" aria-describedby="search-dialog-status" aria-label="Search the book" placeholder="Search the book">
        <p id="search-dialog-status" class="hint" role="status">Type to search the book.</p>
        <ul id="search-dialog-results" aria-label="Results"></ul>
        <p class="search-dialog-keys hint"><kbd>↑</kbd> <kbd>↓</kbd> to choose · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close</p>
        </div>
        </dialog>
        """
    }

    /// The nested table of contents; the current page is marked.
    static func toc(_ entries: [TOCEntry], current: String?) -> HTML {
        let items: [HTML] = entries.map { entry in
            if entry.kind == .category {
                return "<li class=\"toc-category\"><span>\(entry.title)</span>\(toc(entry.children, current: current))</li>"
            }
            let slug = entry.slug ?? ""
            let marker: HTML = slug == current ? " class=\"current\" aria-current=\"page\"" : ""
            return "<li><a href=\"/book/\(slug)\"\(marker)>\(entry.title)</a></li>"
        }
        return "<ul class=\"toc\">\(items)</ul>"
    }
}

extension Request {
    /// The signed-in reader for a page, or nil: pages never fail because of a bad session.
    func pageReader() async -> AuthenticatedReader? {
        do {
            return try await resolveReader()
        } catch {
            return nil
        }
    }

    /// A page frame for this request.
    func frame(title: String, currentSlug: String? = nil) async -> PageFrame {
        PageFrame(title: title, reader: await pageReader(), snapshot: primer.library.snapshot, currentSlug: currentSlug)
    }
}

extension HTML {
    /// An HTML response (security headers are added by `SecurityHeadersMiddleware`).
    func response(status: HTTPResponseStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
                 body: .init(string: raw))
    }
}

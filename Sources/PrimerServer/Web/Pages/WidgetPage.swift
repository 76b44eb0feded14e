import PrimerCore

/// `GET /widget`: how a course author puts the book's chat on their own site — the snippet to
/// paste (with this server's URL), the origins `CORS_ORIGINS` allows today and how to add one,
/// and the real widget running in a preview box. The preview is the page's chat, so the site's
/// own chat panel is turned off here (`data-site-chat="off"`).
enum WidgetPage {
    /// The script tag a course author pastes, for the server at `primerURL`.
    static func snippet(primerURL: String) -> String {
        "<script src=\"\(primerURL)/widget.js\" data-primer-url=\"\(primerURL)\" defer></script>"
    }

    static func render(frame: PageFrame, primerURL: String, corsOrigins: [String]) -> HTML {
        let code = snippet(primerURL: primerURL)
        let highlighted = HTML.trusted(CodeHighlighter.html(code, language: "html"))  // escapes every character
        return frame.render("""
        <section class="widget-page" id="widget-page" aria-labelledby="widget-page-title" data-site-chat="off">
        <h1 id="widget-page-title">Put the book on your site</h1>
        <p class="widget-lead">One script tag adds an <strong>Ask the book</strong> button to any page of your course site:
        readers ask questions, get answers that cite this book's sections, and can sign in to have answers adapted to
        their background. The widget lives in its own shadow root, so your site's styles and its styles never mix.</p>

        <h2 id="widget-snippet-heading"><span class="widget-step" aria-hidden="true">1</span> Paste the snippet</h2>
        <p>Put it just before <code>&lt;/body&gt;</code> on every page that should offer the chat (in Docusaurus, a
        <code>scripts</code> entry in <code>docusaurus.config.js</code> or a swizzled <code>Root</code> does the same).</p>
        <div class="code-block widget-snippet" id="widget-snippet">\
        <div class="code-header"><span class="code-language">HTML</span>\
        <button type="button" class="code-copy" id="widget-snippet-copy" aria-label="Copy the snippet">Copy</button></div>\
        <pre><code class="language-html">\(highlighted)</code></pre></div>
        <p class="hint">This server's address, as your browser reached it: <code id="widget-server-url">\(primerURL)</code>.
        If readers reach Primer under another address (a proxy, a public domain), use that one in both places.</p>

        <h2 id="widget-origins-heading"><span class="widget-step" aria-hidden="true">2</span> Allow your site's origin</h2>
        <p>Browsers let a page on another site talk to this server only if that site's <em>origin</em> (scheme, host and
        port, such as <code>https://docs.example.org</code>) is listed in the <code>CORS_ORIGINS</code> setting.</p>
        \(origins(corsOrigins))
        <p>To add one, list it in <code>CORS_ORIGINS</code> (in the environment or <code>.env</code>; several are separated
        by commas, each without a path or trailing slash) and restart Primer:</p>
        <pre class="widget-config"><code>CORS_ORIGINS=https://docs.example.org,https://course.example.edu</code></pre>
        <p class="hint">On a site that is not listed, the widget says so instead of failing quietly:
        “This site isn't allowed to use this Primer server: add https://… to CORS_ORIGINS”.</p>

        <h2 id="widget-preview-heading"><span class="widget-step" aria-hidden="true">3</span> Try it</h2>
        <p>This is the real widget, talking to this server, on a pretend course page. Pages of this server are always
        allowed.</p>
        <div class="widget-preview" id="widget-preview" role="region" aria-labelledby="widget-preview-heading">
        <div class="widget-preview-page" aria-hidden="true">
        <div class="widget-preview-bar"><span class="widget-preview-dot"></span><span class="widget-preview-dot"></span>\
        <span class="widget-preview-dot"></span><span class="widget-preview-address">https://docs.example.org/course/week-1</span></div>
        <div class="widget-preview-body"><p class="widget-preview-title">Week 1: Getting started</p>
        <span class="widget-preview-line"></span><span class="widget-preview-line"></span><span class="widget-preview-line short"></span>
        <span class="widget-preview-line"></span><span class="widget-preview-line short"></span></div>
        </div>
        </div>
        <script src="/widget.js" data-primer-container="widget-preview" data-primer-open="true" defer></script>
        </section>
        """)
    }

    /// The origins allowed today, or what an empty list or `*` means.
    static func origins(_ corsOrigins: [String]) -> HTML {
        let named = corsOrigins.filter { $0 != "*" }
        var parts: [HTML] = []
        if corsOrigins.contains("*") {
            parts.append("""
            <p class="widget-origins-note" id="widget-origins-any"><strong><code>CORS_ORIGINS</code> is <code>*</code>:</strong>
            any site may embed the widget and read answers (signing in works through the widget's own tokens, never this
            site's cookies). Good for trying it out; production refuses to start with it, so list your sites by name.</p>
            """)
        } else if named.isEmpty {
            parts.append("""
            <p class="widget-origins-note" id="widget-origins-none"><strong>No other site is allowed yet:</strong>
            <code>CORS_ORIGINS</code> is empty, so the widget works only on this server's own pages.</p>
            """)
        }
        if !named.isEmpty {
            let items: [HTML] = named.map { "<li><code>\($0)</code></li>" }
            parts.append("<p class=\"widget-origins-label\">Allowed now:</p><ul class=\"widget-origins\" id=\"widget-origins\">\(items)</ul>")
        }
        return parts.joined
    }
}

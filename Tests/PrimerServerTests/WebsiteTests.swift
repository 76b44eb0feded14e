import Foundation
@testable import PrimerCore
@testable import PrimerServer
import Testing
import Vapor

/// A browser's cookies, as far as these tests need them (one host, paths all `/`).
struct CookieJar {
    private(set) var values: [String: String] = [:]
    /// `Set-Cookie` attributes by cookie name, as last received.
    private(set) var attributes: [String: String] = [:]

    mutating func absorb(_ response: TestResponse) {
        for header in response.headers[.setCookie] {
            let parts = header.split(separator: ";", maxSplits: 1)
            guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]).trimmingWhitespace(), value = String(pair[pair.index(after: equals)...])
            attributes[name] = parts.count > 1 ? String(parts[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { values[name] = nil } else { values[name] = value }
        }
    }

    var header: [(String, String)] {
        values.isEmpty ? [] : [("Cookie", values.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))]
    }
}

extension TestServer {
    /// Posts an HTML form the way a browser on this site does (with its Origin).
    func submit(_ path: String, _ fields: [(String, String)], jar: inout CookieJar, origin: String? = nil) async throws -> TestResponse {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        let body = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        let response = try await send(.POST, path, body: body, headers: [
            ("Content-Type", "application/x-www-form-urlencoded"), ("Origin", origin ?? baseURL),
        ] + jar.header)
        jar.absorb(response)
        return response
    }

    /// Gets a page with the jar's cookies (and keeps any cookies the server sets).
    func page(_ path: String, jar: inout CookieJar) async throws -> TestResponse {
        let response = try await send(.GET, path, headers: jar.header)
        jar.absorb(response)
        return response
    }

    static let signupFields: [(String, String)] = [
        ("email", "web@example.com"), ("password", "Sturdy#Pass1"), ("software_experience", "Beginner"),
        ("hardware_experience", "None"), ("programming_background", ""), ("interests[]", "Sensors and Perception"),
        ("interests_other", "drones, lidar"),
    ]
}

/// The website without a browser: pages, forms, cookie sessions, CSRF and security headers.
@Suite struct WebsiteTests {
    @Test(arguments: TestDatabase.allCases)
    func pagesRenderTheBookWithSecurityHeaders(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            var jar = CookieJar()
            let home = try await server.page("/", jar: &jar)
            #expect(home.status == .ok)
            #expect(home.headers.first(name: .contentType)?.hasPrefix("text/html") == true)
            let csp = try #require(home.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"))
            #expect(home.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(home.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(home.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
            #expect(!home.text.contains("<script>"), "no inline scripts")
            #expect(home.text.contains("id=\"signup-link\""))

            let chapter = try await server.page("/book/actuators-and-motors/servos-and-gearing", jar: &jar)
            #expect(chapter.status == .ok)
            #expect(chapter.text.contains("<h2 id=\"servo-motors\">Servo motors</h2>"))
            #expect(chapter.text.contains("class=\"current\" aria-current=\"page\""))
            #expect(chapter.text.contains("rel=\"prev\"") && chapter.text.contains("rel=\"next\""))
            #expect(chapter.text.contains("<a href=\"#gear-ratios\">Gear ratios</a>"), "the page's table of contents")
            #expect(chapter.text.contains("<div class=\"math-display\"><math display=\"block\"><semantics>"), "formulas are MathML")
            #expect(chapter.text.contains("<mi>ω</mi>"))
            #expect(!chapter.text.contains("personalise-button"), "signed out: no personalisation")

            let missing = try await server.page("/book/no-such-page", jar: &jar)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("Page not found"))
        }
    }

    @Test func markdownHTMLIsShownAsTextAndLinksAreSafe() {
        let page = BookPage(slug: "x", title: "X", sourcePath: "x.md", position: nil, folder: [], markdown: """
            # A <b>title</b>

            Text with <script>alert(1)</script> and <img src=x onerror=alert(1)> and a < b.

            [bad](javascript:alert(1)) [quote](/a"onmouseover="alert(1)) [ok](/book/y#z) [web](https://example.com)

            ```html
            <script>kept as code</script>
            ```
            """, contentHash: "h")
        let html = PageRenderer.render(page).html
        // MDX components (any tag) are removed from the text; what is left is never markup.
        #expect(!html.contains("<script>") && !html.contains("<img src=x") && !html.contains("<b>") && !html.contains("onerror"))
        #expect(html.contains("a &lt; b"))
        #expect(html.contains("<a href=\"#\">bad</a>"))
        #expect(html.contains("href=\"/a&quot;onmouseover=&quot;alert(1)\""))
        #expect(html.contains("<a href=\"/book/y#z\">ok</a>"))
        #expect(html.contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">web</a>"))
        #expect(html.contains("&lt;script&gt;</span>kept as code<span class=\"tok-tag\">&lt;/script&gt;"), "code is escaped")
    }

    @Test(arguments: TestDatabase.allCases)
    func signUpWithTheFormSetsASessionCookie(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            var jar = CookieJar()
            let form = try await server.page("/signup", jar: &jar)
            #expect(form.text.contains("id=\"password-rules\""))
            #expect(form.text.contains("value=\"Sensors and Perception\""), "interests offered from the book's chapters")
            #expect(form.text.contains("class=\"why\""))

            let weak = try await server.submit("/signup", [("email", "not-an-email"), ("password", "short"), ("software_experience", "Beginner"),
                                                          ("hardware_experience", "None"), ("interests[]", "Sensors and Perception")], jar: &jar)
            #expect(weak.status == .badRequest)
            #expect(weak.text.contains("id=\"error-email\"") && weak.text.contains("id=\"error-password\""))
            #expect(weak.text.contains("value=\"not-an-email\""), "what was typed is kept")
            #expect(weak.text.contains("value=\"Sensors and Perception\" checked"), "chosen interests stay chosen")
            // Every unmet password rule at once, not one per attempt.
            #expect(weak.text.contains("must be at least 8 characters, contain an uppercase letter, contain a digit and contain a character"))
            #expect(jar.values.isEmpty)

            let created = try await server.submit("/signup", TestServer.signupFields, jar: &jar)
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "/welcome")
            let welcome = try await server.page("/welcome", jar: &jar)
            #expect(welcome.status == .ok)
            #expect(welcome.text.contains("id=\"welcome\"") && welcome.text.contains("What changes now") && welcome.text.contains("href=\"/profile\""))
            let access = try #require(jar.attributes[BrowserSession.accessCookie])
            #expect(access.contains("HttpOnly") && access.contains("SameSite=Lax") && !access.contains("Secure"))
            #expect(jar.values[BrowserSession.refreshCookie] != nil)

            let home = try await server.page("/", jar: &jar)
            #expect(home.text.contains("data-signed-in=\"true\""))
            #expect(home.text.contains("id=\"profile-link\">web@example.com<"))
            let profile = try await server.send(.GET, "/api/v1/profile", headers: jar.header)
            #expect(profile.status == .ok)
            #expect((profile.json["profile"] as? [String: Any])?["interests"] as? [String] == ["Sensors and Perception", "drones", "lidar"])

            let again = try await server.page("/signup", jar: &jar)
            #expect(again.status == .seeOther, "signed in: the sign-up page leads to the profile")
            #expect(again.headers.first(name: .location) == "/profile")
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func cookieRequestsThatChangeStateNeedThisSitesOrigin(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.corsOrigins = ["http://docs.example.org"] }) { server in
            try await server.ingest()
            var jar = CookieJar()
            _ = try await server.submit("/signup", TestServer.signupFields, jar: &jar)
            let question = #"{"query": "What are servo motors?"}"#
            // A cross-site form or script carrying the cookie is refused…
            for origin in [nil, "http://evil.example", "null"] as [String?] {
                var headers = jar.header + [("Content-Type", "application/json")]
                if let origin { headers.append(("Origin", origin)) }
                let refused = try await server.send(.POST, "/api/v1/query", body: question, headers: headers)
                #expect(refused.status == .forbidden, "origin \(origin ?? "none")")
                #expect(refused.code == "invalid_origin")
            }
            let crossSiteForm = try await server.submit("/signout", [], jar: &jar, origin: "http://evil.example")
            #expect(crossSiteForm.status == .forbidden)
            #expect(jar.values[BrowserSession.accessCookie] != nil, "still signed in")
            // …this site's pages (Origin or Referer) and listed origins are not.
            for headers in [[("Origin", server.baseURL)], [("Referer", server.baseURL + "/book/intro")], [("Origin", "http://docs.example.org")]] {
                let allowed = try await server.send(.POST, "/api/v1/query", body: question, headers: jar.header + headers + [("Content-Type", "application/json")])
                #expect(allowed.status == .ok, "\(headers)")
                #expect(allowed.json["personalization_applied"] as? Bool == true)
            }
            // Bearer tokens are not affected.
            let reader = try await server.signUp()
            let bearer = try await server.send(.POST, "/api/v1/query", body: question, token: reader.accessToken)
            #expect(bearer.status == .ok)
            // Signing out from the site ends the session and clears the cookies.
            let cookies = jar.header
            let signout = try await server.submit("/signout", [], jar: &jar)
            #expect(signout.status == .seeOther)
            #expect(jar.values.isEmpty)
            let stale = try await server.send(.GET, "/api/v1/profile", headers: cookies)
            #expect(stale.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func anExpiredAccessCookieIsRefreshedByTheServer(db: TestDatabase) async throws {
        try await withServer(db) { server in
            var jar = CookieJar()
            let created = try await server.submit("/signup", TestServer.signupFields, jar: &jar)
            let refresh = try #require(jar.values[BrowserSession.refreshCookie], "\(created.status) \(created.headers) \(created.text.prefix(300))")
            // The browser dropped the expired access cookie; only the refresh cookie is sent.
            var refreshOnly = CookieJar()
            refreshOnly.absorb(TestResponse(status: .ok, headers: ["Set-Cookie": "\(BrowserSession.refreshCookie)=\(refresh); Path=/"], body: Data()))
            let page = try await server.page("/profile", jar: &refreshOnly)
            #expect(page.status == .ok)
            #expect(page.text.contains("Signed in as <strong>web@example.com</strong>"))
            let rotated = try #require(refreshOnly.values[BrowserSession.refreshCookie])
            #expect(rotated != refresh, "the refresh token was rotated")
            #expect(refreshOnly.values[BrowserSession.accessCookie] != nil)
            // A revoked session's cookies are cleared and the page is shown signed out.
            _ = try await server.submit("/signout", [], jar: &refreshOnly)
            var revoked = CookieJar()
            revoked.absorb(TestResponse(status: .ok, headers: ["Set-Cookie": "\(BrowserSession.refreshCookie)=\(rotated); Path=/"], body: Data()))
            let after = try await server.send(.GET, "/", headers: revoked.header)
            #expect(after.text.contains("data-signed-in=\"false\""))
            #expect(after.headers[.setCookie].contains { $0.hasPrefix("\(BrowserSession.refreshCookie)=;") })
        }
    }

    @Test func cookiesAreSecureBehindAnHTTPSProxy() async throws {
        try await withServer(.sqlite, configure: { $0.trustedProxies = [try! IPNetwork(parsing: "127.0.0.1/32")] }) { server in
            let response = try await server.send(.POST, "/signup", body: "email=s%40example.com&password=Sturdy%23Pass1&software_experience=Advanced&hardware_experience=Basic",
                                                 headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", "https://primer.example"),
                                                           ("Host", "primer.example"), ("X-Forwarded-Proto", "https")])
            #expect(response.status == .seeOther, "\(response.text)")
            #expect(response.headers[.setCookie].allSatisfy { $0.contains("Secure") && $0.contains("HttpOnly") })
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func theProfilePageChangesTheNextAnswerAndManagesSessions(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            var jar = CookieJar()
            _ = try await server.submit("/signup", TestServer.signupFields, jar: &jar)
            let question = #"{"query": "What are servo motors?"}"#
            let asked = [("Content-Type", "application/json"), ("Origin", server.baseURL)]
            let before = try await server.send(.POST, "/api/v1/query", body: question, headers: jar.header + asked)

            let page = try await server.page("/profile", jar: &jar)
            #expect(page.text.contains("<option value=\"Beginner\" selected>"))
            #expect(page.text.contains("This device"))
            let bad = try await server.submit("/profile", [("software_experience", "Wizard"), ("hardware_experience", "None")], jar: &jar)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("id=\"error-software_experience\""))
            let saved = try await server.submit("/profile", [("software_experience", "Advanced"), ("programming_background", "Advanced"),
                                                             ("hardware_experience", "Advanced"), ("interests[]", "Sensors and Perception")], jar: &jar)
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location) == "/profile?saved=1")
            let after = try await server.send(.POST, "/api/v1/query", body: question, headers: jar.header + asked)
            #expect(after.json["answer"] as? String != before.json["answer"] as? String)

            // Another device, signed out from this page.
            let other = try await server.signIn("web@example.com", "Sturdy#Pass1")
            let otherSessions = try await server.send(.GET, "/api/v1/auth/sessions", token: other.accessToken).array
            let otherID = try #require(otherSessions.first { $0["current"] as? Bool == true }?["id"] as? String)
            let listed = try await server.page("/profile", jar: &jar)
            #expect(listed.text.components(separatedBy: "Sign out this device").count == 3)
            let revoke = try await server.submit("/profile/sessions/\(otherID)/revoke", [], jar: &jar)
            #expect(revoke.status == .seeOther)
            #expect(try await server.send(.GET, "/api/v1/profile", token: other.accessToken).status == .unauthorized)

            let wrong = try await server.submit("/profile/delete", [("delete_password", "nope")], jar: &jar)
            #expect(wrong.status == .forbidden)
            #expect(wrong.text.contains("id=\"error-delete_password\""))
            let deleted = try await server.submit("/profile/delete", [("delete_password", "Sturdy#Pass1")], jar: &jar)
            #expect(deleted.status == .seeOther)
            #expect(deleted.headers.first(name: .location) == "/account-deleted")
            #expect(jar.values.isEmpty)
            let confirmation = try await server.page("/account-deleted", jar: &jar)
            #expect(confirmation.text.contains("Your account is deleted") && confirmation.text.contains("data-signed-in=\"false\""))
            #expect(try await server.send(.POST, "/api/v1/auth/signin", json: ["email": "web@example.com", "password": "Sturdy#Pass1"]).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func searchFindsSections(db: TestDatabase) async throws {
        try await withServer(db) { server in
            try await server.ingest()
            let api = try await server.send(.GET, "/api/v1/search?q=gear%20ratio&limit=3")
            #expect(api.status == .ok)
            let results = try #require(api.json["results"] as? [[String: Any]])
            #expect(results.count == 3)
            #expect((results.first?["page_url"] as? String)?.contains("#gear-ratio") == true)
            #expect((results.first?["snippet"] as? String)?.lowercased().contains("gear ratio") == true)
            #expect(try await server.send(.GET, "/api/v1/search?q=").status == .badRequest)
            #expect(try await server.send(.GET, "/api/v1/search?q=x&limit=99").status == .badRequest)
            let page = try await server.send(.GET, "/search?q=%3Cscript%3Egear")
            #expect(page.text.contains("id=\"search-results\""))
            #expect(page.text.contains("id=\"search-input\" name=\"q\" type=\"search\" value=\"&lt;script&gt;gear\""),
                    "the query stays in the header's box, escaped")
            // Snippets are clean text with the query's words marked.
            let pid = try await server.send(.GET, "/search?q=proportional%20gain")
            #expect(pid.text.contains("<mark>"))
            for part in pid.text.components(separatedBy: "<p class=\"snippet\">").dropFirst() {
                let text = part.components(separatedBy: "</p>")[0]
                #expect(!text.contains("\\") && !text.contains("$") && !text.hasPrefix("- ") && !text.contains("**"), "\(text)")
            }
        }
    }

    @Test func assetsAreServedWithETagsAndTheWidgetCrossOrigin() async throws {
        try await withServer(.sqlite) { server in
            let css = try await server.send(.GET, "/assets/site.css")
            #expect(css.status == .ok)
            #expect(css.headers.first(name: .contentType) == "text/css; charset=utf-8")
            let etag = try #require(css.headers.first(name: .eTag))
            let again = try await server.send(.GET, "/assets/site.css", headers: [("If-None-Match", etag)])
            #expect(again.status == .notModified)
            let widget = try await server.send(.GET, "/widget.js")
            #expect(widget.status == .ok)
            #expect(widget.headers.first(name: .contentType) == "text/javascript; charset=utf-8")
            #expect(widget.headers.first(name: "Cross-Origin-Resource-Policy") == "cross-origin")
            #expect(try await server.send(.GET, "/assets/nope.js").status == .notFound)
            let icon = try await server.send(.GET, "/favicon.svg")
            #expect(icon.status == .ok && icon.headers.first(name: .contentType) == "image/svg+xml" && icon.text.hasPrefix("<svg"))
            #expect(try await server.send(.GET, "/favicon.ico").headers.first(name: .location) == "/favicon.svg")
        }
    }
}

/// Form posts to the site need this site's origin even without a cookie (login CSRF).
@Suite struct SiteFormOriginTests {
    @Test func signInFormsFromOtherSitesAreRefused() async throws {
        try await withServer(.sqlite) { server in
            _ = try await server.signUp(email: "form@example.com")
            let body = "email=form%40example.com&password=Sturdy%23Pass1"
            for origin in ["http://evil.example", nil] as [String?] {
                var headers = [("Content-Type", "application/x-www-form-urlencoded")]
                if let origin { headers.append(("Origin", origin)) }
                let refused = try await server.send(.POST, "/signin", body: body, headers: headers)
                #expect(refused.status == .forbidden)
                #expect(refused.code == "invalid_origin")
                #expect(refused.headers[.setCookie].isEmpty)
            }
            let ok = try await server.send(.POST, "/signin", body: body, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Origin", server.baseURL)])
            #expect(ok.status == .seeOther)
            #expect(!ok.headers[.setCookie].isEmpty)
        }
    }
}

/// Docusaurus Markdown as Docusaurus shows it: callouts, tabs, details, highlighted code, MathML.
@Suite struct DocusaurusRenderingTests {
    static func html(_ markdown: String) -> String {
        PageRenderer.render(BookPage(slug: "x", title: "X", sourcePath: "x.md", position: nil, folder: [], markdown: markdown,
                                     contentHash: "h")).html
    }

    @Test func nestedListsAndCodeUnderItemsRenderAsWritten() {
        let html = Self.html("""
        1. **Driver**
           - Verify version:
             ```bash
             nvidia-smi
             ```
        2. **Toolkit**
           - Download it
        3. **Disk space**
        """)
        // The code block is a block (not inline text with its fences), and the items after
        // nested ones stay at the top level, numbered on.
        #expect(html.contains("nvidia-smi") && !html.contains("```"), "\(html)")
        #expect(html.contains(#"<ol start="2">"#) || html.contains(#"<ol start=\"2\">"#), "\(html)")
        let toolkit = try! #require(html.range(of: "Toolkit"))
        let nested = html[..<toolkit.lowerBound].components(separatedBy: "<ul>").count - html[..<toolkit.lowerBound].components(separatedBy: "</ul>").count
        #expect(nested == 0, "\(html)")  // every nested list before it is closed
        #expect(html.contains("Disk space"))
    }

    @Test func admonitionsTabsAndDetailsRenderAsComponents() {
        let html = Self.html("""
        import Tabs from '@theme/Tabs';

        :::tip Timing **matters**
        Run at *1 kHz*.
        :::

        <Tabs>
        <TabItem value="py" label="Python">

        Python text.

        </TabItem>
        <TabItem value="cpp" label="C++">

        C++ text.

        </TabItem>
        </Tabs>

        <details>
        <summary>Hints</summary>

        A hint.

        </details>
        """)
        #expect(html.contains("<div class=\"admonition admonition-tip\" role=\"note\">"))
        #expect(html.contains("<span>Timing <strong>matters</strong></span>"))
        #expect(html.contains("<em>1 kHz</em>"))
        #expect(html.contains("role=\"tablist\"") && html.contains(">Python</button>") && html.contains(">C++</button>"))
        #expect(html.contains("id=\"tabs-1-panel-0\" aria-labelledby=\"tabs-1-tab-0\" tabindex=\"0\">"), "first tab shown")
        #expect(html.contains("id=\"tabs-1-panel-1\" aria-labelledby=\"tabs-1-tab-1\" tabindex=\"0\" hidden>"), "others hidden")
        #expect(html.contains("<details class=\"details\"><summary>Hints</summary>") && html.contains("<p>A hint.</p>"))
        #expect(!html.contains(":::") && !html.contains("import Tabs") && !html.contains("&lt;TabItem"))
    }

    @Test func aRuleOpeningTheTextAfterACalloutIsARule() {
        let html = Self.html("""
        :::note
        Inside.
        :::
        ---
        - after the rule
        """)
        #expect(html.contains("<hr>") || html.contains("<hr/>") || html.contains("<hr />"), "\(html)")
        #expect(html.contains("<li>after the rule</li>"))
    }

    /// Every page of both shared books renders (they use callouts, tabs, details, rules and code).
    @Test func everyPageOfTheSharedBooksRenders() throws {
        for directory in [TestBooks.shared, TestBooks.shared.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("physical-ai-book-2/book-source/docs")] {
            let book = try BookLoader.load(directory: directory)
            #expect(book.pages.count > 5)
            for page in book.pages { #expect(!PageRenderer.render(page).html.isEmpty, "\(page.slug)") }
        }
    }

    @Test func codeBlocksAreHighlightedWithTitleLanguageLinesAndCopy() {
        let html = Self.html("""
        ```python title="talker.py" {2}
        import rclpy  # the client library
        x = "<b>"
        ```
        """)
        #expect(html.contains("<span class=\"code-title\">talker.py</span><span class=\"code-language\">Python</span>"))
        #expect(html.contains("class=\"code-copy\""))
        #expect(html.contains("<span class=\"tok-keyword\">import</span>"))
        #expect(html.contains("<span class=\"tok-comment\"># the client library</span>"))
        #expect(html.contains("<span class=\"code-line highlighted\">x = <span class=\"tok-string\">&quot;&lt;b&gt;&quot;</span></span>")
                || html.contains("<span class=\"code-line highlighted\">"), "line 2 highlighted")
        #expect(!html.contains("<b>"))
    }

    @Test func formulasAreMathMLAndUnknownTeXFallsBackToItsSource() {
        let html = Self.html("""
        The gain $K_p$ costs $5 and $6.

        $$
        u(t) = K_p e(t) + K_d \\dot{e}(t)
        $$

        $$ \\unknowncommand{x} $$

        ```math
        \\sqrt{2}
        ```
        """)
        #expect(html.contains("<msqrt>"), "a ```math fence is a display formula")
        #expect(html.contains("<math><semantics>") || html.contains("<math>"), "\(html)")
        #expect(html.contains("<div class=\"math-display\"><math display=\"block\""))
        #expect(html.contains("costs $5 and $6"), "money is not maths")
        #expect(html.contains("<code class=\"math-source\">\\unknowncommand{x}</code>"))
    }
}

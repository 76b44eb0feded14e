import FluentKit
import Foundation
import NIOConcurrencyHelpers
@testable import PrimerCore
@testable import PrimerServer
import Testing
import Vapor

/// The website in real Chromium (headless, over WebDriver): the reader's whole journey, the
/// widget on a page of another origin, CSRF from that origin, and screenshots of the main
/// pages (saved under `artifacts/screenshots/`). Runs when Chromium and chromedriver are
/// installed; `scripts/test` installs them and makes their absence a failure.
@Suite(.enabled(if: BrowserSupport.isAvailable || BrowserSupport.isRequired), .serialized)
struct BrowserTests {
    static let chapter = "/book/actuators-and-motors/servos-and-gearing"

    /// Waits for the `n`-th finished answer in the chat and returns its text.
    static func answer(_ browser: Browser, number n: Int) async throws -> String {
        try await browser.waitUntil("answer \(n) finished", timeout: .seconds(30),
                                    "document.querySelectorAll('#chat-log .msg-bot.done').length >= \(n)")
        return try await browser.execute(
            "return document.querySelectorAll('#chat-log .msg-bot.done')[\(n - 1)].querySelector('.answer').innerText") as? String ?? ""
    }

    static func ask(_ browser: Browser, _ question: String) async throws {
        if try await !browser.isDisplayed("#chat-panel") { try await browser.click("#chat-open") }
        _ = try await browser.waitFor("#chat-input")
        try await browser.type("#chat-input", question)
        try await browser.click("#chat-send")
    }

    @Test(.timeLimit(.minutes(5)))
    func aReadersJourney() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let base = server.baseURL
            try await Browser.run { browser in
                // Sign up with a background.
                try await browser.go(base + "/signup")
                _ = try await browser.waitFor("#password-rules")
                try await browser.screenshot(named: "signup-desktop-light")
                try await browser.type("#email", "journey@example.com")
                try await browser.type("#password", "Sturdy#Pass1")
                try await browser.waitUntil("password rules ticked", "document.querySelectorAll('#password-rules li.ok').length === 5")
                try await browser.click("#software_experience option[value='Beginner']")
                try await browser.click("#hardware_experience option[value='None']")
                try await browser.click("input[name='interests[]'][value='Sensors and Perception']")
                try await browser.click("#signup-submit")
                try await browser.waitUntil("signed in", "document.body.dataset.signedIn === 'true'")
                #expect(try await browser.text("#profile-link") == "journey@example.com")

                // Read a chapter.
                try await browser.go(base + Self.chapter)
                _ = try await browser.waitFor("#chapter-body h2#servo-motors")
                #expect(try await browser.exists("#sidebar a.current[href='\(Self.chapter)']"))
                try await browser.screenshot(named: "chapter-desktop-light")

                // Ask, and see a streamed, cited, personalised answer.
                try await Self.ask(browser, "What are servo motors?")
                let beginner = try await Self.answer(browser, number: 1)
                #expect(beginner.hasPrefix("A servo motor is"), "\(beginner)")
                #expect(try await browser.text("#chat-log .msg-bot.done .personalised") == "Personalised for a Beginner · interests: Sensors and Perception")
                #expect(try await browser.exists("#chat-log .msg-bot.done .sources li a"))
                try await browser.screenshot(named: "chat-desktop-light")
                try await browser.screenshot(named: "chat-beginner-desktop-light")

                // Thumbs up is recorded.
                try await browser.click("#chat-log .msg-bot.done .thumb-up")
                try await browser.waitUntil("feedback sent", "!!document.querySelector('#chat-log .msg-bot.done .thumb-up.chosen')")
                let queryID = try #require(try await browser.attribute("#chat-log .msg-bot.done", "data-query-id").flatMap(UUID.init(uuidString:)))
                #expect(try await ChatQuery.find(queryID, on: server.app.db)?.helpful == true)

                // Follow a citation to its section.
                let cite = try await browser.attribute("#chat-log .msg-bot.done a.cite", "href") ?? ""
                #expect(cite.contains("/book/") && cite.contains("#"))
                try await browser.click("#chat-log .msg-bot.done a.cite")
                try await browser.waitUntil("at the cited section", """
                    (() => { const id = decodeURIComponent(location.hash.slice(1)); const el = id && document.getElementById(id);
                    return !!el && el.getBoundingClientRect().top >= -5 && el.getBoundingClientRect().top < innerHeight })()
                    """)
                #expect(try await browser.currentURL().hasSuffix(String(cite.split(separator: "/", maxSplits: 3).last ?? "")))
                // The conversation survived the page load.
                #expect(try await browser.execute("return document.querySelectorAll('#chat-log .msg-user').length") as? Int == 1)

                // Change the profile to Advanced.
                try await browser.go(base + "/profile")
                try await browser.click("#software_experience option[value='Advanced']")
                try await browser.click("#programming_background option[value='Advanced']")
                try await browser.click("#hardware_experience option[value='Advanced']")
                try await browser.click("#profile-save")
                _ = try await browser.waitFor("#profile-saved")
                try await browser.screenshot(named: "profile-desktop-light")

                // Ask again: a different answer.
                try await browser.go(base + Self.chapter)
                try await Self.ask(browser, "What are servo motors?")
                let advanced = try await Self.answer(browser, number: 2)
                #expect(!advanced.isEmpty && advanced != beginner)
                #expect(try await browser.execute("return [...document.querySelectorAll('#chat-log .msg-bot.done .personalised')].pop().textContent") as? String
                        == "Personalised for an Advanced reader · interests: Sensors and Perception")
                // The same question for the two readers, to compare: the beginner's answer reads easier.
                #expect((ReadingGrade.of(beginner) ?? 99) < (ReadingGrade.of(advanced) ?? 0), "beginner: \(beginner)\n\nadvanced: \(advanced)")
                _ = try await browser.execute("const all = document.querySelectorAll('#chat-log .msg-bot.done'); all[all.length - 1].scrollIntoView({block: 'start'})")
                try await browser.screenshot(named: "chat-advanced-desktop-light")

                // Select text and ask about it.
                try await browser.selectText(in: "#chapter-body", matching: "quasi-direct drive")
                _ = try await browser.waitFor("#ask-selection")
                try await browser.click("#ask-selection")
                _ = try await browser.waitFor("#chat-selection")
                #expect(try await browser.text("#chat-selection-text").contains("quasi-direct drive"))
                try await Self.ask(browser, "What does this mean?")
                let fromSelection = try await Self.answer(browser, number: 3)
                #expect(fromSelection.contains("quasi-direct drive"), "\(fromSelection)")
                #expect(try await browser.isDisplayed("#chat-selection") == false, "the selection is used once")

                // Something the book never mentions: shown as "Not in the book", with the closest sections, no citations.
                try await Self.ask(browser, "How do I calibrate my stereo camera with Kalibr?")
                let refusal = try await Self.answer(browser, number: 4)
                #expect(refusal.hasPrefix("The book doesn't cover Kalibr."), "\(refusal)")
                let last = "document.querySelectorAll('#chat-log .msg-bot.done')[3]"
                #expect(try await browser.execute("return \(last).classList.contains('not-covered')") as? Bool == true)
                #expect(try await browser.execute("return \(last).querySelector('.coverage-note').textContent") as? String == "Not in the book")
                #expect(try await browser.execute("return \(last).querySelectorAll('.sources.closest li a').length") as? Int ?? 0 > 0)
                #expect(try await browser.execute("return \(last).querySelectorAll('a.cite, .personalised').length") as? Int == 0)
                try await browser.screenshot(named: "chat-not-covered-desktop-light")
                try await browser.click("#chat-close")

                // Personalise the chapter, then back to the original.
                _ = try await browser.execute("window.scrollTo(0, 0)")
                try await browser.click("#personalise-button")
                try await browser.waitUntil("chapter adapted", timeout: .seconds(30), "document.querySelector('#chapter').classList.contains('personalised')")
                #expect(try await browser.isDisplayed("#chapter-personalised"))
                #expect(try await browser.isDisplayed("#chapter-body") == false)
                #expect(try await browser.text("#chapter-personalised").contains("At a glance"))
                #expect(try await browser.text("#personalise-status").lowercased().contains("advanced"))
                try await browser.screenshot(named: "personalised-desktop-light")
                try await browser.click("#original-button")
                #expect(try await browser.isDisplayed("#chapter-body"))

                // Search.
                try await browser.type("#search-input", "gear ratio\n")
                _ = try await browser.waitFor("#search-results li a")
                try await browser.screenshot(named: "search-desktop-light")

                // Sign out.
                try await browser.click("#signout-button")
                try await browser.waitUntil("signed out", "document.body.dataset.signedIn === 'false'")
                #expect(try await browser.exists("#signup-link"))
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func screenshotsOfTheMainPagesInBothThemesAndOnAPhone() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let base = server.baseURL
            for scheme in [Browser.ColorScheme.light, .dark] {
                try await Browser.run(colorScheme: scheme) { browser in
                    try await browser.go(base + "/")
                    _ = try await browser.waitFor("#start-reading")
                    let dark = try await browser.execute("return matchMedia('(prefers-color-scheme: dark)').matches") as? Bool
                    #expect(dark == (scheme == .dark))
                    try await browser.screenshot(named: "home-desktop-\(scheme.rawValue)")
                    try await browser.go(base + Self.chapter)
                    _ = try await browser.waitFor("#chapter-body")
                    try await browser.screenshot(named: "chapter-desktop-\(scheme.rawValue)")
                    // The page background follows the theme.
                    let background = try await browser.execute("return getComputedStyle(document.body).backgroundColor") as? String ?? ""
                    let channels = background.filter { $0.isNumber || $0 == "," }.split(separator: ",").compactMap { Int($0) }
                    let brightness = channels.prefix(3).reduce(0, +)
                    #expect(scheme == .dark ? brightness < 200 : brightness > 500, "background \(background)")

                    try await browser.setWindowSize(width: 390, height: 844)
                    try await browser.go(base + Self.chapter)
                    _ = try await browser.waitFor("#chapter-body")
                    let overflow = try await browser.execute("return document.documentElement.scrollWidth > innerWidth + 1") as? Bool
                    #expect(overflow == false, "no horizontal scrolling on a phone")
                    #expect(try await browser.isDisplayed("#sidebar-toggle"))
                    try await browser.screenshot(named: "chapter-phone-\(scheme.rawValue)")
                    try await Self.ask(browser, "What is a gear ratio?")
                    _ = try await Self.answer(browser, number: 1)
                    try await browser.screenshot(named: "chat-phone-\(scheme.rawValue)")
                    try await browser.setWindowSize(width: 1280, height: 900)
                }
            }
            // The theme toggle overrides the system and persists.
            try await Browser.run(colorScheme: .light) { browser in
                try await browser.go(base + "/")
                try await browser.click("#theme-toggle")
                try await browser.waitUntil("dark theme chosen", "document.documentElement.dataset.theme === 'dark'")
                try await browser.go(base + Self.chapter)
                try await browser.waitUntil("dark theme kept", "document.documentElement.dataset.theme === 'dark'")
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func theWidgetOnAnotherOriginAnswersAndSignsInAndCrossOriginFormsAreRefused() async throws {
        try await HostSite.run { host in
          try await HostSite.run { attacker in  // same site (127.0.0.1), another port, not in CORS_ORIGINS
            try await withServer(.sqlite, configure: { $0.corsOrigins = [host.origin] }) { server in
                try await server.ingest()
                _ = try await server.signUp(email: "widget@example.com", extra: ["software_experience": "Advanced"])
                host.primerURL = server.baseURL
                attacker.primerURL = server.baseURL
                try await Browser.run { browser in
                    try await browser.go(host.origin + "/")
                    try await browser.waitUntil("widget loaded", "!!document.querySelector('primer-widget') && !!document.querySelector('primer-widget').shadowRoot")
                    // The host page's own styles are untouched and do not reach into the widget.
                    let hostButton = try await browser.execute("return getComputedStyle(document.querySelector('#host-button')).backgroundColor") as? String
                    #expect(hostButton == "rgb(255, 0, 0)")
                    let widgetButton = try await browser.execute("return " + HostSite.inWidget("return getComputedStyle(w.querySelector('#pw-open')).backgroundColor")) as? String
                    #expect(widgetButton != "rgb(255, 0, 0)")

                    // Ask signed out.
                    _ = try await browser.execute("return " + HostSite.inWidget("w.querySelector('#pw-open').click()"))
                    _ = try await browser.execute("return " + HostSite.inWidget(HostSite.fill("#pw-input", "What is a gear ratio?") + "w.querySelector('#pw-send').click()"))
                    try await browser.waitUntil("widget answer", timeout: .seconds(30), HostSite.inWidget("return w.querySelectorAll('.pw-msg.pw-bot.done').length === 1"))
                    let cite = try await browser.execute("return " + HostSite.inWidget("return w.querySelector('.pw-bot.done a.pw-cite').href")) as? String ?? ""
                    #expect(cite.hasPrefix(server.baseURL + "/book/"))
                    #expect(try await browser.execute("return " + HostSite.inWidget("return w.querySelector('.pw-bot.done .pw-personalised').textContent")) as? String == "General answer")

                    // Sign in inside the widget, then ask: personalised.
                    _ = try await browser.execute("return " + HostSite.inWidget("w.querySelector('#pw-signin-toggle').click()"))
                    _ = try await browser.execute("return " + HostSite.inWidget(HostSite.fill("#pw-email", "widget@example.com") + HostSite.fill("#pw-password", "Sturdy#Pass1")
                                                                    + "w.querySelector('#pw-signin-submit').click()"))
                    try await browser.waitUntil("signed in to the widget", HostSite.inWidget("const u = w.querySelector('#pw-user'); return !!u && !u.hidden && u.textContent.includes('widget@example.com')"))
                    _ = try await browser.execute("return " + HostSite.inWidget(HostSite.fill("#pw-input", "What is a gear ratio?") + "w.querySelector('#pw-send').click()"))
                    try await browser.waitUntil("second widget answer", timeout: .seconds(30), HostSite.inWidget("return w.querySelectorAll('.pw-msg.pw-bot.done').length === 2"))
                    let personalised = try await browser.execute("return " + HostSite.inWidget("const all = w.querySelectorAll('.pw-bot.done .pw-personalised'); return all[all.length - 1].textContent")) as? String
                    #expect(personalised == "Personalised for an Advanced reader", "\(personalised ?? "")")
                    // A question the book doesn't cover is shown as such, with the closest sections.
                    _ = try await browser.execute("return " + HostSite.inWidget(HostSite.fill("#pw-input", "Which Dynamixel servo should I buy?") + "w.querySelector('#pw-send').click()"))
                    try await browser.waitUntil("third widget answer", timeout: .seconds(30), HostSite.inWidget("return w.querySelectorAll('.pw-msg.pw-bot.done').length === 3"))
                    let refusal = try await browser.execute("return " + HostSite.inWidget(
                        "const all = w.querySelectorAll('.pw-bot.done'); const m = all[all.length - 1]; "
                        + "return [m.classList.contains('pw-not-covered'), m.querySelector('.pw-coverage').textContent, m.querySelectorAll('.pw-closest li a').length, m.querySelectorAll('a.pw-cite').length]")) as? [Any]
                    #expect(refusal?[0] as? Bool == true)
                    #expect(refusal?[1] as? String == "Not in the book")
                    #expect((refusal?[2] as? Int ?? 0) > 0)
                    #expect(refusal?[3] as? Int == 0)
                    try await browser.screenshot(named: "widget-desktop-light")

                    // Sign in on Primer's own site (cookie), then a form on the other origin posts to Primer: refused.
                    try await browser.go(server.baseURL + "/signin")
                    try await browser.type("#email", "widget@example.com")
                    try await browser.type("#password", "Sturdy#Pass1")
                    try await browser.click("#signin-submit")
                    try await browser.waitUntil("signed in on the site", "document.body.dataset.signedIn === 'true'")
                    try await browser.go(attacker.origin + "/attack")
                    try await browser.click("#attack-submit")
                    try await browser.waitUntil("the cross-origin post answered", "document.body.innerText.includes('invalid_origin')")
                    try await browser.go(server.baseURL + "/")
                    try await browser.waitUntil("page loaded", "document.readyState === 'complete'")
                    #expect(try await browser.execute("return document.body.dataset.signedIn") as? String == "true", "still signed in")
                }
            }
          }
        }
    }
}

/// A page on another origin (its own port) that embeds the widget and holds a cross-site form.
final class HostSite: @unchecked Sendable {
    let origin: String
    private let primer = NIOLockedValueBox("")
    var primerURL: String {
        get { primer.withLockedValue { $0 } }
        set { primer.withLockedValue { $0 = newValue } }
    }

    private init(origin: String) {
        self.origin = origin
    }

    /// A JavaScript expression running `body` with `w` bound to the widget's shadow root
    /// (for `waitUntil`; prefix `return ` for `execute`).
    static func inWidget(_ body: String) -> String {
        "(() => { const w = document.querySelector('primer-widget').shadowRoot; \(body) })()"
    }

    /// JavaScript that types `value` into the widget field `css` as a person would (input event).
    static func fill(_ css: String, _ value: String) -> String {
        let quoted = String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
        return "{ const f = w.querySelector('\(css)'); f.value = \(quoted); f.dispatchEvent(new Event('input', {bubbles: true})); } "
    }

    static func run(_ body: (HostSite) async throws -> Void) async throws {
        var site: HostSite?
        try await withLocalApp({ app in
            app.get { _ -> Response in
                let primer = site?.primerURL ?? ""
                return Self.html("""
                    <!doctype html><html><head><title>Host docs</title><link rel="stylesheet" href="/host.css"></head>
                    <body><h1>Some other documentation site</h1><button id="host-button">Host button</button>
                    <script src="\(primer)/widget.js" data-primer-url="\(primer)" defer></script></body></html>
                    """)
            }
            app.get("host.css") { _ in
                Response(headers: ["Content-Type": "text/css"], body: "button { background: rgb(255, 0, 0) !important; color: white; } * { font-family: serif; }")
            }
            app.get("attack") { _ -> Response in
                let primer = site?.primerURL ?? ""
                return Self.html("""
                    <!doctype html><html><body><form method="post" action="\(primer)/signout"><button id="attack-submit">Win a prize</button></form></body></html>
                    """)
            }
        }) { origin in
            let host = HostSite(origin: origin)
            site = host
            try await body(host)
        }
    }

    static func html(_ text: String) -> Response {
        Response(headers: ["Content-Type": "text/html; charset=utf-8"], body: .init(string: text))
    }
}

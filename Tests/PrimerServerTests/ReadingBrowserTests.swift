import Foundation
@testable import PrimerServer
import Testing

/// The reading experience in real Chromium: MathML, callouts, highlighted code with a working
/// copy button, tabs, the keyboard-only search dialog, starter questions, the skip link, and
/// axe-core on every kind of page. Screenshots go to `artifacts/screenshots/`.
@Suite(.enabled(if: BrowserSupport.isAvailable || BrowserSupport.isRequired), .serialized)
struct ReadingBrowserTests {
    static let maths = "/book/kinematics-and-control/pid-control"
    static let code = "/book/software-for-robots/ros2-basics"

    /// Scrolls the first `css` match to the top of the viewport (below the sticky header).
    static func scroll(_ browser: Browser, to css: String) async throws {
        _ = try await browser.execute("""
            const el = document.querySelector(arguments[0]); window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 90);
            """, [css])
    }

    @Test(.timeLimit(.minutes(5)))
    func mathsCalloutsCodeAndTabs() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let base = server.baseURL
            try await Browser.run { browser in
                // Maths: MathML laid out by the browser, no TeX left in the text.
                try await browser.go(base + Self.maths)
                _ = try await browser.waitFor(".math-display math")
                let height = try await browser.execute("return document.querySelector('.math-display math').getBoundingClientRect().height") as? Double ?? 0
                #expect(height > 15, "display maths laid out (height \(height))")
                #expect(try await browser.execute("return document.querySelectorAll('#chapter-body math msub, #chapter-body math mover').length") as? Int ?? 0 > 3)
                let text = try await browser.text("#chapter-body")
                for tex in ["\\frac", "\\dot", "\\Delta", "$$", "K_p"] { #expect(!text.contains(tex), "raw TeX \(tex) on the page") }
                try await Self.scroll(browser, to: ".math-display")
                try await browser.screenshot(named: "maths-desktop-light")
                // "On this page" follows scrolling.
                try await Self.scroll(browser, to: "#tuning-the-gains")
                try await browser.waitUntil("scroll-spy", "document.querySelector('.page-toc a.active')?.getAttribute('href') === '#tuning-the-gains'")
                #expect(try await browser.execute("return document.querySelectorAll('.page-toc a.active').length") as? Int == 1)

                // A callout, highlighted code, its copy button, tabs and details.
                try await browser.go(base + Self.code)
                _ = try await browser.waitFor(".admonition-tip")
                #expect(try await browser.execute("return document.querySelector('.admonition-tip .admonition-title').textContent") as? String == "Useful companions")
                #expect(try await browser.exists(".admonition-tip svg.admonition-icon"))
                let colours = try await browser.execute("""
                    const k = document.querySelector('.code-block .tok-keyword'), pre = k.closest('pre');
                    return [getComputedStyle(k).color, getComputedStyle(pre).color];
                    """) as? [String] ?? []
                #expect(colours.count == 2 && colours[0] != colours[1], "keywords are coloured: \(colours)")
                #expect(try await browser.text(".code-block .code-title") == "battery_publisher.py")
                #expect(try await browser.execute("return document.querySelectorAll('.code-line.highlighted').length") as? Int == 2)
                try await browser.grant("clipboard-read")
                try await browser.grant("clipboard-write")
                try await browser.click(".code-block .code-copy")
                try await browser.waitUntil("copied", "document.querySelector('.code-block .code-copy').textContent === 'Copied'")
                let copied = try await browser.execute("return navigator.clipboard.readText()") as? String ?? ""
                #expect(copied.hasPrefix("import rclpy\nfrom rclpy.node import Node"), "\(copied.prefix(80))")
                #expect(copied.contains("self.publisher = self.create_publisher(Float64, 'battery_voltage', 10)"))
                #expect(!copied.contains("Copy"))

                #expect(try await browser.isDisplayed("#tabs-1-panel-0"))
                #expect(try await !browser.isDisplayed("#tabs-1-panel-1"))
                try await browser.click("#tabs-1-tab-1")
                #expect(try await browser.isDisplayed("#tabs-1-panel-1"))
                #expect(try await !browser.isDisplayed("#tabs-1-panel-0"))
                #expect(try await browser.attribute("#tabs-1-tab-1", "aria-selected") == "true")
                try await browser.press(["\u{E012}"])  // ← back to Python, by keyboard
                #expect(try await browser.isDisplayed("#tabs-1-panel-0"))
                try await Self.scroll(browser, to: ".tabs")
                try await browser.screenshot(named: "callouts-code-desktop-light")
                try await Self.scroll(browser, to: ".admonition-tip")
                try await browser.screenshot(named: "callout-desktop-light")
                try await browser.click("details.details > summary")
                #expect(try await browser.execute("return document.querySelector('details.details').open") as? Bool == true)

                // Dark theme and phone.
                try await browser.setColorScheme(.dark)
                try await Self.scroll(browser, to: ".tabs")
                try await browser.screenshot(named: "callouts-code-desktop-dark")
                try await Self.scroll(browser, to: ".admonition-tip")
                try await browser.screenshot(named: "callout-desktop-dark")
                try await browser.go(base + Self.maths)
                try await Self.scroll(browser, to: ".math-display")
                try await browser.screenshot(named: "maths-desktop-dark")
                try await browser.setWindowSize(width: 390, height: 844)
                try await browser.go(base + Self.maths)  // a fresh load: no drawer caught mid-transition
                try await Self.scroll(browser, to: ".math-display")
                try await browser.screenshot(named: "maths-phone-dark")
                try await browser.go(base + Self.code)
                try await Self.scroll(browser, to: ".tabs")
                try await browser.screenshot(named: "callouts-code-phone-dark")
                try await browser.setColorScheme(.light)
                try await browser.go(base + Self.code)
                try await Self.scroll(browser, to: ".tabs")
                try await browser.screenshot(named: "callouts-code-phone-light")
                // The open drawer is never covered by the "Ask the book" button.
                try await browser.click("#sidebar-toggle")
                try await browser.waitUntil("drawer open", "document.querySelector('#sidebar').classList.contains('open')")
                #expect(try await !browser.isDisplayed("#chat-open"))
                try await browser.click("#sidebar-toggle")
                try await browser.go(base + Self.maths)
                try await Self.scroll(browser, to: ".math-display")
                try await browser.screenshot(named: "maths-phone-light")
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func searchByKeyboardStartersAndSkipLink() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let base = server.baseURL
            try await Browser.run { browser in
                // The skip link is the first Tab stop and moves focus to the content.
                try await browser.go(base + Self.code)
                _ = try await browser.waitFor("#chapter-body")
                try await browser.press(["\u{E004}"])
                #expect(try await browser.execute("return document.activeElement.className") as? String == "skip-link")
                #expect(try await browser.execute("return document.activeElement.getBoundingClientRect().top >= 0") as? Bool == true)
                try await browser.press(["\u{E007}"])
                #expect(try await browser.execute("return document.activeElement.id") as? String == "content")

                // "/" opens the search dialog; results as you type, ↓ and Enter open one.
                try await browser.press(["/"])
                try await browser.waitUntil("search dialog open", "document.querySelector('#search-dialog').open")
                try await browser.press("gear ratio".map(String.init))
                try await browser.waitUntil("results as you type", "document.querySelectorAll('#search-dialog-results li').length > 2")
                #expect(try await browser.execute("return document.querySelector('#search-dialog-results .hit-snippet mark').textContent.toLowerCase()") as? String == "gear")
                let path = try await browser.text("#search-dialog-results li:first-child .hit-path")
                #expect(path.contains("›") || !path.isEmpty)
                try await browser.screenshot(named: "search-dialog-desktop-light")
                try await browser.setColorScheme(.dark)
                try await browser.screenshot(named: "search-dialog-desktop-dark")
                try await browser.setColorScheme(.light)
                try await browser.press(["\u{E015}"])  // ↓: the second result
                let second = try await browser.execute("return document.querySelectorAll('#search-dialog-results li > a')[1].getAttribute('href')") as? String ?? ""
                #expect(try await browser.attribute("#search-dialog-results li:nth-child(2)", "class") == "active")
                try await browser.press(["\u{E007}"])
                try await browser.waitUntil("went to the result", "location.pathname + location.hash === '\(second)'")

                // Ctrl+K opens it too; Escape closes it.
                try await browser.press(["k"], holding: "\u{E009}")
                try await browser.waitUntil("dialog open again", "document.querySelector('#search-dialog').open")
                try await browser.press(["\u{E00C}"])
                try await browser.waitUntil("dialog closed", "!document.querySelector('#search-dialog').open")

                // The results page keeps the query in the header box; snippets are clean text.
                try await browser.go(base + "/search?q=proportional%20gain")
                #expect(try await browser.property("#search-input", "value") as? String == "proportional gain")
                let snippets = try await browser.text("#search-results")
                #expect(!snippets.contains("\\") && !snippets.contains("$") && !snippets.contains("**"))

                // An empty chat offers three questions about the page; a click asks one.
                try await browser.go(base + Self.code)
                try await browser.click("#chat-open")
                _ = try await browser.waitFor("#chat-starters .starter")
                #expect(try await browser.execute("return document.querySelectorAll('#chat-starters .starter').length") as? Int == 3)
                let starter = try await browser.text("#chat-starters li:first-child .starter")
                try await browser.screenshot(named: "chat-starters-desktop-light")
                try await browser.click("#chat-starters li:first-child .starter")
                let answer = try await BrowserTests.answer(browser, number: 1)
                #expect(!answer.isEmpty)
                #expect(try await browser.text("#chat-log .msg-user") == starter)
                #expect(try await browser.isDisplayed("#chat-starters") == false)
                // Docked beside the text on a wide screen: the chat and the article do not overlap.
                let overlap = try await browser.execute("""
                    const a = document.querySelector('#chapter').getBoundingClientRect(), c = document.querySelector('#chat-panel').getBoundingClientRect();
                    return a.right > c.left;
                    """) as? Bool
                #expect(overlap == false)
                try await browser.screenshot(named: "chat-docked-desktop-light")

                // The search dialog on a phone, both themes.
                try await browser.setWindowSize(width: 390, height: 844)
                try await browser.go(base + "/")
                _ = try await browser.waitFor("#search-input")
                try await browser.press(["/"])
                try await browser.press("servo".map(String.init))
                try await browser.waitUntil("phone results", "document.querySelectorAll('#search-dialog-results li').length > 2")
                try await browser.screenshot(named: "search-dialog-phone-light")
                try await browser.setColorScheme(.dark)
                try await browser.screenshot(named: "search-dialog-phone-dark")
            }
        }
    }

    @Test(.timeLimit(.minutes(6)))
    func pagesHaveNoSeriousAccessibilityViolations() async throws {
        try await withServer(.sqlite) { server in
            try await server.ingest()
            let base = server.baseURL
            try await Browser.run { browser in
                var report: [String: [String]] = [:]
                func check(_ name: String) async throws {
                    for scheme in [Browser.ColorScheme.light, .dark] {
                        try await browser.setColorScheme(scheme)
                        report["\(name) (\(scheme))"] = try await browser.seriousAccessibilityViolations()
                    }
                }
                try await browser.go(base + "/"); try await check("home")
                try await browser.go(base + Self.maths); try await check("chapter")
                try await browser.go(base + "/search?q=servo"); try await check("search")
                try await browser.go(base + "/widget"); try await check("widget page")
                try await browser.go(base + "/signup"); try await check("sign-up")
                let signedOutHeader = try await browser.execute("return document.querySelector('.topbar').getBoundingClientRect().height") as? Double

                try await browser.type("#email", "axe@example.com")
                try await browser.type("#password", "Sturdy#Pass1")
                try await browser.click("input[name='interests[]']")
                try await browser.click("#signup-submit")
                try await browser.waitUntil("signed in", "document.body.dataset.signedIn === 'true'")
                #expect(try await browser.exists("#welcome"))
                let signedInHeader = try await browser.execute("return document.querySelector('.topbar').getBoundingClientRect().height") as? Double
                #expect(signedInHeader == signedOutHeader, "the header keeps its height: \(String(describing: signedInHeader)) vs \(String(describing: signedOutHeader))")
                try await browser.screenshot(named: "welcome-desktop-light")
                try await check("welcome")
                try await browser.go(base + "/profile"); try await check("profile")
                try await browser.go(base + BrowserTests.chapter)
                try await browser.click("#personalise-button")
                try await browser.waitUntil("personalised", timeout: .seconds(30), "document.querySelector('#chapter.personalised') !== null")
                try await check("personalised chapter")
                try await BrowserTests.ask(browser, "What are servo motors?")
                _ = try await BrowserTests.answer(browser, number: 1)
                try await check("chat")
                try await browser.click("#chat-close")
                try await browser.press(["/"])
                try await browser.press("servo".map(String.init))
                try await browser.waitUntil("results", "document.querySelectorAll('#search-dialog-results li').length > 1")
                try await check("search dialog")
                for (page, violations) in report.sorted(by: { $0.key < $1.key }) {
                    #expect(violations.isEmpty, "\(page): \(violations.joined(separator: "; "))")
                }
                #expect(report.count == 20)
            }
        }
    }
}

import Foundation
@testable import PrimerCore
@testable import PrimerServer
import Testing
import Vapor

/// The widget in real Chromium: on a host page whose origin is not in `CORS_ORIGINS` it names
/// the origin to add; on an allowed one it answers with citations linking to the book; the
/// shared chat core renders alike in a page and in the widget's shadow root; and `/widget`
/// shows course authors the snippet, the allowed origins and a working preview (screenshots
/// `widget-page-*` in both themes, desktop and phone). Host pages come from `HostSite`.
@Suite(.enabled(if: BrowserSupport.isAvailable || BrowserSupport.isRequired), .serialized)
struct WidgetBrowserTests {
    static let widgetLoaded = "!!document.querySelector('primer-widget') && !!document.querySelector('primer-widget').shadowRoot"

    /// Opens the widget's panel if needed and asks `question`.
    static func ask(_ browser: Browser, _ question: String) async throws {
        _ = try await browser.execute("return " + HostSite.inWidget("if (w.querySelector('#pw-panel').hidden) w.querySelector('#pw-open').click()"))
        _ = try await browser.execute("return " + HostSite.inWidget(HostSite.fill("#pw-input", question) + "w.querySelector('#pw-send').click()"))
    }

    /// Waits for the `n`-th finished answer in the widget.
    static func waitForAnswer(_ browser: Browser, number n: Int) async throws {
        try await browser.waitUntil("widget answer \(n)", timeout: .seconds(30), HostSite.inWidget("return w.querySelectorAll('.pw-msg.pw-bot.done').length >= \(n)"))
    }

    @Test(.timeLimit(.minutes(5)))
    func onAnOriginThatIsNotAllowedTheWidgetNamesTheOriginToAdd() async throws {
        try await HostSite.run { host in
            try await withServer(.sqlite, configure: { $0.corsOrigins = ["https://docs.example.org"] }) { server in
                host.primerURL = server.baseURL
                let expected = "This site isn't allowed to use this Primer server: add \(host.origin) to CORS_ORIGINS"
                try await Browser.run { browser in
                    try await browser.go(host.origin + "/")
                    try await browser.waitUntil("widget loaded", Self.widgetLoaded)
                    try await Self.ask(browser, "What is a gear ratio?")
                    try await Self.waitForAnswer(browser, number: 1)
                    let error = try await browser.execute("return " + HostSite.inWidget("const e = w.querySelector('.pw-bot.done .pw-error'); return e ? e.textContent : ''")) as? String
                    #expect(error == expected)
                    #expect(try await browser.execute("return " + HostSite.inWidget("return w.querySelectorAll('.pw-bot.done .pw-answer').length")) as? Int == 0,
                            "no empty answer box above the message")
                    try await browser.screenshot(named: "widget-not-allowed-desktop-light")

                    // Signing in says the same, not "could not reach".
                    _ = try await browser.execute("return " + HostSite.inWidget("w.querySelector('#pw-signin-toggle').click()"))
                    _ = try await browser.execute("return " + HostSite.inWidget(HostSite.fill("#pw-email", "someone@example.com")
                                                                                + HostSite.fill("#pw-password", "Sturdy#Pass1") + "w.querySelector('#pw-signin-submit').click()"))
                    try await browser.waitUntil("sign-in refused", HostSite.inWidget("const e = w.querySelector('#pw-signin-error'); return !!e && !e.hidden"))
                    #expect(try await browser.execute("return " + HostSite.inWidget("return w.querySelector('#pw-signin-error').textContent")) as? String == expected)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func onAnAllowedOriginTheWidgetAnswersWithCitationsToTheBook() async throws {
        try await HostSite.run { host in
            try await withServer(.sqlite, configure: { $0.corsOrigins = [host.origin] }) { server in
                try await server.ingest()
                host.primerURL = server.baseURL
                try await Browser.run(colorScheme: .dark) { browser in
                    try await browser.go(host.origin + "/")
                    try await browser.waitUntil("widget loaded", Self.widgetLoaded)
                    try await Self.ask(browser, "What is a gear ratio?")
                    try await Self.waitForAnswer(browser, number: 1)
                    let answer = try await browser.execute("return " + HostSite.inWidget("""
                        const m = w.querySelector('.pw-bot.done');
                        const cites = [...m.querySelectorAll('.pw-answer a.pw-cite')];
                        const sources = [...m.querySelectorAll('.pw-sources li a')].map((a) => a.href);
                        return {
                          text: m.querySelector('.pw-answer').innerText, error: !!m.querySelector('.pw-error'),
                          cites: cites.map((a) => a.href), titles: cites.map((a) => a.title), targets: cites.map((a) => a.target),
                          sources: sources, labels: [...m.querySelectorAll('.pw-sources li')].map((li) => li.textContent),
                          personalised: m.querySelector('.pw-personalised').textContent
                        };
                        """)) as? [String: Any] ?? [:]
                    #expect(answer["error"] as? Bool == false)
                    #expect((answer["text"] as? String)?.isEmpty == false)
                    let cites = answer["cites"] as? [String] ?? []
                    let sources = answer["sources"] as? [String] ?? []
                    #expect(!cites.isEmpty, "\(answer)")
                    for cite in cites {
                        #expect(cite.hasPrefix(server.baseURL + "/book/") && cite.contains("#"), "\(cite)")
                        #expect(sources.contains(cite), "a citation links to one of the listed sources: \(cite) in \(sources)")
                    }
                    #expect((answer["targets"] as? [String] ?? []).allSatisfy { $0 == "_blank" })
                    #expect((answer["titles"] as? [String] ?? []).allSatisfy { !$0.isEmpty })
                    #expect((answer["labels"] as? [String] ?? []).allSatisfy { !$0.isEmpty && $0 != "Source" })
                    #expect(answer["personalised"] as? String == "General answer")
                    try await browser.screenshot(named: "widget-allowed-desktop-dark")
                }
            }
        }
    }

    /// Runs the shared core in the page (`where`: `document.body`) or in the widget's shadow
    /// root and returns what it made of an answer with CR line ends, an ordered list, a
    /// citation, inline markup and a fence still open, and of an event stream split between
    /// the CR and LF of a line end; and that a citation cut between deltas is held back.
    static func coreProbe(in container: String) -> String {
        """
        return (async () => {
          const C = window.PrimerChatCore;
          const box = document.createElement('div');
          \(container).appendChild(box);
          const sources = [{ page_url: '/book/gears#ratio', page_title: 'Gears', section: 'Gear ratio' }];
          C.renderAnswer(box, 'Steps:\\r\\n1. Count the teeth [1]\\r\\n2. Divide\\r\\rThen `x` is $a^2$ and **bold**.\\n\\n```\\nopen fence', sources,
                         { base: 'https://primer.example', newTab: true, citeClass: 'pw-cite' });
          const cite = box.querySelector('a.pw-cite');
          // While streaming, a citation cut between two deltas ("[1" … "2]") is held back, not shown half.
          const partial = document.createElement('div');
          C.renderAnswer(partial, 'Geared down [1', sources, { streaming: true });
          const encoder = new TextEncoder();
          const parts = ['event: delta\\r', '\\ndata: {"text":"a"}\\r', '\\r: keep-alive\\r\\revent: done\\rdata: {"answer":"a"}\\r\\r'];
          const body = new ReadableStream({ start(c) { parts.forEach((p) => c.enqueue(encoder.encode(p))); c.close(); } });
          const events = [];
          await C.readStream(new Response(body), (name, data) => events.push(name + ':' + JSON.stringify(data)));
          box.remove();
          return {
            blocks: [...box.children].map((n) => n.tagName.toLowerCase()).join(','),
            items: box.querySelectorAll('ol > li').length,
            cite: cite ? cite.href + ' ' + cite.title + ' ' + cite.target : '',
            inline: [...box.querySelectorAll('p code, p strong')].map((n) => n.tagName.toLowerCase() + '.' + n.className).join(','),
            fence: box.querySelector('pre code') ? box.querySelector('pre code').textContent : '',
            partial: partial.textContent,
            label: C.sourceLabel(sources[0]) + ' | ' + C.personalisedLabel({ level: 'Advanced', interests: ['drones'] }),
            events: events.join(' ')
          };
        })()
        """
    }

    @Test(.timeLimit(.minutes(5)))
    func theSharedCoreWorksAloneInThePageAndInTheWidgetsShadowRoot() async throws {
        try await HostSite.run { host in
            try await withServer(.sqlite) { server in
                host.primerURL = server.baseURL
                try await Browser.run { browser in
                    var results: [[String: Any]] = []
                    try await browser.go(server.baseURL + "/")  // the site: chat-core.js then site.js
                    try await browser.waitUntil("core loaded", "!!window.PrimerChatCore")
                    results.append(try await browser.execute(Self.coreProbe(in: "document.body")) as? [String: Any] ?? [:])
                    try await browser.go(host.origin + "/")  // the widget: one /widget.js
                    try await browser.waitUntil("widget loaded", Self.widgetLoaded)
                    results.append(try await browser.execute(Self.coreProbe(in: "document.querySelector('primer-widget').shadowRoot")) as? [String: Any] ?? [:])
                    for result in results {
                        #expect(result["blocks"] as? String == "p,ol,p,pre", "\(result)")
                        #expect(result["items"] as? Int == 2)
                        #expect(result["cite"] as? String == "https://primer.example/book/gears#ratio Gears › Gear ratio _blank")
                        #expect(result["inline"] as? String == "code.,code.math,strong.")
                        #expect(result["fence"] as? String == "open fence")
                        #expect(result["partial"] as? String == "Geared down ")
                        #expect(result["label"] as? String == "Gears › Gear ratio | Personalised for an Advanced reader · interests: drones")
                        #expect(result["events"] as? String == #"delta:{"text":"a"} done:{"answer":"a"}"#)
                    }
                    // Nothing but the namespace is added to the page.
                    #expect(try await browser.execute("return Object.isFrozen(window.PrimerChatCore) && typeof window.readStream === 'undefined' && typeof window.renderAnswer === 'undefined'") as? Bool == true)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(8)))
    func theWidgetPageShowsTheSnippetTheAllowedOriginsAndALivePreview() async throws {
        try await withServer(.sqlite, configure: { $0.corsOrigins = ["https://docs.example.org", "https://course.example.edu"] }) { server in
            try await server.ingest()
            let snippet = "<script src=\"\(server.baseURL)/widget.js\" data-primer-url=\"\(server.baseURL)\" defer></script>"
            for scheme in [Browser.ColorScheme.light, .dark] {
                try await Browser.run(colorScheme: scheme) { browser in
                    try await browser.go(server.baseURL + "/widget")
                    try await browser.waitUntil("preview loaded", "!!document.querySelector('#widget-preview primer-widget') && !!document.querySelector('#widget-preview primer-widget').shadowRoot")
                    #expect(try await browser.execute("return document.querySelector('#widget-snippet pre code').innerText") as? String == snippet)
                    #expect(try await browser.execute("return [...document.querySelectorAll('#widget-origins li')].map((li) => li.textContent)") as? [String]
                            == ["https://docs.example.org", "https://course.example.edu"])
                    // The preview is this page's chat: open, inside its box; the site's own chat is off.
                    #expect(try await browser.isDisplayed("#chat-open") == false)
                    try await browser.waitUntil("preview open", HostSite.inWidget("return !w.querySelector('#pw-panel').hidden"))
                    let inside = try await browser.execute("""
                        const box = document.querySelector('#widget-preview').getBoundingClientRect();
                        const panel = document.querySelector('primer-widget').shadowRoot.querySelector('#pw-panel').getBoundingClientRect();
                        const button = document.querySelector('primer-widget').shadowRoot.querySelector('#pw-open').getBoundingClientRect();
                        return [panel, button].every((r) => r.top >= box.top && r.bottom <= box.bottom && r.left >= box.left && r.right <= box.right);
                        """) as? Bool
                    #expect(inside == true, "the widget stays inside the preview box")
                    #expect(try await browser.execute("return document.activeElement === document.body || document.activeElement === null") as? Bool == true,
                            "opening the preview does not steal the focus")
                    try await browser.screenshot(named: "widget-page-desktop-\(scheme.rawValue)")

                    if scheme == .light {
                        try await browser.click("#widget-snippet-copy")
                        try await browser.waitUntil("copied", "document.querySelector('#widget-snippet-copy').textContent === 'Copied'")
                        let copied = try await browser.execute("return navigator.clipboard.readText().catch(() => null)") as? String
                        if let copied { #expect(copied == snippet) }
                    }

                    // The preview answers, same-origin.
                    try await Self.ask(browser, "What is a gear ratio?")
                    try await Self.waitForAnswer(browser, number: 1)
                    #expect(try await browser.execute("return " + HostSite.inWidget("return w.querySelectorAll('.pw-bot.done a.pw-cite').length")) as? Int ?? 0 > 0)
                    _ = try await browser.execute("document.querySelector('#widget-preview').scrollIntoView({block: 'start'})")
                    try await browser.screenshot(named: "widget-page-preview-desktop-\(scheme.rawValue)")

                    try await browser.setWindowSize(width: 390, height: 844)
                    try await browser.go(server.baseURL + "/widget")
                    try await browser.waitUntil("preview loaded", "!!document.querySelector('#widget-preview primer-widget')")
                    let overflow = try await browser.execute("return document.documentElement.scrollWidth > innerWidth + 1") as? Bool
                    #expect(overflow == false, "no horizontal scrolling on a phone")
                    try await browser.screenshot(named: "widget-page-phone-\(scheme.rawValue)")
                    _ = try await browser.execute("document.querySelector('#widget-preview').scrollIntoView({block: 'end'})")
                    try await browser.screenshot(named: "widget-page-preview-phone-\(scheme.rawValue)")
                }
            }
        }
    }
}

import Foundation
import Testing
import Vapor

/// Proves the WebDriver client (`Browser`) against a tiny local page, in real headless Chromium.
/// Runs when Chromium and chromedriver are installed, and must run when `PRIMER_REQUIRE_BROWSER=1`.
@Suite(.enabled(if: BrowserSupport.isAvailable || BrowserSupport.isRequired))
struct BrowserSupportTests {
    @Test func browserIsInstalledWhenRequired() {
        #expect(BrowserSupport.isAvailable, """
            PRIMER_REQUIRE_BROWSER=1 but chromium/chromedriver were not found \
            (chromium: \(BrowserSupport.chromiumPath ?? "missing"), chromedriver: \(BrowserSupport.chromedriverPath ?? "missing")); \
            run scripts/test, which installs the Debian chromium and chromium-driver packages
            """)
    }

    @Test func typesClicksAndWaits() async throws {
        try await withPage { base, browser in
            try await browser.go(base + "/")
            #expect(try await browser.title() == "Browser check")
            #expect(try await browser.currentURL() == base + "/")
            try await browser.type("#name", "Bob")
            try await browser.clear("#name")
            try await browser.type("#name", "Ada")
            #expect(try await browser.property("#name", "value") as? String == "Ada")
            #expect(try await browser.attribute("#name", "placeholder") == "Your name")
            #expect(try await browser.attribute("#name", "data-missing") == nil)

            try await browser.click("#greet")
            try await browser.waitUntil("the greeting is shown", "document.querySelector('#out').textContent === 'Hello, Ada!'")
            #expect(try await browser.text("#out") == "Hello, Ada!")
            let done = try await browser.waitFor("#done")
            #expect(try await done.text() == "done")

            #expect(try await browser.exists("#hidden"))
            #expect(try await !browser.isDisplayed("#hidden"))
            #expect(try await browser.text("#hidden") == "")  // not visible, so no visible text
            #expect(try await !browser.exists("#nope"))
            #expect(try await browser.findAll("p").count == 4)
            #expect(try await browser.execute("return arguments[0] + arguments[1];", [2, 3]) as? Int == 5)
            let out = try await browser.find("#out")
            #expect(try await browser.execute("return arguments[0].id;", [out]) as? String == "out")
        }
    }

    @Test func selectsTextAndFiresMouseup() async throws {
        try await withPage { base, browser in
            try await browser.go(base + "/")
            try await browser.selectText(in: "#passage", matching: "brown fox")
            #expect(try await browser.execute("return window.getSelection().toString();") as? String == "brown fox")
            #expect(try await browser.text("#seen") == "mouseup saw: brown fox")
            await #expect { try await browser.selectText(in: "#passage", matching: "purple cow") } throws: { error in
                "\(error)".contains("purple cow") && (error as? BrowserError)?.selector == "#passage"
            }
        }
    }

    @Test func emulatesDarkAndLightColorSchemes() async throws {
        let dark = "matchMedia('(prefers-color-scheme: dark)').matches"
        try await withPage(colorScheme: .dark) { base, browser in
            try await browser.go(base + "/")
            #expect(try await browser.execute("return \(dark);") as? Bool == true)
            #expect(try await browser.execute("return getComputedStyle(document.body).backgroundColor;") as? String == "rgb(0, 0, 0)")
            try await browser.setColorScheme(.light)
            #expect(try await browser.execute("return \(dark);") as? Bool == false)
        }
        try await withPage(colorScheme: .light) { base, browser in
            try await browser.go(base + "/")
            #expect(try await browser.execute("return \(dark);") as? Bool == false)
            #expect(try await browser.execute("return getComputedStyle(document.body).backgroundColor;") as? String == "rgb(255, 255, 255)")
        }
    }

    @Test func resizesAndSavesPNGScreenshots() async throws {
        try await withPage(width: 1024, height: 700) { base, browser in
            try await browser.go(base + "/")
            #expect(try await browser.execute("return window.innerWidth;") as? Int == 1024)
            try await browser.setWindowSize(width: 800, height: 600)
            #expect(try await browser.execute("return window.innerWidth;") as? Int == 800)
            let path = try await browser.screenshot(named: "browser-support-check")
            #expect(path.hasSuffix("/artifacts/screenshots/browser-support-check.png"))
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
    }

    @Test func failuresNameTheSelector() async throws {
        try await withPage { base, browser in
            try await browser.go(base + "/")
            await #expect { try await browser.click("#does-not-exist") } throws: { error in
                let error = error as? BrowserError
                return error?.error == "no such element" && error?.selector == "#does-not-exist"
                    && error?.description.contains("#does-not-exist") == true
            }
            await #expect { try await browser.waitFor("#hidden", timeout: .milliseconds(300)) } throws: { error in
                let error = error as? BrowserError
                return error?.error == "timeout" && error?.selector == "#hidden" && error?.screenshot != nil
            }
            await #expect { try await browser.waitUntil("pigs fly", timeout: .milliseconds(300), "window.pigsFly") } throws: { error in
                "\(error)".contains("pigs fly")
            }
        }
    }
}

/// Serves the check page on 127.0.0.1 (port 0), opens a browser, runs `body`, then tears both down.
private func withPage(
    width: Int = 1280, height: Int = 900, colorScheme: Browser.ColorScheme = .light,
    _ body: (String, Browser) async throws -> Void
) async throws {
    try await withLocalApp({ app in
        app.get { _ in serve(checkPage, type: "text/html; charset=utf-8") }
        app.get("app.js") { _ in serve(checkScript, type: "text/javascript; charset=utf-8") }
    }) { base in
        try await Browser.run(width: width, height: height, colorScheme: colorScheme) { try await body(base, $0) }
    }
}

private func serve(_ text: String, type: String) -> Response {
    Response(status: .ok, headers: ["Content-Type": type], body: .init(string: text))
}

private let checkPage = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Browser check</title>
    <style>
      body { background: rgb(255, 255, 255); }
      @media (prefers-color-scheme: dark) { body { background: rgb(0, 0, 0); } }
      #hidden { display: none; }
    </style>
    <script src="/app.js" defer></script></head>
    <body>
      <input id="name" placeholder="Your name">
      <button id="greet">Greet</button>
      <p id="out">waiting</p>
      <p id="passage">The quick brown fox jumps over the lazy dog.</p>
      <p id="seen"></p>
      <p id="hidden">secret</p>
    </body></html>
    """

// The greeting lands a little later than the click, so the test has to wait for it.
private let checkScript = """
    document.querySelector('#greet').addEventListener('click', () => {
      setTimeout(() => {
        document.querySelector('#out').textContent = 'Hello, ' + document.querySelector('#name').value + '!';
        const done = document.createElement('div');
        done.id = 'done';
        done.textContent = 'done';
        document.body.append(done);
      }, 150);
    });
    document.querySelector('#passage').addEventListener('mouseup', () => {
      document.querySelector('#seen').textContent = 'mouseup saw: ' + window.getSelection().toString();
    });
    """

import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix
import PrimerTestSupport

/// Where Chromium and chromedriver are, and whether browser tests must run (`PRIMER_REQUIRE_BROWSER=1`).
enum BrowserSupport {
    static let chromedriverPath: String? = locate(["chromedriver"], fallbacks: ["/usr/bin/chromedriver"])
    static let chromiumPath: String? = locate(
        ["chromium", "chromium-browser", "google-chrome"], fallbacks: ["/usr/bin/chromium", "/usr/lib/chromium/chromium"])
    static var isAvailable: Bool { chromedriverPath != nil && chromiumPath != nil }
    static var isRequired: Bool { TestTools.required }

    /// The directory holding `Package.swift` above this file: screenshots and logs go under `artifacts/` there.
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    private static func locate(_ names: [String], fallbacks: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = names.flatMap { name in path.split(separator: ":").map { "\($0)/\(name)" } } + fallbacks
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A failed WebDriver command or browser wait: WebDriver's `error` code and `message`, and the CSS selector involved.
struct BrowserError: Error, CustomStringConvertible {
    var error: String
    var message: String
    var selector: String? = nil
    var screenshot: String? = nil

    var description: String {
        var text = "\(error): \(message)"
        if let selector { text += " [selector: \(selector)]" }
        if let screenshot { text += " [screenshot: \(screenshot)]" }
        return text
    }
}

/// The chromedriver shared by every test in the run: started on first use, on a free loopback port,
/// logging to `artifacts/browser/chromedriver.log`, and terminated when the test process exits.
actor ChromeDriver {
    static let shared = ChromeDriver()
    private static let pid = NIOLockedValueBox<Int32>(0)
    private var started: Task<String, any Error>?

    /// `http://127.0.0.1:<port>` of the running chromedriver.
    func baseURL() async throws -> String {
        if started == nil { started = Task { try await Self.start() } }
        return try await started!.value
    }

    private static func start() async throws -> String {
        guard let driver = BrowserSupport.chromedriverPath else {
            throw BrowserError(error: "setup", message: "chromedriver not found (install Debian chromium and chromium-driver)")
        }
        let port = try await freePort()
        let logDir = BrowserSupport.packageRoot.appendingPathComponent("artifacts/browser")
        try FileManager.default.createDirectory(at: logDir, withIntermediateDirectories: true)
        let log = logDir.appendingPathComponent("chromedriver.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: driver)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        pid.withLockedValue { $0 = process.processIdentifier }
        atexit { ChromeDriver.terminate() }

        let url = "http://127.0.0.1:\(port)"
        for _ in 0..<200 {  // up to ~10 s
            if !process.isRunning { break }
            if let status = try? await WebDriverHTTP.send(.GET, url + "/status", nil) as? [String: Any],
               status["ready"] as? Bool == true {
                return url
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw BrowserError(error: "setup", message: "chromedriver at \(url) did not become ready; log \(log.path):\n\(output.suffix(2000))")
    }

    /// Kills chromedriver and, first, any browser it started that is still open (Chromium outlives chromedriver).
    /// SIGKILL, because chromedriver inherits the test process's blocked signal mask and so never sees SIGTERM.
    private static func terminate() {
        let driver = pid.withLockedValue { $0 }
        guard driver > 0 else { return }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            // /proc/<pid>/stat is "pid (name) state ppid ..."
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let fields = stat.split(separator: ")").last?.split(separator: " "), fields.count > 1,
                  Int32(fields[1]) == driver else { continue }
            kill(child, SIGKILL)
        }
        kill(driver, SIGKILL)
    }

    /// A loopback port nobody was listening on a moment ago: bind to port 0, read the port, close.
    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw BrowserError(error: "setup", message: "could not find a free port") }
        return port
    }
}

/// JSON over HTTP to chromedriver; returns the response's `value`, throws its `error`/`message`.
enum WebDriverHTTP {
    static func send(_ method: HTTPMethod, _ url: String, _ body: Any?, selector: String? = nil) async throws -> Any? {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes), options: [.fragmentsAllowed])) as? [String: Any]
        let value = json?["value"]
        if response.status.code >= 300 || json == nil {
            let details = value as? [String: Any]
            throw BrowserError(
                error: details?["error"] as? String ?? "HTTP \(response.status.code)",
                message: details?["message"] as? String ?? String(buffer: bytes).prefix(500).description,
                selector: selector)
        }
        return value is NSNull ? nil : value
    }
}

/// One headless Chromium session driven over W3C WebDriver. Elements are addressed by CSS selector.
final class Browser: Sendable {
    /// The `prefers-color-scheme` the page sees.
    enum ColorScheme: String, Sendable { case light, dark }

    /// A found element (its W3C WebDriver id) and the selector that found it.
    struct Element: Sendable {
        /// The W3C web element identifier key (WebDriver spec §12.1).
        static let key = "element-6066-11e4-a52e-4f735466cecf"
        let id: String
        let selector: String
        let browser: Browser

        func click() async throws { _ = try await browser.command(.POST, "/element/\(id)/click", [String: String](), selector) }
        func text() async throws -> String { try await browser.command(.GET, "/element/\(id)/text", nil, selector) as? String ?? "" }
        func attribute(_ name: String) async throws -> String? {
            try await browser.command(.GET, "/element/\(id)/attribute/\(name)", nil, selector) as? String
        }
    }

    let sessionURL: String

    private init(sessionURL: String) { self.sessionURL = sessionURL }

    /// Starts a headless Chromium session (the shared chromedriver starts on first use).
    static func launch(width: Int = 1280, height: Int = 900, colorScheme: ColorScheme = .light) async throws -> Browser {
        guard let chromium = BrowserSupport.chromiumPath else {
            throw BrowserError(error: "setup", message: "Chromium not found (install the Debian chromium package)")
        }
        let driver = try await ChromeDriver.shared.baseURL()
        let options: [String: Any] = [
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=\(width),\(height)", "--lang=en-US"],
        ]
        let always: [String: Any] = ["browserName": "chrome", "goog:chromeOptions": options]
        let capabilities = ["capabilities": ["alwaysMatch": always]]
        let created = try await WebDriverHTTP.send(.POST, driver + "/session", capabilities) as? [String: Any]
        guard let id = created?["sessionId"] as? String else {
            throw BrowserError(error: "session not created", message: "no sessionId in \(String(describing: created))")
        }
        let browser = Browser(sessionURL: driver + "/session/" + id)
        do {
            try await browser.setColorScheme(colorScheme)
        } catch {
            try? await browser.quit()
            throw error
        }
        return browser
    }

    /// Launches a browser, runs `body`, and quits the browser even when `body` throws.
    static func run(width: Int = 1280, height: Int = 900, colorScheme: ColorScheme = .light,
                    _ body: (Browser) async throws -> Void) async throws {
        let browser = try await launch(width: width, height: height, colorScheme: colorScheme)
        do { try await body(browser) } catch { try? await browser.quit(); throw error }
        try await browser.quit()
    }

    /// Emulates `prefers-color-scheme` through the DevTools protocol (`Emulation.setEmulatedMedia`); lasts across navigations.
    func setColorScheme(_ scheme: ColorScheme) async throws {
        let params: [String: Any] = ["features": [["name": "prefers-color-scheme", "value": scheme.rawValue]]]
        _ = try await command(.POST, "/goog/cdp/execute", ["cmd": "Emulation.setEmulatedMedia", "params": params] as [String: Any])
    }

    // MARK: Navigation and window

    func go(_ url: String) async throws { _ = try await command(.POST, "/url", ["url": url]) }
    func currentURL() async throws -> String { try await command(.GET, "/url") as? String ?? "" }
    func title() async throws -> String { try await command(.GET, "/title") as? String ?? "" }
    func setWindowSize(width: Int, height: Int) async throws {
        _ = try await command(.POST, "/window/rect", ["width": width, "height": height])
    }
    func quit() async throws { _ = try await command(.DELETE, "") }

    // MARK: Elements

    /// The first element matching `css`; throws `no such element` naming the selector.
    func find(_ css: String) async throws -> Element {
        let value = try await command(.POST, "/element", ["using": "css selector", "value": css], css)
        guard let ref = value as? [String: Any], let id = ref[Element.key] as? String else {
            throw BrowserError(error: "no such element", message: "unexpected reply \(String(describing: value))", selector: css)
        }
        return Element(id: id, selector: css, browser: self)
    }

    func findAll(_ css: String) async throws -> [Element] {
        let value = try await command(.POST, "/elements", ["using": "css selector", "value": css], css)
        return (value as? [[String: Any]] ?? []).compactMap { ($0[Element.key] as? String).map { Element(id: $0, selector: css, browser: self) } }
    }

    func exists(_ css: String) async throws -> Bool { try await !findAll(css).isEmpty }
    func click(_ css: String) async throws { try await find(css).click() }
    func type(_ css: String, _ text: String) async throws {
        let element = try await find(css)
        _ = try await command(.POST, "/element/\(element.id)/value", ["text": text], css)
    }
    func clear(_ css: String) async throws {
        let element = try await find(css)
        _ = try await command(.POST, "/element/\(element.id)/clear", [String: String](), css)
    }
    /// The element's rendered (visible) text.
    func text(_ css: String) async throws -> String { try await find(css).text() }
    func attribute(_ css: String, _ name: String) async throws -> String? { try await find(css).attribute(name) }
    func property(_ css: String, _ name: String) async throws -> Any? {
        let element = try await find(css)
        return try await command(.GET, "/element/\(element.id)/property/\(name)", nil, css)
    }
    func isDisplayed(_ css: String) async throws -> Bool {
        let element = try await find(css)
        return try await command(.GET, "/element/\(element.id)/displayed", nil, css) as? Bool ?? false
    }

    // MARK: Scripts and waits

    /// Runs `script` as a function body (`arguments[i]` are `args`; pass `Element`s for DOM nodes) and returns its JSON result.
    @discardableResult
    func execute(_ script: String, _ args: [Any] = []) async throws -> Any? {
        let wire = args.map { ($0 as? Element).map { [Element.key: $0.id] as Any } ?? $0 }
        return try await command(.POST, "/execute/sync", ["script": script, "args": wire] as [String: Any])
    }

    /// Waits until an element matching `css` is present and displayed; throws with a screenshot on timeout.
    @discardableResult
    func waitFor(_ css: String, timeout: Duration = .seconds(20)) async throws -> Element {
        let deadline = ContinuousClock.now + timeout
        var last = "not present"
        while true {
            do {
                if let element = try await findAll(css).first {
                    if try await command(.GET, "/element/\(element.id)/displayed", nil, css) as? Bool == true { return element }
                    last = "present but not displayed"
                }
            } catch let error as BrowserError where error.error == "stale element reference" {
                last = error.description
            }
            if ContinuousClock.now >= deadline {
                throw BrowserError(error: "timeout", message: "waited \(timeout) for element to be displayed (\(last))",
                                   selector: css, screenshot: try? await screenshot(named: "timeout-" + css))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Polls the JavaScript expression `jsCondition` until it is truthy; throws `description` with a screenshot on timeout.
    func waitUntil(_ description: String, timeout: Duration = .seconds(20), _ jsCondition: String) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = "condition was falsy"
        while true {
            do {
                if try await execute("return !!(\(jsCondition));") as? Bool == true { return }
            } catch let error as BrowserError where error.error == "javascript error" {
                last = error.description
            }
            if ContinuousClock.now >= deadline {
                throw BrowserError(error: "timeout", message: "waited \(timeout) until \(description): \(jsCondition) (\(last))",
                                   screenshot: try? await screenshot(named: "timeout-" + description))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Selects the first occurrence of `substring` within one text node inside `css`, then dispatches a
    /// bubbling `mouseup` on the element so selection listeners run.
    func selectText(in css: String, matching substring: String) async throws {
        let element = try await find(css)
        let found = try await execute("""
            const [element, needle] = arguments;
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const start = node.data.indexOf(needle);
              if (start < 0) continue;
              const range = document.createRange();
              range.setStart(node, start);
              range.setEnd(node, start + needle.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              const box = range.getBoundingClientRect();
              element.dispatchEvent(new MouseEvent('mouseup', {bubbles: true, clientX: box.right, clientY: box.bottom}));
              return true;
            }
            return false;
            """, [element, substring])
        guard found as? Bool == true else {
            throw BrowserError(error: "no such text", message: "no text node contains \"\(substring)\"", selector: css)
        }
    }

    /// Presses keys as a person would, to whatever has focus (WebDriver actions): `"/"`, `"\u{E015}"`
    /// (↓), `"\u{E007}"` (Enter), `"\u{E004}"` (Tab); `modifier` (e.g. `"\u{E009}"`, Control) is held throughout.
    func press(_ keys: [String], holding modifier: String? = nil) async throws {
        var actions: [[String: String]] = []
        if let modifier { actions.append(["type": "keyDown", "value": modifier]) }
        for key in keys { actions += [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]] }
        if let modifier { actions.append(["type": "keyUp", "value": modifier]) }
        _ = try await command(.POST, "/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
        _ = try await command(.DELETE, "/actions")
    }

    /// Grants a permission to the page (W3C Permissions extension), e.g. `clipboard-read`.
    func grant(_ permission: String) async throws {
        _ = try await command(.POST, "/permissions", ["descriptor": ["name": permission], "state": "granted"])
    }

    /// Runs axe-core (the copy inside PyPI's axe-selenium-python, `PRIMER_AXE_JS`, injected only
    /// in tests) on the current page and returns its critical and serious violations as
    /// "rule-id: help (targets)" lines.
    func seriousAccessibilityViolations() async throws -> [String] {
        guard let path = ProcessInfo.processInfo.environment["PRIMER_AXE_JS"],
              let source = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw BrowserError(error: "setup", message: "PRIMER_AXE_JS does not name axe.min.js (scripts/test installs it)")
        }
        _ = try await execute(source + "\n;return true;")
        let result = try await execute("""
            return axe.run(document, {resultTypes: ['violations']}).then(results =>
              results.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
                .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).slice(0, 4).join(', ') + ') — '
                  + ((v.nodes[0].any[0] || v.nodes[0].all[0] || v.nodes[0].none[0] || {}).message || '')));
            """)
        return result as? [String] ?? ["axe returned no result"]
    }

    /// Saves a PNG of the viewport to `<package root>/artifacts/screenshots/<name>.png` and returns its path.
    @discardableResult
    func screenshot(named name: String) async throws -> String {
        guard let base64 = try await command(.GET, "/screenshot") as? String, let png = Data(base64Encoded: base64) else {
            throw BrowserError(error: "screenshot", message: "no image data")
        }
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        let dir = BrowserSupport.packageRoot.appendingPathComponent("artifacts/screenshots")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent(safe + ".png")
        try png.write(to: file)
        return file.path
    }

    private func command(_ method: HTTPMethod, _ path: String, _ body: Any? = nil, _ selector: String? = nil) async throws -> Any? {
        try await WebDriverHTTP.send(method, sessionURL + path, body, selector: selector)
    }
}

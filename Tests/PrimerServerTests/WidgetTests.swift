import Foundation
@testable import PrimerCore
@testable import PrimerServer
import Testing
import Vapor

/// The widget's server side over real HTTP: a disallowed origin's preflight is refused with
/// 403 `origin_not_allowed`, `GET /api/v1/widget/origin` says whether an origin is allowed to
/// any page, `/widget.js` is the chat core followed by the widget (one asset with its own
/// ETag), and `/widget` shows course authors the snippet and the allowed origins.
@Suite struct WidgetTests {
    static let listed = "https://docs.example.org"

    @Test(arguments: TestDatabase.allCases)
    func aPreflightFromAnOriginNotAllowedIsRefusedWithItsOwnCode(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.corsOrigins = [Self.listed] }) { server in
            let refused = try await server.send(.OPTIONS, "/api/v1/query/stream", headers: [
                ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
            ])
            #expect(refused.status == .forbidden)
            #expect(refused.code == "origin_not_allowed")
            #expect(refused.json["detail"] as? String
                    == "This site isn't allowed to use this Primer server: add https://evil.example to CORS_ORIGINS")
            #expect(refused.headers.first(name: .contentType)?.hasPrefix("application/json") == true)
            #expect(!refused.headers.contains { $0.name.lowercased().hasPrefix("access-control-") }, "the browser must still block the request")

            // A listed origin's preflight is answered as before.
            let listed = try await server.send(.OPTIONS, "/api/v1/query/stream", headers: [
                ("Origin", Self.listed), ("Access-Control-Request-Method", "POST"),
            ])
            #expect(listed.status == .noContent)
            #expect(listed.headers.first(name: "Access-Control-Allow-Origin") == Self.listed)

            // Not a preflight (no Access-Control-Request-Method), or Primer's own origin: not refused here.
            let plainOptions = try await server.send(.OPTIONS, "/api/v1/book/pages/intro", headers: [("Origin", "https://evil.example")])
            #expect(plainOptions.status != .forbidden)
            let own = try await server.send(.OPTIONS, "/api/v1/query/stream", headers: [
                ("Origin", server.baseURL), ("Access-Control-Request-Method", "POST"),
            ])
            #expect(own.status != .forbidden && own.code != "origin_not_allowed")
            // The real request from the refused origin carries no CORS header either.
            let get = try await server.send(.GET, "/api/v1/book", headers: [("Origin", "https://evil.example")])
            #expect(get.status == .ok && get.headers.first(name: "Access-Control-Allow-Origin") == nil)
        }
    }

    @Test(arguments: TestDatabase.allCases)
    func theOriginEndpointTellsAnyPageWhetherItsOriginIsAllowed(db: TestDatabase) async throws {
        try await withServer(db, configure: { $0.corsOrigins = [Self.listed] }) { server in
            let allowed = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", Self.listed)])
            #expect(allowed.status == .ok)
            #expect(allowed.json["origin"] as? String == Self.listed)
            #expect(allowed.json["allowed"] as? Bool == true)
            #expect(allowed.headers.first(name: "Access-Control-Allow-Origin") == Self.listed)

            let refused = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", "https://evil.example")])
            #expect(refused.status == .ok)
            #expect(refused.json["origin"] as? String == "https://evil.example")
            #expect(refused.json["allowed"] as? Bool == false)
            #expect(refused.headers.first(name: "Access-Control-Allow-Origin") == "*", "readable by the page that is refused")
            #expect(refused.headers.first(name: "Access-Control-Allow-Credentials") == nil)
            #expect(refused.headers.first(name: .cacheControl) == "no-store")

            // No Origin header (not a cross-origin browser request): origin is null, nothing to refuse.
            let none = try await server.send(.GET, "/api/v1/widget/origin")
            #expect(none.status == .ok)
            #expect(none.json.keys.sorted() == ["allowed", "origin"])
            #expect(none.json["origin"] is NSNull)
            #expect(none.json["allowed"] as? Bool == true)

            // Primer's own pages are always allowed.
            let own = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", server.baseURL)])
            #expect(own.json["allowed"] as? Bool == true)
            // "null" (a sandboxed frame, a file) is an origin like any other: not listed.
            let opaque = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", "null")])
            #expect(opaque.json["origin"] as? String == "null" && opaque.json["allowed"] as? Bool == false)
        }
    }

    @Test func withAStarEveryOriginIsAllowed() async throws {
        try await withServer(.sqlite, configure: { $0.corsOrigins = ["*"] }) { server in
            let any = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", "https://anyone.example")])
            #expect(any.json["allowed"] as? Bool == true)
            let preflight = try await server.send(.OPTIONS, "/api/v1/query/stream", headers: [
                ("Origin", "https://anyone.example"), ("Access-Control-Request-Method", "POST"),
            ])
            #expect(preflight.status == .noContent)
        }
    }

    @Test func noCORSOriginsAllowsOnlyPrimerItself() async throws {
        try await withServer(.sqlite) { server in
            let other = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", "https://docs.example.org")])
            #expect(other.json["allowed"] as? Bool == false)
            let own = try await server.send(.GET, "/api/v1/widget/origin", headers: [("Origin", server.baseURL)])
            #expect(own.json["allowed"] as? Bool == true)
        }
    }

    @Test func widgetJSIsTheChatCoreFollowedByTheWidgetWithItsOwnETag() async throws {
        try await withServer(.sqlite) { server in
            let core = try await server.send(.GET, "/assets/chat-core.js")
            #expect(core.status == .ok)
            #expect(core.headers.first(name: .contentType) == "text/javascript; charset=utf-8")
            #expect(core.text.contains("window.PrimerChatCore = Object.freeze("))

            let widget = try await server.send(.GET, "/widget.js")
            #expect(widget.status == .ok)
            #expect(widget.headers.first(name: .contentType) == "text/javascript; charset=utf-8")
            #expect(widget.headers.first(name: "Cross-Origin-Resource-Policy") == "cross-origin")
            #expect(widget.text.hasPrefix(core.text), "the core comes first, whole")
            let rest = widget.text.dropFirst(core.text.count)
            #expect(rest.contains("const Core = window.PrimerChatCore;"))
            #expect(rest.contains("primer-widget-host"))
            #expect(!rest.contains("function readStream("), "the widget has no stream reader of its own")

            let etag = try #require(widget.headers.first(name: .eTag))
            #expect(etag != core.headers.first(name: .eTag))
            let again = try await server.send(.GET, "/widget.js", headers: [("If-None-Match", etag)])
            #expect(again.status == .notModified)
            #expect(again.body.isEmpty)
            let stale = try await server.send(.GET, "/widget.js", headers: [("If-None-Match", "\"0000\"")])
            #expect(stale.status == .ok)
            // The same bundle under /assets/ (the widget alone would not run).
            let asset = try await server.send(.GET, "/assets/widget.js")
            #expect(asset.text == widget.text && asset.headers.first(name: .eTag) == etag)
        }
    }

    @Test func assetBundlesJoinTheirPartsInOrder() throws {
        let assets = StaticAssets(files: [
            "chat-core.js": Data("core()".utf8), "widget.js": Data("widget()\n".utf8), "site.js": Data("site()".utf8),
        ])
        #expect(String(buffer: try #require(assets.assets["widget.js"]).body) == "core()\nwidget()\n")
        #expect(String(buffer: try #require(assets.assets["site.js"]).body) == "site()")
        #expect(String(buffer: try #require(assets.assets["chat-core.js"]).body) == "core()")
    }

    /// The page's text (tags dropped, entities decoded), to find the snippet through the highlighting.
    static func text(of html: String) -> String {
        html.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func theWidgetPageShowsTheSnippetForThisServerAndTheAllowedOrigins() async throws {
        try await withServer(.sqlite, configure: { $0.corsOrigins = [Self.listed, "https://course.example.edu"] }) { server in
            let page = try await server.send(.GET, "/widget")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .contentType) == "text/html; charset=utf-8")
            let text = Self.text(of: page.text)
            let snippet = "<script src=\"\(server.baseURL)/widget.js\" data-primer-url=\"\(server.baseURL)\" defer></script>"
            #expect(text.contains(snippet), "\(text)")
            #expect(page.text.contains("id=\"widget-snippet-copy\""))
            #expect(page.text.contains("<code id=\"widget-server-url\">\(server.baseURL)</code>"))
            #expect(page.text.contains("<ul class=\"widget-origins\" id=\"widget-origins\"><li><code>https://docs.example.org</code></li><li><code>https://course.example.edu</code></li></ul>"))
            #expect(!page.text.contains("widget-origins-none") && !page.text.contains("widget-origins-any"))
            #expect(text.contains("CORS_ORIGINS=https://docs.example.org,https://course.example.edu"), "how to add one")
            // The live preview: the widget itself, mounted in the preview box, open; the site's chat steps aside.
            #expect(page.text.contains("<script src=\"/widget.js\" data-primer-container=\"widget-preview\" data-primer-open=\"true\" defer></script>"))
            #expect(page.text.contains("id=\"widget-preview\""))
            #expect(page.text.contains("data-site-chat=\"off\""))
            #expect(page.text.contains("<script src=\"/assets/chat-core.js\" defer></script>"))

            // The URL is the one the browser used (Host), escaped; a malformed Host gives a placeholder.
            let proxied = try await server.send(.GET, "/widget", headers: [("Host", "book.example.edu")])
            #expect(Self.text(of: proxied.text).contains("<script src=\"http://book.example.edu/widget.js\" data-primer-url=\"http://book.example.edu\" defer></script>"))
            let forwarded = try await server.send(.GET, "/widget", headers: [("Host", "book.example.edu"), ("X-Forwarded-Proto", "https")])
            #expect(Self.text(of: forwarded.text).contains("src=\"http://book.example.edu/widget.js\""), "only a trusted proxy makes it https")
            let hostile = try await server.send(.GET, "/widget", headers: [("Host", "x\"><script>alert(1)</script>")])
            #expect(hostile.status == .ok)
            #expect(!hostile.text.contains("<script>alert(1)"))
            #expect(Self.text(of: hostile.text).contains("src=\"http://your-primer.example/widget.js\""))
        }
    }

    @Test func behindATrustedProxyTheSnippetUsesHTTPS() async throws {
        try await withServer(.sqlite, configure: { $0.trustedProxies = [try! IPNetwork(parsing: "127.0.0.1")] }) { server in
            let page = try await server.send(.GET, "/widget", headers: [("Host", "book.example.edu"), ("X-Forwarded-Proto", "https")])
            #expect(Self.text(of: page.text).contains("<script src=\"https://book.example.edu/widget.js\" data-primer-url=\"https://book.example.edu\" defer></script>"))
        }
    }

    @Test func theWidgetPageSaysWhenNoOriginOrEveryOriginIsAllowed() async throws {
        try await withServer(.sqlite) { server in
            let page = try await server.send(.GET, "/widget")
            #expect(page.text.contains("id=\"widget-origins-none\""))
            #expect(!page.text.contains("id=\"widget-origins\""))
        }
        try await withServer(.sqlite, configure: { $0.corsOrigins = ["*"] }) { server in
            let page = try await server.send(.GET, "/widget")
            #expect(page.text.contains("id=\"widget-origins-any\""))
            #expect(!page.text.contains("id=\"widget-origins-none\""))
        }
    }
}

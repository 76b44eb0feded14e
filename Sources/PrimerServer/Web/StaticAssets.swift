import Crypto
import Foundation
import Vapor

/// The site's CSS and JavaScript (`Resources/Public`), read once at start-up and served from
/// memory at `/assets/<name>` (and the widget at `/widget.js`) with an ETag, so a browser
/// revalidates cheaply and never gets a stale file after an upgrade. The widget is one script
/// on a foreign page, so `widget.js` is served as `chat-core.js` (the chat client core the
/// site loads as its own file) followed by `widget.js`, joined here at load: no build step.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let body: ByteBuffer
        let contentType: String
        let etag: String
    }

    let assets: [String: Asset]

    /// Loads every file of the bundled `Public` folder.
    static func load() throws -> StaticAssets {
        guard let folder = Bundle.module.url(forResource: "Public", withExtension: nil) else {
            throw Abort(.internalServerError, reason: "The bundled Public folder is missing")
        }
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        for (name, parts) in bundles {
            for part in parts where files[part] == nil {
                throw Abort(.internalServerError, reason: "\(name) needs \(part), which is missing from the Public folder")
            }
        }
        return StaticAssets(files: files)
    }

    /// The assets for these files (name → bytes), with the widget bundled (see ``bundles``).
    init(files: [String: Data]) {
        var contents = files
        for (name, parts) in Self.bundles where parts.allSatisfy({ files[$0] != nil }) {
            contents[name] = parts.reduce(into: Data()) { bundle, part in
                bundle.append(files[part] ?? Data())
                if bundle.last != UInt8(ascii: "\n") { bundle.append(UInt8(ascii: "\n")) }
            }
        }
        var assets: [String: Asset] = [:]
        for (name, data) in contents {
            let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
            assets[name] = Asset(body: ByteBuffer(data: data), contentType: Self.contentType(of: name), etag: "\"\(digest)\"")
        }
        self.assets = assets
    }

    /// Assets served as several files one after another: the widget needs the chat core first.
    static let bundles: [String: [String]] = ["widget.js": ["chat-core.js", "widget.js"]]

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        default: return "application/octet-stream"
        }
    }

    /// The answer for asset `name`: 200, 304 when the browser's copy is current, 404 if unknown.
    func response(for name: String, request: Request) -> Response {
        guard let asset = assets[name] else {
            return Response(status: .notFound, headers: ["Content-Type": "text/plain; charset=utf-8"], body: "Not found")
        }
        var headers: HTTPHeaders = ["ETag": asset.etag, "Cache-Control": "public, max-age=300, must-revalidate"]
        if request.headers.first(name: .ifNoneMatch) == asset.etag {
            return Response(status: .notModified, headers: headers)
        }
        headers.add(name: .contentType, value: asset.contentType)
        return Response(status: .ok, headers: headers, body: .init(buffer: asset.body))
    }
}

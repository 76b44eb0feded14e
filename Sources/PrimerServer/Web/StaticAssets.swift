import Crypto
import Foundation
import Vapor

/// The site's CSS and JavaScript (`Resources/Public`), read once at start-up and served from
/// memory at `/assets/<name>` (and the widget at `/widget.js`) with an ETag, so a browser
/// revalidates cheaply and never gets a stale file after an upgrade.
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
        var assets: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
            assets[name] = Asset(body: ByteBuffer(data: data), contentType: contentType(of: name), etag: "\"\(digest)\"")
        }
        return StaticAssets(assets: assets)
    }

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

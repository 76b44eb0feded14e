/// A QR code (Model 2, ISO/IEC 18004) for a text, drawn by Primer itself: the text's UTF-8 bytes
/// in one byte-mode segment (behind a UTF-8 ECI designator when the text isn't ASCII), in the
/// smallest version (1–40) that holds them at the chosen error-correction level, with
/// Reed–Solomon codewords over GF(256), the blocks interleaved, every function pattern, and the
/// data mask (of eight) that scores the lowest penalty.
///
/// ```swift
/// let qr = try QRCode(totp.otpauthURL(issuer: "Primer", account: email))
/// let svg = qr.svg(title: "QR code for your authenticator app")
/// ```
public struct QRCode: Sendable {
    /// How much of the symbol may be damaged and still read: about 7 % (low), 15 % (medium),
    /// 25 % (quartile) or 30 % (high) of the codewords.
    public enum ErrorCorrection: Sendable, CaseIterable {
        case low, medium, quartile, high
    }

    /// Why a text can't be encoded.
    public enum EncodingError: Error, Equatable, Sendable {
        /// The text's UTF-8 bytes exceed what version 40 holds at the requested level.
        case textTooLong(byteCount: Int, maximumByteCount: Int)
    }

    /// Modules per side: 17 + 4 × ``version``.
    public let size: Int
    /// The symbol version, 1–40.
    public let version: Int
    /// The error-correction level encoded.
    let errorCorrection: ErrorCorrection
    /// The data mask (0–7) applied.
    let mask: Int
    /// The modules row by row, true for dark.
    private let modules: [Bool]

    /// Whether the module in column `x`, row `y` (from the top-left, 0..<size) is dark.
    public func isDark(x: Int, y: Int) -> Bool {
        precondition((0..<size).contains(x) && (0..<size).contains(y), "module (\(x), \(y)) is outside the symbol")
        return modules[y * size + x]
    }

    /// Encodes `text` in the smallest version that holds it.
    /// - Throws: ``EncodingError/textTooLong(byteCount:maximumByteCount:)`` when even version 40 can't.
    public init(_ text: String, errorCorrection: ErrorCorrection = .medium) throws {
        try self.init(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes `bytes` (UTF-8) in the smallest version from `minimumVersion` that holds them,
    /// with `mask` if given, otherwise the best one.
    init(bytes: [UInt8], errorCorrection: ErrorCorrection, minimumVersion: Int = 1, mask forcedMask: Int? = nil) throws {
        precondition((1...40).contains(minimumVersion), "QR versions are 1 to 40")
        let needsECI = bytes.contains { $0 >= 0x80 }
        guard let version = (minimumVersion...40).first(where: {
            QRCodewords.byteCapacity(version: $0, level: errorCorrection, needsECI: needsECI) >= bytes.count
        }) else {
            throw EncodingError.textTooLong(
                byteCount: bytes.count,
                maximumByteCount: QRCodewords.byteCapacity(version: 40, level: errorCorrection, needsECI: needsECI))
        }
        let layout = QRBlockLayout(version: version, errorCorrection: errorCorrection)
        let data = QRCodewords.dataCodewords(bytes, layout: layout, needsECI: needsECI)
        var matrix = QRMatrix(version: version)
        matrix.placeData(QRCodewords.interleaved(data, layout: layout))

        var best: (mask: Int, penalty: Int, matrix: QRMatrix)?
        for mask in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormat(level: errorCorrection, mask: mask)
            let penalty = forcedMask == nil ? QRMask.penalty(candidate.modules, size: candidate.size) : 0
            if best == nil || penalty < best!.penalty { best = (mask, penalty, candidate) }
        }
        self.version = version
        self.size = matrix.size
        self.errorCorrection = errorCorrection
        self.mask = best!.mask
        self.modules = best!.matrix.modules
    }

    /// An SVG (viewBox in modules, a 4-module quiet zone, one <path> of the dark modules, shape-rendering="crispEdges", width/height in px = modules * scale), with role="img" and an aria-label/<title> given by `title`.
    ///
    /// The quiet zone is a white rectangle under the path, so the code stays readable on a dark
    /// page; each run of dark modules in a row is one rectangle of the path.
    public func svg(scale: Int = 4, title: String) -> String {
        precondition(scale >= 1, "scale must be at least 1")
        let quiet = 4
        let side = size + 2 * quiet
        let label = Self.escapeXML(title)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard modules[y * size + x] else { x += 1; continue }
                var end = x
                while end < size && modules[y * size + end] { end += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(end - x)v1h-\(end - x)z"
                x = end
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(side * scale)" \
            height="\(side * scale)" shape-rendering="crispEdges" role="img" aria-label="\(label)">\
            <title>\(label)</title><rect width="\(side)" height="\(side)" fill="#fff"/>\
            <path fill="#000" d="\(path)"/></svg>
            """
    }

    /// The modules as text, one row per line, "1" dark "0" light, without quiet zone (for tests).
    public var matrixText: String {
        (0..<size).map { y in
            String((0..<size).map { x in modules[y * size + x] ? "1" as Character : "0" })
        }.joined(separator: "\n")
    }

    /// `text` with `& < > " '` as character references, for attribute values and element text.
    static func escapeXML(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }
}

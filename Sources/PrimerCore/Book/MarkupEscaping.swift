/// Text made safe inside HTML, SVG, MathML or XML elements and quoted attributes: `& < > " '`
/// as character references, looked for as Unicode scalars (a combining mark after one can't
/// hide it). The one escaping the site's pages, MathML, QR code SVGs and emails share.
public enum MarkupEscaping {
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

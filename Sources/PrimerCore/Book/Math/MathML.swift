import Foundation

/// Converts the TeX of a formula into MathML Core, which Chromium, Firefox and Safari draw
/// natively: the site shows formulas without a script or web font, and the TeX travels along
/// as an annotation for copying and for screen readers.
public enum MathML {
    /// The MathML for `tex` (no `$` delimiters): `<math display="block">…</math>` when `display`, else `<math>…</math>`.
    /// nil when the formula uses a command or construct the converter does not handle (the caller then shows the TeX source in a code span).
    public static func render(_ tex: String, display: Bool) -> String? {
        guard !tex.unicodeScalars.contains(where: TeXParser.isForbidden) else { return nil }
        var parser = TeXParser(tex, display: display)
        guard let body = try? parser.parse(), parser.unknown.isEmpty else { return nil }
        let source = MathNode.escape(tex.trimmingCharacters(in: .whitespacesAndNewlines))
        return (display ? "<math display=\"block\">" : "<math>") + "<semantics>" + MathNode.element("mrow", body).markup
            + "<annotation encoding=\"application/x-tex\">" + source + "</annotation></semantics></math>"
    }

    /// The commands (e.g. `\foo`) and environments (`\begin{foo}`) in `tex` the converter does not handle; empty when `render` succeeds.
    /// Only the part of a malformed formula before the fault is searched.
    public static func unsupported(in tex: String) -> [String] {
        var parser = TeXParser(tex, display: true)
        _ = try? parser.parse()
        var seen: Set<String> = []
        return parser.unknown.filter { seen.insert($0).inserted }
    }
}

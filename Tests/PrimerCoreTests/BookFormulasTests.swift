import Foundation
@testable import PrimerCore
import Testing

/// Every formula of the sample book and both shared books converts to MathML with no unknown
/// command left (the site never falls back to TeX source for the books it ships and is tested on).
@Suite struct BookFormulasTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let books = [
        root.appendingPathComponent("book"),
        root.deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book/book-source/docs"),
        root.deletingLastPathComponent().appendingPathComponent("shared/corpus/physical-ai-book-2/book-source/docs"),
    ]

    @Test func everyFormulaInEveryBookConverts() throws {
        var count = 0
        for directory in Self.books {
            let book = try BookLoader.load(directory: directory)
            for page in book.pages {
                for formula in MathSpans.formulas(in: page.markdown) {
                    count += 1
                    #expect(MathML.unsupported(in: formula.tex).isEmpty, "\(page.slug): \(formula.tex)")
                    let html = try #require(MathML.render(formula.tex, display: formula.display), "\(page.slug): \(formula.tex)")
                    // No TeX command leaks into what is drawn (the annotation keeps the source on purpose).
                    #expect(html.hasPrefix("<math") && !html.components(separatedBy: "<annotation")[0].contains("\\"), "\(page.slug): \(html)")
                }
            }
        }
        #expect(count >= 30, "formulas found: \(count)")
    }
}

/// The Unicode mathematical alphabets `\mathbf`, `\mathbb` and the other font commands map
/// letters and digits to (MathML Core draws these characters instead of `mathvariant`).
enum MathAlphabet: Sendable {
    case upright, bold, italic, boldItalic, script, fraktur, doubleStruck, sansSerif, sansSerifBold, monospace

    /// The alphabet of a font command such as `mathbb`; nil for other names.
    init?(command: String) {
        switch command {
        case "mathrm", "mathup": self = .upright
        case "mathbf": self = .bold
        case "mathit": self = .italic
        case "boldsymbol", "bm", "mathbfit": self = .boldItalic
        case "mathcal", "mathscr": self = .script
        case "mathfrak": self = .fraktur
        case "mathbb": self = .doubleStruck
        case "mathsf": self = .sansSerif
        case "mathbfsf": self = .sansSerifBold
        case "mathtt": self = .monospace
        default: return nil
        }
    }

    /// `text` with every letter and digit that has a form in this alphabet replaced by it.
    func map(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(map(scalar)) }
        return String(out)
    }

    private func map(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        let mapped: UInt32?
        switch value {
        case 0x41...0x5A, 0x61...0x7A:
            let offset = value <= 0x5A ? value - 0x41 : value - 0x61 + 26
            mapped = exceptions[value] ?? latin.map { $0 + offset }
        case 0x30...0x39:
            mapped = digits.map { $0 + value - 0x30 }
        default:
            mapped = greekOffset(value).flatMap { offset in greek.map { $0 + offset } }
        }
        return mapped.flatMap(Unicode.Scalar.init) ?? scalar
    }

    /// The first code point (capital A) of the alphabet's Latin letters.
    private var latin: UInt32? {
        switch self {
        case .upright: nil
        case .bold: 0x1D400
        case .italic: 0x1D434
        case .boldItalic: 0x1D468
        case .script: 0x1D49C
        case .fraktur: 0x1D504
        case .doubleStruck: 0x1D538
        case .sansSerif: 0x1D5A0
        case .sansSerifBold: 0x1D5D4
        case .monospace: 0x1D670
        }
    }

    private var digits: UInt32? {
        switch self {
        case .bold, .boldItalic: 0x1D7CE
        case .doubleStruck: 0x1D7D8
        case .sansSerif: 0x1D7E2
        case .sansSerifBold: 0x1D7EC
        case .monospace: 0x1D7F6
        case .upright, .italic, .script, .fraktur: nil
        }
    }

    /// The first code point (capital Alpha) of the alphabet's Greek letters.
    private var greek: UInt32? {
        switch self {
        case .bold: 0x1D6A8
        case .italic: 0x1D6E2
        case .boldItalic: 0x1D71C
        case .sansSerifBold: 0x1D756
        default: nil
        }
    }

    /// Letters whose styled form was encoded earlier, in the Letterlike Symbols block.
    private var exceptions: [UInt32: UInt32] {
        switch self {
        case .italic: [0x68: 0x210E]
        case .script:
            [0x42: 0x212C, 0x45: 0x2130, 0x46: 0x2131, 0x48: 0x210B, 0x49: 0x2110, 0x4C: 0x2112, 0x4D: 0x2133, 0x52: 0x211B,
             0x65: 0x212F, 0x67: 0x210A, 0x6F: 0x2134]
        case .fraktur: [0x43: 0x212D, 0x48: 0x210C, 0x49: 0x2111, 0x52: 0x211C, 0x5A: 0x2128]
        case .doubleStruck: [0x43: 0x2102, 0x48: 0x210D, 0x4E: 0x2115, 0x50: 0x2119, 0x51: 0x211A, 0x52: 0x211D, 0x5A: 0x2124]
        default: [:]
        }
    }

    /// The position of a Greek letter (or ∇, ∂ and the variant forms) in the math alphabets' Greek run.
    private func greekOffset(_ value: UInt32) -> UInt32? {
        switch value {
        case 0x391...0x3A9: value - 0x391
        case 0x3F4: 17
        case 0x2207: 25
        case 0x3B1...0x3C9: value - 0x3B1 + 26
        case 0x2202: 51
        case 0x3F5: 52
        case 0x3D1: 53
        case 0x3F0: 54
        case 0x3D5: 55
        case 0x3F1: 56
        case 0x3D6: 57
        default: nil
        }
    }
}

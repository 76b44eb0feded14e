/// How a version and error-correction level split the symbol's codewords into Reed–Solomon
/// blocks (ISO/IEC 18004 Table 9): `blockCount` blocks with `errorCorrectionPerBlock`
/// error-correction codewords each; the data codewords are shared out so that the first blocks
/// (group 1) get one fewer than the last ones (group 2) when they don't divide evenly.
struct QRBlockLayout: Sendable, Equatable {
    let version: Int
    let errorCorrection: QRCode.ErrorCorrection
    /// All codewords in the symbol (data + error correction), from the modules left for data.
    let totalCodewords: Int
    let blockCount: Int
    let errorCorrectionPerBlock: Int

    /// Data codewords in the whole symbol.
    var dataCodewords: Int { totalCodewords - blockCount * errorCorrectionPerBlock }
    /// Data codewords in each block of group 1 (the shorter blocks).
    var shortBlockDataCodewords: Int { dataCodewords / blockCount }
    /// Blocks in group 2, which carry one more data codeword each.
    var longBlockCount: Int { dataCodewords % blockCount }
    /// Blocks in group 1.
    var shortBlockCount: Int { blockCount - longBlockCount }

    init(version: Int, errorCorrection: QRCode.ErrorCorrection) {
        precondition((1...40).contains(version), "QR versions are 1 to 40")
        self.version = version
        self.errorCorrection = errorCorrection
        self.totalCodewords = Self.dataModuleCount(version: version) / 8
        let row = Self.levelIndex(errorCorrection)
        self.blockCount = Self.blockCounts[row][version - 1]
        self.errorCorrectionPerBlock = Self.errorCorrectionCodewordsPerBlock[row][version - 1]
    }

    /// Modules left for data and error-correction codewords (and remainder bits) once the
    /// function patterns are placed: finders with separators (3 × 64), the two timing lines,
    /// 31 format-information modules including the dark module, the alignment patterns (25
    /// modules each, 5 of them shared with a timing line for those on row or column 6) and,
    /// from version 7, 2 × 18 version-information modules.
    static func dataModuleCount(version: Int) -> Int {
        let size = 17 + 4 * version
        var count = size * size - 3 * 64 - 2 * (size - 16) - 31
        let positions = QRAlignmentPatterns.centers(version: version).count
        if positions > 0 {
            count -= 25 * (positions * positions - 3) - 5 * 2 * (positions - 2)
        }
        if version >= 7 { count -= 36 }
        return count
    }

    static func levelIndex(_ level: QRCode.ErrorCorrection) -> Int {
        switch level {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }

    /// Error-correction codewords per block, by level (L, M, Q, H) and version 1–40.
    static let errorCorrectionCodewordsPerBlock: [[Int]] = [
        [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Reed–Solomon blocks (groups 1 and 2 together), by level (L, M, Q, H) and version 1–40.
    static let blockCounts: [[Int]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}

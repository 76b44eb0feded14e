/// The grid of modules of one symbol while it is built (ISO/IEC 18004 §7.3, §7.7–7.10): which
/// modules are dark, and which belong to function patterns (finders, separators, timing,
/// alignment, format and version information, the dark module) and so never carry data or take
/// a mask. Coordinates are (x: column, y: row) from the top-left corner.
struct QRMatrix: Sendable {
    let version: Int
    let size: Int
    private(set) var modules: [Bool]
    private(set) var isFunction: [Bool]

    /// A symbol of `version` with every function pattern drawn and the format information
    /// reserved (drawn light until ``drawFormat(level:mask:)``).
    init(version: Int) {
        precondition((1...40).contains(version), "QR versions are 1 to 40")
        self.version = version
        self.size = 17 + 4 * version
        self.modules = Array(repeating: false, count: size * size)
        self.isFunction = Array(repeating: false, count: size * size)
        drawFunctionPatterns()
    }

    subscript(x: Int, y: Int) -> Bool {
        modules[y * size + x]
    }

    func isFunctionModule(x: Int, y: Int) -> Bool {
        isFunction[y * size + x]
    }

    private mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    // MARK: Function patterns

    private mutating func drawFunctionPatterns() {
        // Timing patterns: row 6 and column 6 alternate, dark on even coordinates. Drawn first;
        // finders and alignment patterns overwrite (and agree with) them where they cross.
        for index in 0..<size {
            setFunction(index, 6, index % 2 == 0)
            setFunction(6, index, index % 2 == 0)
        }
        // Finder patterns (7 × 7: dark ring, light ring, dark 3 × 3) with their light separators.
        drawFinder(centerX: 3, centerY: 3)
        drawFinder(centerX: size - 4, centerY: 3)
        drawFinder(centerX: 3, centerY: size - 4)
        // Alignment patterns (5 × 5: dark ring, light ring, dark centre) except on the finders.
        let centers = QRAlignmentPatterns.centers(version: version)
        for (row, y) in centers.enumerated() {
            for (column, x) in centers.enumerated() {
                let last = centers.count - 1
                if (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 { setFunction(x + dx, y + dy, max(abs(dx), abs(dy)) != 1) }
                }
            }
        }
        // Format information areas (filled in per mask) and the dark module.
        drawFormat(bits: 0)
        setFunction(8, size - 8, true)
        // Version information, from version 7.
        if version >= 7 { drawVersion() }
    }

    private mutating func drawFinder(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx, y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x, y, ring != 2 && ring != 4)
            }
        }
    }

    /// Draws the 15 format bits for `level` and `mask`, twice.
    mutating func drawFormat(level: QRCode.ErrorCorrection, mask: Int) {
        drawFormat(bits: QRBCH.formatBits(level, mask: mask))
    }

    /// Format bit i (0 = least significant): the first copy runs up column 8 next to the
    /// top-left finder (bits 0–7, skipping the timing row) and on along row 8 to the left
    /// (bits 8–14, skipping the timing column); the second copy has bits 0–7 along row 8 from
    /// the right edge leftwards, and bits 8–14 down column 8 to the bottom edge.
    private mutating func drawFormat(bits: Int) {
        func bit(_ index: Int) -> Bool { bits >> index & 1 == 1 }
        for index in 0..<6 { setFunction(8, index, bit(index)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for index in 9..<15 { setFunction(14 - index, 8, bit(index)) }
        for index in 0..<8 { setFunction(size - 1 - index, 8, bit(index)) }
        for index in 8..<15 { setFunction(8, size - 15 + index, bit(index)) }
    }

    /// The 18 version bits in two 6 × 3 blocks: above the bottom-left finder (bit i at column
    /// i / 3, row size − 11 + i % 3) and, transposed, left of the top-right finder.
    private mutating func drawVersion() {
        let bits = QRBCH.versionBits(version)
        for index in 0..<18 {
            let dark = bits >> index & 1 == 1
            let a = size - 11 + index % 3, b = index / 3
            setFunction(a, b, dark)
            setFunction(b, a, dark)
        }
    }

    // MARK: Data

    /// The non-function modules in the order codeword bits fill them: two-module-wide columns
    /// from the right edge leftwards (the one left of the vertical timing pattern shifted by
    /// one), upwards and downwards in turn, the right module of each pair before the left one.
    func dataPositions() -> [(x: Int, y: Int)] {
        var positions: [(x: Int, y: Int)] = []
        var right = size - 1
        var upward = true
        while right > 0 {
            if right == 6 { right = 5 }
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunctionModule(x: x, y: y) {
                    positions.append((x, y))
                }
            }
            upward.toggle()
            right -= 2
        }
        return positions
    }

    /// Places `codewords` most significant bit first; any remainder modules stay light.
    mutating func placeData(_ codewords: [UInt8]) {
        let positions = dataPositions()
        precondition(codewords.count * 8 <= positions.count, "too many codewords for the symbol")
        for (index, position) in positions.enumerated() where index < codewords.count * 8 {
            let byte = codewords[index / 8]
            modules[position.y * size + position.x] = byte >> (7 - index % 8) & 1 == 1
        }
    }

    /// Inverts every non-function module where `mask`'s condition holds (XOR; applying it twice undoes it).
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && QRMask.inverts(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}

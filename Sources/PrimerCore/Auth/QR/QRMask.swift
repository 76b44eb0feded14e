/// The eight data-mask patterns (ISO/IEC 18004 §7.8.2, Table 10) and their evaluation (§7.8.3):
/// the mask chosen is the one whose masked symbol, format information included, scores the
/// lowest penalty.
enum QRMask {
    /// Whether mask `mask` (0–7) inverts the module in column `x`, row `y` (i = row, j = column
    /// in the standard's notation).
    static func inverts(_ mask: Int, x j: Int, y i: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case 7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        default: preconditionFailure("QR masks are 0 to 7")
        }
    }

    /// The penalty of a finished symbol (`modules` row by row, `size` × `size`), the sum of:
    /// 1. each run of 5 + k same-coloured modules in a row or column: 3 + k;
    /// 2. each 2 × 2 block of one colour (overlapping blocks each count): 3;
    /// 3. each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) run in a row or column with 4
    ///    light modules before or after it (outside the symbol counts as light, the quiet zone): 40;
    /// 4. 10 for every whole 5 % by which the proportion of dark modules is away from 50 %.
    static func penalty(_ modules: [Bool], size: Int) -> Int {
        modules.withUnsafeBufferPointer { grid in
            var total = 0
            // Rules 1 and 3, along every row (stride 1) and every column (stride size).
            for line in 0..<size {
                total += linePenalty(grid, start: line * size, stride: 1, count: size)
                total += linePenalty(grid, start: line, stride: size, count: size)
            }
            // Rule 2.
            for y in 0..<size - 1 {
                for x in 0..<size - 1 {
                    let index = y * size + x
                    let colour = grid[index]
                    if grid[index + 1] == colour && grid[index + size] == colour && grid[index + size + 1] == colour {
                        total += 3
                    }
                }
            }
            // Rule 4: k = ⌊|dark / total × 100 − 50| / 5⌋ = ⌊|20 · dark − 10 · total| / total⌋.
            var dark = 0
            for module in grid where module { dark += 1 }
            let count = size * size
            total += 10 * (abs(20 * dark - 10 * count) / count)
            return total
        }
    }

    /// Rules 1 and 3 for one row or column: `count` modules from `start`, `stride` apart.
    static func linePenalty(_ grid: UnsafeBufferPointer<Bool>, start: Int, stride: Int, count: Int) -> Int {
        var total = 0
        var runLength = 0
        var runColour = false
        // The last 15 modules seen, newest in bit 0 (1 = dark); the 4 modules before the line
        // are the quiet zone, so the history starts light.
        var history = 0
        // 1011101: the finder-like pattern; 0000 before it (bits 7–10) or after it.
        let pattern = 0b1011101
        func shift(_ dark: Bool) {
            history = (history << 1 | (dark ? 1 : 0)) & 0x7FFF
            if history & 0x7FF == pattern {
                total += 40  // light before (bits 7–10 are 0)
            } else if history & 0x7FF == pattern << 4 && history >> 11 & 0xF != 0 {
                total += 40  // light after, and not already counted for light before
            }
        }
        for offset in 0..<count {
            let dark = grid[start + offset * stride]
            if offset > 0 && dark == runColour {
                runLength += 1
            } else {
                if runLength >= 5 { total += 3 + (runLength - 5) }
                runColour = dark
                runLength = 1
            }
            shift(dark)
        }
        if runLength >= 5 { total += 3 + (runLength - 5) }
        for _ in 0..<4 { shift(false) }  // the quiet zone after the line
        return total
    }
}

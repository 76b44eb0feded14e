import Foundation
@testable import PrimerCore
import PrimerTestSupport
import Testing

@Suite struct QRCodeTests {
    static let levels: [QRCode.ErrorCorrection] = [.low, .medium, .quartile, .high]

    // MARK: Versions and capacity

    @Test func sizeIsSeventeenPlusFourTimesTheVersion() throws {
        for version in 1...40 {
            let qr = try QRCode(bytes: Array("a".utf8), errorCorrection: .medium, minimumVersion: version, mask: 0)
            #expect(qr.version == version)
            #expect(qr.size == 17 + 4 * version)
            #expect(qr.matrixText.split(separator: "\n").count == qr.size)
        }
    }

    /// Byte-mode capacities at level M for versions 1–10 (ISO/IEC 18004 Table 7): the largest text
    /// of each fits that version, one byte more needs the next.
    @Test func theSmallestVersionThatFitsIsChosen() throws {
        let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        for (index, capacity) in capacities.enumerated() {
            let version = index + 1
            #expect(QRCodewords.byteCapacity(version: version, level: .medium, needsECI: false) == capacity)
            #expect(try QRCode(String(repeating: "a", count: capacity)).version == version)
            #expect(try QRCode(String(repeating: "a", count: capacity + 1)).version == version + 1)
        }
        #expect(try QRCode("").version == 1)
        // An otpauth URL of a usual length lands in versions 7–9.
        let url = TOTP(secret: Array(repeating: 7, count: 20)).otpauthURL(issuer: "Primer", account: "ada.lovelace@example.com")
        #expect((7...9).contains(try QRCode(url).version))
    }

    @Test func capacitiesAtTheExtremes() {
        // Version 1 and 40, levels L, M, Q, H (Table 7, byte mode).
        #expect(Self.levels.map { QRCodewords.byteCapacity(version: 1, level: $0, needsECI: false) } == [17, 14, 11, 7])
        #expect(Self.levels.map { QRCodewords.byteCapacity(version: 40, level: $0, needsECI: false) } == [2953, 2331, 1663, 1273])
    }

    @Test func textTooLongThrows() throws {
        #expect(try QRCode(String(repeating: "x", count: 2331)).version == 40)
        #expect(throws: QRCode.EncodingError.textTooLong(byteCount: 2332, maximumByteCount: 2331)) {
            try QRCode(String(repeating: "x", count: 2332))
        }
        #expect(throws: QRCode.EncodingError.textTooLong(byteCount: 1274, maximumByteCount: 1273)) {
            try QRCode(String(repeating: "x", count: 1274), errorCorrection: .high)
        }
        // Non-ASCII text carries a 12-bit UTF-8 ECI header, which costs a byte at version 40-M.
        #expect(throws: QRCode.EncodingError.textTooLong(byteCount: 2332, maximumByteCount: 2330)) {
            try QRCode("é" + String(repeating: "x", count: 2330))
        }
    }

    @Test func nonASCIITextIsUTF8BehindAnECIDesignator() throws {
        // Version 1-M holds 128 data bits: 4 + 8 + 4 + 8 + 8 × 13 = 128 with the ECI header.
        #expect(QRCodewords.byteCapacity(version: 1, level: .medium, needsECI: true) == 13)
        #expect(try QRCode("é" + String(repeating: "x", count: 11)).version == 1)  // 13 bytes
        #expect(try QRCode("é" + String(repeating: "x", count: 12)).version == 2)  // 14 bytes
        let layout = QRBlockLayout(version: 1, errorCorrection: .medium)
        let data = QRCodewords.dataCodewords(Array("é".utf8), layout: layout, needsECI: true)
        // 0111 00011010 (ECI 26) 0100 00000010 11000011 10101001 0000, then pad bytes.
        #expect(Array(data.prefix(6)) == [0b0111_0001, 0b1010_0100, 0b0000_0010, 0b1100_0011, 0b1010_1001, 0b0000_0000])
        #expect(Array(data.dropFirst(6)) == [0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11])
    }

    @Test func byteModeDataCodewords() {
        // "ab" in version 1-M: 0100 00000010 01100001 01100010 0000 → 40 26 16 20, then EC 11 ….
        let layout = QRBlockLayout(version: 1, errorCorrection: .medium)
        let data = QRCodewords.dataCodewords(Array("ab".utf8), layout: layout, needsECI: false)
        #expect(data == [0x40, 0x26, 0x16, 0x20, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11])
        // From version 10 the count has 16 bits.
        let big = QRBlockLayout(version: 10, errorCorrection: .medium)
        #expect(Array(QRCodewords.dataCodewords(Array("ab".utf8), layout: big, needsECI: false).prefix(5)) == [0x40, 0x00, 0x26, 0x16, 0x20])
        // 14 bytes leave exactly the 4 terminator bits and no pad codeword.
        let full = QRCodewords.dataCodewords(Array(repeating: 0x61, count: 14), layout: layout, needsECI: false)
        #expect(full.count == 16)
        #expect(full.last == 0x10)  // the last 4 bits of the final "a", then 4 terminator bits
    }

    // MARK: Block structure

    @Test func blockLayoutsAddUp() {
        // Total codewords per version (Table 1) for a few versions.
        let totals = [1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 10: 346, 14: 581, 20: 1085, 27: 1828, 40: 3706]
        for (version, total) in totals {
            #expect(QRBlockLayout(version: version, errorCorrection: .medium).totalCodewords == total, "version \(version)")
        }
        for version in 1...40 {
            var previous = Int.max
            for level in Self.levels {
                let layout = QRBlockLayout(version: version, errorCorrection: level)
                #expect(layout.shortBlockCount + layout.longBlockCount == layout.blockCount)
                #expect(layout.shortBlockCount * layout.shortBlockDataCodewords
                    + layout.longBlockCount * (layout.shortBlockDataCodewords + 1) == layout.dataCodewords)
                #expect(layout.shortBlockCount >= 1)
                // Every block stays within the RS code's length, and a stronger level holds less.
                #expect(layout.shortBlockDataCodewords + 1 + layout.errorCorrectionPerBlock <= 255)
                #expect(layout.dataCodewords < previous)
                previous = layout.dataCodewords
            }
        }
        // Version 5-Q: 2 blocks of 15 and 2 of 16 data codewords, 18 EC each (the mixed case).
        let mixed = QRBlockLayout(version: 5, errorCorrection: .quartile)
        let shape: [Int] = [mixed.shortBlockCount, mixed.shortBlockDataCodewords, mixed.longBlockCount, mixed.errorCorrectionPerBlock]
        #expect(shape == [2, 15, 2, 18])
    }

    @Test func dataModulesMatchTheFunctionPatternsDrawn() {
        for version in 1...40 {
            let matrix = QRMatrix(version: version)
            let free = (0..<matrix.size * matrix.size).filter { !matrix.isFunction[$0] }.count
            #expect(free == QRBlockLayout.dataModuleCount(version: version), "version \(version)")
            #expect(matrix.dataPositions().count == free)
            // Remainder bits (Table 1).
            let remainder = free - 8 * QRBlockLayout(version: version, errorCorrection: .low).totalCodewords
            let expected = switch version {
            case 2...6: 7
            case 14...20, 28...34: 3
            case 21...27: 4
            default: 0
            }
            #expect(remainder == expected, "version \(version)")
        }
    }

    @Test func interleavingTakesCodewordsColumnByColumn() {
        // 5-Q: blocks of 15, 15, 16, 16 data codewords.
        let layout = QRBlockLayout(version: 5, errorCorrection: .quartile)
        let data = (0..<layout.dataCodewords).map { UInt8($0) }
        let blocks = QRCodewords.blocks(data, layout: layout)
        #expect(blocks.map(\.count) == [15, 15, 16, 16])
        let sequence = QRCodewords.interleaved(data, layout: layout)
        #expect(Array(sequence.prefix(8)) == [0, 15, 30, 46, 1, 16, 31, 47])
        // The last data column only has the long blocks' extra codewords.
        #expect(Array(sequence[56..<60]) == [14, 29, 44, 60])
        #expect(Array(sequence[60..<62]) == [45, 61])
        let encoder = ReedSolomonEncoder(degree: 18)
        #expect(Array(sequence[62..<66]) == blocks.map { encoder.remainder($0)[0] })
        #expect(sequence.count == layout.totalCodewords)
    }

    // MARK: Reed–Solomon

    @Test func galoisFieldTables() {
        #expect(GF256.power(0) == 1)
        #expect(GF256.power(8) == 0x1D)  // x⁸ = x⁴ + x³ + x² + 1
        #expect(GF256.power(255) == 1)
        #expect(Set((0..<255).map { GF256.power($0) }).count == 255)  // α generates the field
        for value in 1...255 { #expect(GF256.power(GF256.logarithms[value]) == UInt8(value)) }
        for a in [UInt8(1), 2, 3, 0x80, 0xFF] {
            for b in [UInt8(0), 1, 2, 0x1D, 0xFE] {
                #expect(GF256.multiply(a, b) == GF256.multiply(b, a))
                #expect(GF256.multiply(a, b) == Self.slowMultiply(a, b))
            }
        }
    }

    /// Carry-less multiplication reduced by 0x11D, bit by bit.
    static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        for bit in 0..<8 where b >> bit & 1 == 1 { product ^= Int(a) << bit }
        for bit in stride(from: 15, through: 8, by: -1) where product >> bit & 1 == 1 { product ^= 0x11D << (bit - 8) }
        return UInt8(product)
    }

    @Test func generatorPolynomialOfDegree10() {
        // g(x) = x¹⁰ + α²⁵¹x⁹ + α⁶⁷x⁸ + α⁴⁶x⁷ + α⁶¹x⁶ + α¹¹⁸x⁵ + α⁷⁰x⁴ + α⁶⁴x³ + α⁹⁴x² + α³²x + α⁴⁵ (Annex A).
        let generator = ReedSolomonEncoder(degree: 10).generator
        #expect(generator.map { GF256.logarithms[Int($0)] } == [251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
    }

    @Test func reedSolomonOfKnownVersion1MMessages() {
        let encoder = ReedSolomonEncoder(degree: 10)
        // ISO/IEC 18004 Annex I: "01234567" in numeric mode, version 1-M.
        let numeric: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(encoder.remainder(numeric) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
        // "HELLO WORLD" in alphanumeric mode, version 1-M.
        let hello: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(encoder.remainder(hello) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test func everyBlockIsACodeword() {
        var generator = SystemRandomNumberGenerator()
        for degree in Set(QRBlockLayout.errorCorrectionCodewordsPerBlock.joined()).sorted() {
            let encoder = ReedSolomonEncoder(degree: degree)
            let data = (0..<(degree + 7)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            var block = data + encoder.remainder(data)
            #expect(ReedSolomonEncoder.syndromes(of: block, degree: degree).allSatisfy { $0 == 0 }, "degree \(degree)")
            block[3] ^= 0x40
            #expect(ReedSolomonEncoder.syndromes(of: block, degree: degree).contains { $0 != 0 }, "degree \(degree)")
        }
    }

    // MARK: Format and version information

    /// ISO/IEC 18004 Annex C, Table C.1: the 15 format bits (after the 101010000010010 mask) for
    /// each level and data mask 0–7.
    static let formatTable: [QRCode.ErrorCorrection: [String]] = [
        .low: ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
               "110011000101111", "110001100011000", "110110001000001", "110100101110110"],
        .medium: ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                  "100010111111001", "100000011001110", "100111110010111", "100101010100000"],
        .quartile: ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
                    "010010010110100", "010000110000011", "010111011011010", "010101111101101"],
        .high: ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
                "000011101100010", "000001001010101", "000110100001100", "000100000111011"],
    ]

    @Test func formatBitsForEveryLevelAndMask() throws {
        for level in Self.levels {
            for mask in 0..<8 {
                let expected = try #require(Int(Self.formatTable[level]![mask], radix: 2))
                #expect(QRBCH.formatBits(level, mask: mask) == expected, "\(level) mask \(mask)")
            }
        }
    }

    @Test func versionInformationBits() {
        // Annex D, Table D.1.
        let known = [7: 0x07C94, 8: 0x085BC, 9: 0x09A99, 10: 0x0A4D3, 40: 0x28C69]
        for (version, bits) in known { #expect(QRBCH.versionBits(version) == bits, "version \(version)") }
        for version in 7...40 {
            #expect(QRBCH.versionBits(version) >> 12 == version)
            #expect(QRBCH.remainder(QRBCH.versionBits(version), generator: 0x1F25, degree: 12) == 0)
        }
    }

    @Test func formatInformationIsDrawnTwiceWhereTheStandardSays() throws {
        for (text, level) in [("Primer", QRCode.ErrorCorrection.medium), ("x", .low), (String(repeating: "q", count: 100), .quartile), ("h", .high)] {
            let qr = try QRCode(text, errorCorrection: level)
            let n = qr.size
            // Copy 1, bits 14 → 0: row 8 at columns 0–5, 7, 8, then column 8 at rows 7, 5–0.
            let first: [(x: Int, y: Int)] = [(0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8),
                                             (8, 7), (8, 5), (8, 4), (8, 3), (8, 2), (8, 1), (8, 0)]
            // Copy 2, bits 14 → 0: column 8 from the bottom row up (7 modules), then row 8 at columns n − 8 … n − 1.
            let second: [(x: Int, y: Int)] = (0..<7).map { (8, n - 1 - $0) } + (0..<8).map { (n - 8 + $0, 8) }
            let expected = QRBCH.formatBits(level, mask: qr.mask)
            #expect(Self.bits(qr, at: first) == expected, "\(level)")
            #expect(Self.bits(qr, at: second) == expected, "\(level)")
            #expect(qr.isDark(x: 8, y: n - 8))  // the dark module
        }
    }

    @Test func versionInformationFromVersion7() throws {
        for version in [6, 7, 8, 21, 40] {
            let qr = try QRCode(bytes: Array("v".utf8), errorCorrection: .medium, minimumVersion: version)
            let n = qr.size
            // Top-right block: bit i at row i / 3, column n − 11 + i % 3; bottom-left transposed.
            let topRight = (0..<18).reversed().map { (x: n - 11 + $0 % 3, y: $0 / 3) }
            let bottomLeft = (0..<18).reversed().map { (x: $0 / 3, y: n - 11 + $0 % 3) }
            if version >= 7 {
                #expect(Self.bits(qr, at: topRight) == QRBCH.versionBits(version))
                #expect(Self.bits(qr, at: bottomLeft) == QRBCH.versionBits(version))
                #expect(QRMatrix(version: version).isFunctionModule(x: n - 11, y: 0))
            } else {
                #expect(!QRMatrix(version: version).isFunctionModule(x: n - 11, y: 0))
            }
        }
    }

    static func bits(_ qr: QRCode, at positions: [(x: Int, y: Int)]) -> Int {
        positions.reduce(0) { $0 << 1 | (qr.isDark(x: $1.x, y: $1.y) ? 1 : 0) }
    }

    // MARK: Function patterns

    @Test func findersTimingAndAlignmentPatterns() throws {
        for version in [1, 2, 7, 14, 32, 40] {
            let qr = try QRCode(bytes: Array("f".utf8), errorCorrection: .medium, minimumVersion: version)
            let n = qr.size
            for (left, top) in [(0, 0), (n - 7, 0), (0, n - 7)] {
                for dy in -1...7 {
                    for dx in -1...7 {
                        let x = left + dx, y = top + dy
                        guard (0..<n).contains(x), (0..<n).contains(y) else { continue }
                        let ring = max(abs(dx - 3), abs(dy - 3))
                        #expect(qr.isDark(x: x, y: y) == (ring != 2 && ring != 4), "v\(version) finder at (\(x), \(y))")
                    }
                }
            }
            for index in 8..<(n - 8) {
                #expect(qr.isDark(x: index, y: 6) == (index % 2 == 0))
                #expect(qr.isDark(x: 6, y: index) == (index % 2 == 0))
            }
            let centers = QRAlignmentPatterns.centers(version: version)
            var drawn = 0
            for cy in centers {
                for cx in centers where !(cx < 9 && cy < 9) && !(cx > n - 9 && cy < 9) && !(cx < 9 && cy > n - 9) {
                    drawn += 1
                    for dy in -2...2 {
                        for dx in -2...2 { #expect(qr.isDark(x: cx + dx, y: cy + dy) == (max(abs(dx), abs(dy)) != 1)) }
                    }
                }
            }
            #expect(drawn == (version == 1 ? 0 : centers.count * centers.count - 3))
        }
    }

    @Test func alignmentPatternPositions() {
        #expect(QRAlignmentPatterns.centers(version: 1).isEmpty)
        #expect(QRAlignmentPatterns.centers(version: 2) == [6, 18])
        #expect(QRAlignmentPatterns.centers(version: 7) == [6, 22, 38])
        #expect(QRAlignmentPatterns.centers(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRAlignmentPatterns.centers(version: 40) == [6, 30, 58, 86, 114, 142, 170])
        for version in 2...40 {
            let centers = QRAlignmentPatterns.centers(version: version)
            #expect(centers.count == version / 7 + 2)
            #expect(centers.first == 6 && centers.last == 17 + 4 * version - 7)
            // After the first, evenly spaced by an even step.
            let steps = zip(centers.dropFirst(), centers.dropFirst(2)).map { $1 - $0 }
            #expect(Set(steps).count <= 1 && steps.allSatisfy { $0 % 2 == 0 }, "version \(version)")
        }
    }

    // MARK: Masks

    @Test func maskConditions() {
        // Which of the 6 × 6 top-left data coordinates each mask inverts (i = row, j = column).
        func pattern(_ mask: Int) -> [String] {
            (0..<6).map { i in String((0..<6).map { j in QRMask.inverts(mask, x: j, y: i) ? "1" : "0" }) }
        }
        #expect(pattern(0) == ["101010", "010101", "101010", "010101", "101010", "010101"])
        #expect(pattern(1) == ["111111", "000000", "111111", "000000", "111111", "000000"])
        #expect(pattern(2) == ["100100", "100100", "100100", "100100", "100100", "100100"])
        #expect(pattern(3) == ["100100", "001001", "010010", "100100", "001001", "010010"])
        #expect(pattern(4) == ["111000", "111000", "000111", "000111", "111000", "111000"])
        #expect(pattern(5) == ["111111", "100000", "100100", "101010", "100100", "100000"])
        #expect(pattern(6) == ["111111", "111000", "110110", "101010", "101101", "100011"])
        #expect(pattern(7) == ["101010", "000111", "100011", "010101", "111000", "011100"])
    }

    @Test func penaltyOfAnAllLightSymbol() {
        // 21 × 21 light: rule 1, 42 lines of one 21-run = 42 × (3 + 16); rule 2, 20 × 20 blocks × 3;
        // rule 3, none; rule 4, 0 % dark is 10 steps of 5 % from 50 % → 100.
        #expect(QRMask.penalty(Array(repeating: false, count: 441), size: 21) == 42 * 19 + 1200 + 100)
    }

    @Test func finderLikePatternsScoreOncePerOccurrence() {
        func score(_ line: String) -> Int {
            let modules = line.map { $0 == "1" }
            return modules.withUnsafeBufferPointer { QRMask.linePenalty($0, start: 0, stride: 1, count: modules.count) }
        }
        #expect(score("1011101") == 40)  // quiet zone on both sides: still one occurrence
        #expect(score("11111011101") == 3 + 40)  // a run of 5 (the pattern's first module), light only after
        #expect(score("110111011") == 0)  // dark on both sides
        #expect(score("0000101110100001") == 40)
        #expect(score("10111010000") == 40)
        #expect(score("1000101110110") == 0)  // 3 light before, dark after
        #expect(score("00000") == 3 && score("000000") == 4 && score("0000") == 0)
    }

    @Test func penaltyMatchesAPlainReadingOfTheRules() throws {
        var generator = SystemRandomNumberGenerator()
        for size in [21, 25, 29] {
            for density in [0.2, 0.5, 0.8] {
                let modules = (0..<size * size).map { _ in Double.random(in: 0..<1, using: &generator) < density }
                #expect(QRMask.penalty(modules, size: size) == Self.referencePenalty(modules, size: size))
            }
        }
        let qr = try QRCode("otpauth://totp/Primer:ada?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        let modules = (0..<qr.size * qr.size).map { qr.isDark(x: $0 % qr.size, y: $0 / qr.size) }
        #expect(QRMask.penalty(modules, size: qr.size) == Self.referencePenalty(modules, size: qr.size))
    }

    /// The penalty rules written out directly, on strings of each line padded with the quiet zone.
    static func referencePenalty(_ modules: [Bool], size: Int) -> Int {
        var lines: [String] = []
        for index in 0..<size {
            lines.append(String((0..<size).map { modules[index * size + $0] ? "1" : "0" }))
            lines.append(String((0..<size).map { modules[$0 * size + index] ? "1" : "0" }))
        }
        var total = 0
        for line in lines {
            // Rule 1.
            var runs: [Int] = []
            var previous: Character?
            for character in line {
                if character == previous { runs[runs.count - 1] += 1 } else { runs.append(1) }
                previous = character
            }
            total += runs.filter { $0 >= 5 }.map { $0 - 2 }.reduce(0, +)
            // Rule 3.
            let padded = Array("0000" + line + "0000")
            for start in 4...(padded.count - 11) where String(padded[start..<start + 7]) == "1011101" {
                if String(padded[start - 4..<start]) == "0000" || String(padded[start + 7..<start + 11]) == "0000" { total += 40 }
            }
        }
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let block = [modules[y * size + x], modules[y * size + x + 1], modules[(y + 1) * size + x], modules[(y + 1) * size + x + 1]]
                if Set(block).count == 1 { total += 3 }
            }
        }
        let dark = Double(modules.filter { $0 }.count) / Double(size * size) * 100
        total += 10 * Int((abs(dark - 50) / 5).rounded(.down))
        return total
    }

    @Test func theChosenMaskHasTheLowestPenalty() throws {
        for text in ["Primer", "otpauth://totp/Primer:ada%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Primer"] {
            let chosen = try QRCode(text)
            let penalties = try (0..<8).map { mask in
                let qr = try QRCode(bytes: Array(text.utf8), errorCorrection: .medium, mask: mask)
                return QRMask.penalty((0..<qr.size * qr.size).map { qr.isDark(x: $0 % qr.size, y: $0 / qr.size) }, size: qr.size)
            }
            #expect(chosen.mask == penalties.firstIndex(of: penalties.min()!))
        }
    }

    // MARK: Whole symbols

    /// "Primer: two-factor sign-in" at level M: version 2, mask 4, module for module the symbol
    /// that zxing-cpp's own encoder draws for the same text.
    static let knownSymbol = """
        1111111011000101101111111
        1000001001001010101000001
        1011101000101000001011101
        1011101010000100101011101
        1011101011001111101011101
        1000001010011110001000001
        1111111010101010101111111
        0000000011110001000000000
        1000101110010000111111001
        0010000110000101110010100
        1001001011110101000000100
        0110100001011010101100111
        1011001000111000011000101
        1010110000101011100011110
        0011101101110001001000100
        0000100111101011101000110
        1100101100011000111110101
        0000000010110110100011011
        1111111011111110101010100
        1000001000110010100010111
        1011101010111000111111100
        1011101001110010101100011
        1011101001011110111001010
        1000001000011001001011110
        1111111010011011011101111
        """

    @Test func aKnownSymbolModuleForModule() throws {
        let qr = try QRCode("Primer: two-factor sign-in")
        #expect(qr.version == 2)
        #expect(qr.mask == 4)
        #expect(qr.matrixText == Self.knownSymbol)
    }

    @Test func everySymbolReadsBackThroughItsOwnGeometry() throws {
        // (text, level, minimum version, forced mask, whether that version must be the one chosen)
        var cases: [(String, QRCode.ErrorCorrection, Int, Int?, Bool)] = []
        for level in Self.levels {
            for version in [1, 2, 5, 7, 10, 15, 22, 27, 36, 40] {
                let capacity = QRCodewords.byteCapacity(version: version, level: level, needsECI: false)
                let text = String((0..<(version % 2 == 0 ? capacity : capacity / 2)).map { Array("primer-QR 0123456789")[$0 % 20] })
                cases.append((text, level, version, version == 40 ? 5 : nil, true))
            }
        }
        for mask in 0..<8 { cases.append(("Grüße, 日本語 🤖 mask \(mask)", .medium, 1, mask, false)) }
        for (text, level, version, mask, exact) in cases {
            let qr = try QRCode(bytes: Array(text.utf8), errorCorrection: level, minimumVersion: version, mask: mask)
            if exact { #expect(qr.version == version) }
            if let mask { #expect(qr.mask == mask) }
            #expect(try SymbolReader.read(qr) == text, "v\(version) \(level)")
        }
    }

    // MARK: Output

    @Test func matrixTextIsOneRowPerLine() throws {
        let qr = try QRCode("Primer")
        let rows = qr.matrixText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count == qr.size)
        for (y, row) in rows.enumerated() {
            #expect(row.count == qr.size)
            for (x, character) in row.enumerated() { #expect((character == "1") == qr.isDark(x: x, y: y)) }
        }
        #expect(qr.matrixText.hasPrefix("1111111"))  // the top-left finder's first row, no quiet zone
    }

    @Test func svgDrawsExactlyTheDarkModules() throws {
        let qr = try QRCode("otpauth://totp/Primer:ada%40example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Primer")
        let svg = qr.svg(scale: 5, title: "Scan with your \"authenticator\" <app> & go")
        let side = qr.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("width=\"\(side * 5)\" height=\"\(side * 5)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-label=\"Scan with your &quot;authenticator&quot; &lt;app&gt; &amp; go\""))
        #expect(svg.contains("<title>Scan with your &quot;authenticator&quot; &lt;app&gt; &amp; go</title>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.hasSuffix("</svg>"))
        #expect(qr.svg(title: "QR").contains("width=\"\(side * 4)\""))

        // Fill the path's rectangles (each "M x yhNv1h-Nz") and compare with the modules.
        let d = try #require(svg.components(separatedBy: " d=\"").last?.components(separatedBy: "\"").first)
        var filled = Set<Int>()
        for rectangle in d.split(separator: "z") {
            let scanner = Scanner(string: String(rectangle))
            #expect(scanner.scanString("M") != nil)
            let x = try #require(scanner.scanInt()), y = try #require(scanner.scanInt())
            #expect(scanner.scanString("h") != nil)
            let width = try #require(scanner.scanInt())
            #expect(scanner.scanString("v1h-") != nil)
            #expect(scanner.scanInt() == width)
            #expect(scanner.isAtEnd)
            for column in x..<x + width { #expect(filled.insert((y - 4) * qr.size + column - 4).inserted) }
        }
        let dark = Set((0..<qr.size * qr.size).filter { qr.isDark(x: $0 % qr.size, y: $0 / qr.size) })
        #expect(filled == dark)
    }
}

/// Reads a symbol back with the encoder's geometry: checks both format-information copies,
/// removes the mask, collects the codewords in placement order, de-interleaves them, checks every
/// block's Reed–Solomon syndromes, and parses the byte-mode segment (with an optional UTF-8 ECI).
enum SymbolReader {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func read(_ qr: QRCode) throws -> String {
        let function = QRMatrix(version: qr.version)
        let layout = QRBlockLayout(version: qr.version, errorCorrection: qr.errorCorrection)
        var bits: [Bool] = []
        for (x, y) in function.dataPositions() {
            bits.append(qr.isDark(x: x, y: y) != QRMask.inverts(qr.mask, x: x, y: y))
        }
        guard bits.dropFirst(layout.totalCodewords * 8).allSatisfy({ !$0 }) else { throw Failure(description: "remainder bits aren't 0") }
        let codewords = stride(from: 0, to: layout.totalCodewords * 8, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        // De-interleave: data columns across blocks (long blocks have one more), then EC columns.
        let lengths = (0..<layout.blockCount).map { layout.shortBlockDataCodewords + ($0 < layout.shortBlockCount ? 0 : 1) }
        var blocks = lengths.map { _ in [UInt8]() }
        var index = 0
        for column in 0...layout.shortBlockDataCodewords {
            for block in blocks.indices where column < lengths[block] { blocks[block].append(codewords[index]); index += 1 }
        }
        for _ in 0..<layout.errorCorrectionPerBlock {
            for block in blocks.indices { blocks[block].append(codewords[index]); index += 1 }
        }
        for block in blocks where ReedSolomonEncoder.syndromes(of: block, degree: layout.errorCorrectionPerBlock).contains(where: { $0 != 0 }) {
            throw Failure(description: "a block's syndromes aren't zero")
        }
        var data = QRBitBuffer()
        for (block, length) in zip(blocks, lengths) { for byte in block.prefix(length) { data.append(Int(byte), length: 8) } }
        var position = 0
        func take(_ count: Int) -> Int {
            defer { position += count }
            return data.bits[position..<position + count].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var mode = take(4)
        if mode == 0b0111 {
            guard take(8) == 26 else { throw Failure(description: "unexpected ECI") }
            mode = take(4)
        }
        guard mode == 0b0100 else { throw Failure(description: "not byte mode: \(mode)") }
        let count = take(qr.version <= 9 ? 8 : 16)
        let bytes = (0..<count).map { _ in UInt8(take(8)) }
        // Terminator (up to 4 zero bits), zeros to the byte boundary, then the pad codewords.
        let terminator = min(4, data.count - position)
        guard take(terminator) == 0 else { throw Failure(description: "bad terminator") }
        if position % 8 != 0 { guard take(8 - position % 8) == 0 else { throw Failure(description: "bad padding bits") } }
        var pad = 0xEC
        while position < data.count {
            guard take(8) == pad else { throw Failure(description: "bad pad codeword") }
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Round trips through a real decoder: zxing-cpp (PyPI) in the test tools' Python
/// (`PRIMER_TOOLS_PYTHON`, set by scripts/test), via scripts/qr_decode.py. Skipped without it,
/// except that `PRIMER_REQUIRE_BROWSER=1` (CI) makes a missing interpreter a failure.
@Suite(.enabled(if: TestTools.python != nil || TestTools.required))
struct QRCodeDecoderTests {
    @Test func realDecoderReadsBackEveryText() async throws {
        let python = try QRDecoderTool.interpreter()
        let totp = TOTP(secret: TOTP.generateSecret())
        let texts = [
            "Primer",
            totp.otpauthURL(issuer: "Primer", account: "ada.lovelace@example.com"),
            String((0..<300).map { Array("The quick brown fox jumps over the lazy dog 0123456789. ")[$0 % 56] }),
            "Grüße aus Zürich — ロボット工学 🤖 Ελληνικά",
        ]
        #expect(texts[2].utf8.count == 300)
        var symbols = try texts.map { (text: $0, qr: try QRCode($0)) }
        // Every version, at M, and a few versions at every level.
        for version in 1...40 {
            let capacity = QRCodewords.byteCapacity(version: version, level: .medium, needsECI: false)
            let text = String((0..<(capacity * 3 / 5 + 1)).map { Array("otpauth://totp/Primer:x?secret=ABC234&")[$0 % 38] })
            symbols.append((text, try QRCode(bytes: Array(text.utf8), errorCorrection: .medium, minimumVersion: version)))
        }
        for level in [QRCode.ErrorCorrection.low, .quartile, .high] {
            for version in [1, 7, 10, 27, 40] {
                let text = "level \(level) version \(version)"
                symbols.append((text, try QRCode(bytes: Array(text.utf8), errorCorrection: level, minimumVersion: version)))
            }
        }
        let results = try await QRDecoderTool.decode(symbols.map(\.qr), python: python)
        for ((text, qr), decoded) in zip(symbols, results) {
            try #require(decoded.count == 1, "v\(qr.version): expected one QR code, decoded \(decoded)")
            #expect(decoded[0].text == text, "v\(qr.version)")
            #expect(decoded[0].ec_level == QRDecoderTool.levelName(qr.errorCorrection), "v\(qr.version)")
            #expect(decoded[0].version == String(qr.version))
            if let mask = decoded[0].mask { #expect(mask == qr.mask, "v\(qr.version)") }
            // zxing-cpp reports how much error correction was left unused: all of it, since
            // every module is where the decoder expects it.
            if let unused = decoded[0].unused_ec { #expect(unused == 1, "v\(qr.version): \(unused)") }
        }
    }

    @Test func realDecoderReadsTheSVG() async throws {
        let python = try QRDecoderTool.interpreter()
        let url = TOTP(secret: TOTP.generateSecret()).otpauthURL(issuer: "Primer", account: "reader@example.com")
        let qr = try QRCode(url)
        let results = try await QRDecoderTool.decode(svgs: [qr.svg(scale: 3, title: "QR code"), qr.svg(scale: 1, title: "QR code")], python: python)
        for decoded in results {
            #expect(decoded.map(\.text) == [url])
        }
    }
}

/// Runs scripts/qr_decode.py in `PRIMER_TOOLS_PYTHON`.
enum QRDecoderTool {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/qr_decode.py")

    struct Decoded: Decodable, CustomStringConvertible {
        var text: String
        var ec_level: String
        var version: String?
        var mask: Int?
        var unused_ec: Double?
        var description: String { "\(text.prefix(40).debugDescription) (\(ec_level), version \(version ?? "?"))" }
    }

    private struct FileResult: Decodable {
        var file: String
        var results: [Decoded]
    }

    static func levelName(_ level: QRCode.ErrorCorrection) -> String {
        switch level {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    /// `PRIMER_TOOLS_PYTHON`, or a failure saying how to get it.
    static func interpreter() throws -> String {
        try #require(TestTools.python, """
            PRIMER_REQUIRE_BROWSER=1 but PRIMER_TOOLS_PYTHON is not set: the QR codes can't be read back by \
            a real decoder. Run scripts/test, which installs zxing-cpp and numpy into .build/tools-venv and \
            sets PRIMER_TOOLS_PYTHON, or set it to a Python with those packages.
            """)
    }

    /// What the decoder read from each symbol's matrix text, in order.
    static func decode(_ symbols: [QRCode], python: String) async throws -> [[Decoded]] {
        try await run(symbols.enumerated().map { ("\($0.offset).txt", $0.element.matrixText + "\n") }, python: python)
    }

    /// What the decoder read from each SVG, in order.
    static func decode(svgs: [String], python interpreter: String) async throws -> [[Decoded]] {
        try await run(svgs.enumerated().map { ("\($0.offset).svg", $0.element) }, python: interpreter)
    }

    private static func run(_ files: [(name: String, contents: String)], python interpreter: String) async throws -> [[Decoded]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("primer-qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for file in files {
            let url = directory.appendingPathComponent(file.name)
            try file.contents.write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let run = try await ChildProcess.run(interpreter, [script.path] + paths)
        try #require(run.status == 0, """
            \(script.lastPathComponent) failed (\(run.status)); is zxing-cpp installed in \(interpreter)? \(run.stderrText)
            """)
        let results = try JSONDecoder().decode([FileResult].self, from: run.stdout)
        try #require(results.count == files.count)
        return results.map(\.results)
    }
}

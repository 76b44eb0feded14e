/// The codeword sequence of a QR symbol (ISO/IEC 18004 §7.4–7.6): the text's bytes in byte mode,
/// the terminator and pad codewords, then each block's Reed–Solomon codewords, interleaved.
enum QRCodewords {
    /// The ECI assignment number of UTF-8 (ISO/IEC 18004 §7.4.2, AIM ECI 26).
    static let utf8ECI = 26

    /// Bits of the segment header for `byteCount`-independent parts: an ECI designator when
    /// `needsECI`, the byte-mode indicator and the character count (8 bits up to version 9,
    /// 16 from version 10).
    static func headerBits(version: Int, needsECI: Bool) -> Int {
        (needsECI ? 4 + 8 : 0) + 4 + characterCountBits(version: version)
    }

    /// Length of the byte-mode character count indicator (Table 3).
    static func characterCountBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    /// The most bytes a symbol of `version` and `level` holds in byte mode.
    static func byteCapacity(version: Int, level: QRCode.ErrorCorrection, needsECI: Bool) -> Int {
        let layout = QRBlockLayout(version: version, errorCorrection: level)
        let available = layout.dataCodewords * 8 - headerBits(version: version, needsECI: needsECI)
        return min(available / 8, (1 << characterCountBits(version: version)) - 1)
    }

    /// The data codewords: [ECI 26 when `needsECI`] byte mode, the count, the bytes, up to four
    /// zero bits of terminator, zero bits to a byte boundary, then 0xEC 0x11 … to fill the symbol.
    static func dataCodewords(_ bytes: [UInt8], layout: QRBlockLayout, needsECI: Bool) -> [UInt8] {
        var buffer = QRBitBuffer()
        if needsECI {
            buffer.append(0b0111, length: 4)
            buffer.append(utf8ECI, length: 8)  // one-byte designator: 0xxxxxxx
        }
        buffer.append(0b0100, length: 4)
        buffer.append(bytes.count, length: characterCountBits(version: layout.version))
        for byte in bytes { buffer.append(Int(byte), length: 8) }
        let capacity = layout.dataCodewords * 8
        precondition(buffer.count <= capacity, "data doesn't fit the chosen version")
        buffer.append(0, length: min(4, capacity - buffer.count))
        buffer.append(0, length: (8 - buffer.count % 8) % 8)
        var codewords = buffer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < layout.dataCodewords {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// `data` split into the layout's blocks (short blocks first).
    static func blocks(_ data: [UInt8], layout: QRBlockLayout) -> [[UInt8]] {
        precondition(data.count == layout.dataCodewords, "wrong number of data codewords")
        var blocks: [[UInt8]] = []
        var start = 0
        for index in 0..<layout.blockCount {
            let length = layout.shortBlockDataCodewords + (index < layout.shortBlockCount ? 0 : 1)
            blocks.append(Array(data[start..<start + length]))
            start += length
        }
        return blocks
    }

    /// The final sequence: the data codewords taken column by column across the blocks
    /// (group 2's extra codeword last), then the error-correction codewords the same way.
    static func interleaved(_ data: [UInt8], layout: QRBlockLayout) -> [UInt8] {
        let dataBlocks = blocks(data, layout: layout)
        let encoder = ReedSolomonEncoder(degree: layout.errorCorrectionPerBlock)
        let errorBlocks = dataBlocks.map { encoder.remainder($0) }
        var result: [UInt8] = []
        result.reserveCapacity(layout.totalCodewords)
        for column in 0...layout.shortBlockDataCodewords {
            for block in dataBlocks where column < block.count { result.append(block[column]) }
        }
        for column in 0..<layout.errorCorrectionPerBlock {
            for block in errorBlocks { result.append(block[column]) }
        }
        precondition(result.count == layout.totalCodewords, "codeword count mismatch")
        return result
    }
}

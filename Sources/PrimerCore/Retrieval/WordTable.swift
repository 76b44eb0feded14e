/// An open-addressing hash map from UTF-8 byte strings to small integers, so index building can
/// look words up straight from the scanner's buffer without creating a `String` per occurrence.
struct WordTable {
    private var slots: [Int32] = Array(repeating: -1, count: 1024)
    private var arena: [UInt8] = []
    private var bounds: [Int] = [0]
    private var values: [Int] = []

    /// The value stored for `key`, if any.
    func value(for key: UnsafeBufferPointer<UInt8>) -> Int? {
        let slot = findSlot(key)
        return slots[slot] < 0 ? nil : values[Int(slots[slot])]
    }

    /// Stores `value` for `key` (which must not be present yet).
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, value: Int) {
        if (values.count + 1) * 2 > slots.count { grow() }
        let slot = findSlot(key)
        slots[slot] = Int32(values.count)
        arena.append(contentsOf: key)
        bounds.append(arena.count)
        values.append(value)
    }

    private func findSlot(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(key)) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 || matches(entry, key) { return slot }
            slot = (slot + 1) & mask
        }
    }

    private func matches(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = bounds[entry], end = bounds[entry + 1]
        guard end - start == key.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            var k = 0
            while k < key.count, stored[start + k] == key[k] { k += 1 }
            return k == key.count
        }
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for entry in values.indices {
            var slot = arena.withUnsafeBufferPointer {
                Int(truncatingIfNeeded: Self.hash(UnsafeBufferPointer(rebasing: $0[bounds[entry]..<bounds[entry + 1]])))
            } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(entry)
        }
    }

    /// 64-bit FNV-1a.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }
}

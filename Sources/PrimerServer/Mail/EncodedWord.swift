import Foundation

/// Header text for mail (RFC 5322 and RFC 2047): plain ASCII as is, anything else as
/// `=?UTF-8?B?…?=` encoded words of at most 64 characters, never splitting a code point.
enum EncodedWord {
    /// Encoded words of at most 64 characters each (RFC 2047 allows 75), for `text` that is not plain ASCII.
    static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {  // whole code points, so every word is valid UTF-8
            let bytes = Array(String(scalar).utf8)
            // 39 bytes → 52 base64 characters + 12: 64, so even after "Subject: " a line stays within 78.
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append(word(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    /// True when `text` can go into a header unencoded: printable ASCII and spaces.
    static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// An unstructured header's value (Subject): ASCII folded at spaces, anything else as
    /// encoded words, one per line after the first, so no line passes 78 characters.
    static func headerValue(_ text: String, nameLength: Int) -> String {
        let text = text.map { $0 == "\r" || $0 == "\n" || $0 == "\t" ? " " : String($0) }.joined()
        guard isPlainASCII(text) else { return encode(text).joined(separator: "\r\n ") }
        return fold(text, firstLineUsed: nameLength + 2)
    }

    /// A display name as a phrase: atoms as is, other ASCII quoted, anything else encoded.
    static func phrase(_ name: String) -> String {
        guard isPlainASCII(name) else { return encode(name).joined(separator: "\r\n ") }
        let atext = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-/=?^_`{|}~ ")
        if name.allSatisfy({ atext.contains($0) }) { return name }
        return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// ASCII text folded at spaces into lines of at most 78 characters where it can be.
    static func fold(_ text: String, firstLineUsed: Int) -> String {
        var result = "", lineLength = firstLineUsed
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 {
                if lineLength + 1 + word.count > 78 {
                    result += "\r\n "
                    lineLength = 1
                } else {
                    result += " "
                    lineLength += 1
                }
            }
            result += word
            lineLength += word.count
        }
        return result
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }
}

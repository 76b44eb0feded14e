import Foundation

/// Substring tests on UTF-8 bytes, for the many fixed phrases answering looks for ("for
/// example", " how do i "): Foundation's `contains` goes through `NSString` and showed up as
/// the largest cost of composing an answer.
extension StringProtocol {
    /// Whether `phrase` occurs in the string, byte for byte.
    func containsPhrase(_ phrase: String) -> Bool {
        var phrase = phrase
        return phrase.withUTF8 { needle in
            guard let first = needle.first else { return true }
            var found = false
            var copy = String(self)
            copy.withUTF8 { haystack in
                guard haystack.count >= needle.count else { return }
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first, memcmp(haystack.baseAddress! + index, needle.baseAddress!, needle.count) == 0 {
                        found = true
                        return
                    }
                    index += 1
                }
            }
            return found
        }
    }

    /// Whether any of `phrases` occurs in the string.
    func containsAnyPhrase(_ phrases: [String]) -> Bool {
        phrases.contains { containsPhrase($0) }
    }
}

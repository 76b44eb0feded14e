/// An email address with an optional display name, as in `Primer <primer@example.com>`.
///
/// Only printable-ASCII addresses are accepted (Primer's SMTP client does not speak SMTPUTF8),
/// and nothing that could end an SMTP command or a header line (CR, LF, `<`, `>`, spaces) can
/// be part of one. Display names may be any text (line breaks are dropped); they are encoded
/// when a header is written.
public struct MailAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `local@domain`.
    public let address: String
    /// The display name, if any (`Primer` in `Primer <primer@example.com>`).
    public let name: String?

    /// `address` (checked by `isValid`) with an optional display name.
    public init(address: String, name: String? = nil) throws(MailAddressError) {
        guard Self.isValid(address) else {
            throw MailAddressError(message: "must be an email address like name@example.com or Name <name@example.com>")
        }
        self.address = address
        self.name = Self.cleanName(name)
    }

    /// A reader's (already validated) address, with an optional display name.
    public init(_ email: EmailAddress, name: String? = nil) {
        self.address = email.value
        self.name = Self.cleanName(name)
    }

    /// Parses `name@example.com`, `Name <name@example.com>` or `"Name, Jr." <name@example.com>`.
    public init(parsing text: String) throws(MailAddressError) {
        let text = text.trimmingWhitespace()
        guard text.hasSuffix(">"), let open = text.lastIndex(of: "<") else {
            try self.init(address: text)
            return
        }
        let address = text[text.index(after: open)..<text.index(before: text.endIndex)].trimmingWhitespace()
        var name = text[..<open].trimmingWhitespace()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            var unquoted = "", escaped = false
            for character in name.dropFirst().dropLast() {
                if character == "\\", !escaped { escaped = true; continue }
                unquoted.append(character)
                escaped = false
            }
            name = unquoted
        }
        try self.init(address: address, name: name)
    }

    /// `Name <address>` or just the address.
    public var description: String { name.map { "\($0) <\(address)>" } ?? address }

    /// The address with its local part hidden but for the first character (`r…@example.com`), for logs.
    public var masked: String {
        guard let at = address.lastIndex(of: "@") else { return "…" }
        return "\(address.first.map(String.init) ?? "")…\(address[at...])"
    }

    /// The domain after the `@`.
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return address }
        return String(address[address.index(after: at)...])
    }

    /// True for `local@domain` in printable ASCII: exactly one `@`, a local part of 1–64 bytes
    /// without space, `<`, `>`, `(`, `)`, `,`, `;`, `:`, `\`, `"`, `[`, `]`; a domain of
    /// letter/digit/hyphen labels separated by dots (`localhost` is allowed); at most 254 bytes.
    public static func isValid(_ address: String) -> Bool {
        let parts = address.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        let forbidden = Set(" <>(),;:\\\"[]".utf8)
        guard !local.isEmpty, local.count <= 64,
              local.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "-")
            }
        }
    }

    private static func cleanName(_ name: String?) -> String? {
        guard let name else { return nil }
        let cleaned = String(name.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
            .trimmingWhitespace()
        return cleaned.isEmpty ? nil : cleaned
    }
}

/// Why a text is not a usable email address.
public struct MailAddressError: Error, Equatable, Sendable {
    public let message: String
}

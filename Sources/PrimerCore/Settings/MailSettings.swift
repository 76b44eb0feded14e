/// Outgoing email: the SMTP server mails leave through (`SMTP_URL`), their sender
/// (`EMAIL_FROM`) and the base of the links they carry (`PUBLIC_URL`).
public struct MailSettings: Sendable, Equatable {
    /// The SMTP server (`SMTP_URL`); nil writes mails to `PRIMER_DATA_DIR/outbox/` instead.
    public var smtp: SMTPServer?
    /// The sender of every mail (`EMAIL_FROM`).
    public var from: MailAddress = Self.developmentSender
    /// The base of links in mails (`PUBLIC_URL`), without a trailing slash.
    public var publicURL = "http://127.0.0.1:8080"

    /// The sender when `EMAIL_FROM` is not set (development only).
    public static let developmentSender = try! MailAddress(address: "primer@localhost", name: "Primer")

    public init() {}

    /// Checks `PUBLIC_URL`: an `http://` or `https://` URL with a host and no query or fragment.
    /// Returns it without a trailing slash.
    public static func parsePublicURL(_ raw: String) throws(MailSettingsError) -> String {
        let lower = raw.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw MailSettingsError("must be an http:// or https:// URL like https://book.example.com")
        }
        let rest = raw.drop(while: { $0 != ":" }).dropFirst(3)
        let host = rest.prefix(while: { $0 != "/" && $0 != ":" })
        guard !host.isEmpty, !raw.contains("?"), !raw.contains("#"),
              !raw.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "<" || $0 == ">" }) else {
            throw MailSettingsError("must be an http:// or https:// URL with a host and no query, like https://book.example.com")
        }
        var url = raw
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// Where mails are sent: `smtp://user:password@host:587` (STARTTLS when the server offers
/// it; `?starttls=required` makes it mandatory) or `smtps://user:password@host:465`
/// (implicit TLS). The user and password are percent-decoded; `?tls_verify=false` accepts any
/// certificate (test servers with self-signed certificates only).
///
/// Its descriptions never show the password.
public struct SMTPServer: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// `smtp://`: plain at first, upgraded with STARTTLS when the server offers it.
        case startTLSWhenOffered
        /// `smtp://…?starttls=required`: STARTTLS or no mail.
        case startTLSRequired
        /// `smtps://`: TLS from the first byte.
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// Whether the server's certificate must be valid for `host` (`tls_verify`, default true).
    public var verifyCertificate: Bool

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, verifyCertificate: Bool = true) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.verifyCertificate = verifyCertificate
    }

    /// Parses an `smtp://` or `smtps://` URL. Error messages never repeat the URL (it may hold a password).
    public init(parsing url: String) throws(MailSettingsError) {
        let usage = "must look like smtp://user:password@host:587 or smtps://user:password@host:465"
        guard let schemeEnd = url.firstRange(of: "://") else { throw MailSettingsError(usage) }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "smtp": security = .startTLSWhenOffered
        case "smtps": security = .implicitTLS
        default: throw MailSettingsError("\(usage) (the scheme must be smtp or smtps)")
        }
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if rest.contains("#") { throw MailSettingsError("\(usage) (no fragment)") }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { throw MailSettingsError("\(usage) (no path)") }
            authority = rest[..<slash]
        } else {
            authority = rest
        }
        var hostPort = authority
        username = nil
        password = nil
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let user: Substring, pass: Substring?
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                pass = userInfo[userInfo.index(after: colon)...]
            } else {
                user = userInfo
                pass = nil
            }
            guard let decodedUser = Self.percentDecoded(user) else {
                throw MailSettingsError("\(usage) (the user has a bad %-escape)")
            }
            if !decodedUser.isEmpty { username = decodedUser }
            if let pass {
                guard let decodedPass = Self.percentDecoded(pass) else {
                    throw MailSettingsError("\(usage) (the password has a bad %-escape)")
                }
                password = decodedPass
            }
            if username == nil, password != nil { throw MailSettingsError("\(usage) (a password needs a user)") }
        }
        // Host: a name, an IPv4 address or a bracketed IPv6 address; then an optional port.
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw MailSettingsError("\(usage) (unclosed [ in the host)") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw MailSettingsError("\(usage) (bad host)") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty, host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") }) else {
            throw MailSettingsError("\(usage) (the host is missing)")
        }
        if let portText {
            guard let n = Int(portText), (1...65535).contains(n) else { throw MailSettingsError("\(usage) (the port must be 1-65535)") }
            port = n
        } else {
            port = security == .implicitTLS ? 465 : 587
        }
        verifyCertificate = true
        for item in query.split(separator: "&") where !item.isEmpty {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = pair[0].lowercased(), value = pair.count > 1 ? pair[1].lowercased() : ""
            switch (key, value) {
            case ("starttls", "required"), ("starttls", "true"), ("starttls", "always"):
                guard security != .implicitTLS else { throw MailSettingsError("\(usage) (starttls=required does not apply to smtps://, which is TLS from the start)") }
                security = .startTLSRequired
            case ("starttls", "auto"), ("starttls", "when-offered"), ("starttls", "opportunistic"):
                guard security != .implicitTLS else { throw MailSettingsError("\(usage) (starttls does not apply to smtps://)") }
                security = .startTLSWhenOffered
            case ("tls_verify", "false"), ("tls_verify", "0"), ("tls_verify", "no"): verifyCertificate = false
            case ("tls_verify", "true"), ("tls_verify", "1"), ("tls_verify", "yes"): verifyCertificate = true
            default:
                throw MailSettingsError("\(usage); its options are ?starttls=required and ?tls_verify=false (got '\(key)')")
            }
        }
    }

    /// True when `host` is 127.0.0.0/8, `::1` or `localhost`: the only places Primer sends a
    /// password over a connection that is not encrypted.
    public var isLoopback: Bool {
        let lower = host.lowercased()
        return lower == "localhost" || lower == "::1" || lower.hasPrefix("127.")
    }

    /// `smtp://user:***@host:port?…`, never the password.
    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let user = username.map { "\($0)\(password == nil ? "" : ":***")@" } ?? ""
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var options: [String] = []
        if security == .startTLSRequired { options.append("starttls=required") }
        if !verifyCertificate { options.append("tls_verify=false") }
        return "\(scheme)://\(user)\(shownHost):\(port)" + (options.isEmpty ? "" : "?" + options.joined(separator: "&"))
    }

    public var debugDescription: String { description }

    /// `%XX` escapes decoded as UTF-8; nil for a malformed escape or invalid UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        PercentDecoding.decode(text)
    }

}

/// Why a mail setting cannot be used (never quoting a password).
public struct MailSettingsError: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

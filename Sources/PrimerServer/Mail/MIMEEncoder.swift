import Foundation
import PrimerCore

/// Writes a `MailMessage` as an RFC 5322 message: Date, Message-ID, From, To, Subject (RFC 2047
/// encoded when not ASCII), MIME-Version, and a multipart/alternative body of text and HTML
/// (or text alone), each part UTF-8 in quoted-printable. Every line ends in CRLF and is at most
/// 78 characters (76 in bodies), far within SMTP's 998; the result is 7-bit ASCII.
enum MIMEEncoder {
    /// The message ready for SMTP DATA (before dot-stuffing) or an `.eml` file.
    static func render(_ message: MailMessage, from: MailAddress, date: Date = Date(), messageID: String? = nil,
                       boundary: String? = nil) -> String {
        let messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(from.domain)>"
        var headers = [
            "Date: \(rfc5322Date(date))",
            "From: \(mailbox(from))",
            "To: \(mailbox(message.to))",
            "Subject: \(EncodedWord.headerValue(message.subject, nameLength: "Subject".count))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
        ]
        guard let html = message.html else {
            headers += part(contentType: "text/plain", body: message.text)
            return headers.joined(separator: "\r\n") + "\r\n"
        }
        let boundary = boundary ?? "=_primer_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
        headers.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        // "=_" can never occur in quoted-printable text, so the boundary can't appear in a part.
        let body = [
            "", "--\(boundary)",
            part(contentType: "text/plain", body: message.text).joined(separator: "\r\n"),
            "--\(boundary)",
            part(contentType: "text/html", body: html).joined(separator: "\r\n"),
            "--\(boundary)--", "",
        ]
        return (headers + body).joined(separator: "\r\n")
    }

    /// A part's headers, an empty line and its quoted-printable body (ending in CRLF).
    private static func part(contentType: String, body: String) -> [String] {
        let encoded = QuotedPrintable.encode(body)
        return [
            "Content-Type: \(contentType); charset=UTF-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            String(encoded.dropLast()),  // its last CRLF (one Character); the joiner adds it back
        ]
    }

    /// `Name <address>` with the name as a phrase, or the bare address.
    static func mailbox(_ address: MailAddress) -> String {
        guard let name = address.name else { return address.address }
        return "\(EncodedWord.phrase(name)) <\(address.address)>"
    }

    /// `Tue, 01 Dec 2026 09:05:03 +0000` (always UTC, English names).
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { let n = n ?? 0; return n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 1970) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }
}

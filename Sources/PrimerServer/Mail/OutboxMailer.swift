import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import PrimerCore

/// Without `SMTP_URL` (development): writes each mail as an `.eml` file (mode 0600) into
/// `PRIMER_DATA_DIR/outbox/` (mode 0700) and logs, at info, where it went and the links it
/// holds, so the flows work with no mail server. The files are written on the thread pool,
/// never on an event loop or the concurrency pool's threads.
///
/// The logger masks `token=` values like every other secret, so a logged link reads
/// `…?token=<redacted>`; the whole link is in the file.
struct OutboxMailer: Mailer {
    let directory: String
    let from: MailAddress
    let threadPool: NIOThreadPool
    let logger: Logger

    func send(_ message: MailMessage) async throws(MailError) {
        let text = MIMEEncoder.render(message, from: from)
        let name = Self.fileName()
        let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
        let directory = self.directory
        do {
            try await threadPool.runIfActive {
                try PrivateFiles.ensureDirectory(directory)
                try PrivateFiles.write(Data(text.utf8), to: path)
            }
        } catch {
            throw .outbox("\(path): \(error)")
        }
        let links = message.links
        logger.info("Mail to \(message.to.masked) written to \(path) (no SMTP_URL): \"\(message.subject)\"\(links.isEmpty ? "" : "; link: " + links.joined(separator: " "))")
    }

    /// Numbers the files this process writes, so names sort in the order mails were written.
    private static let sequence = NIOLockedValueBox(0)

    /// `20261201-090503-000001-1a2b3c4d.eml`: sorts by time (then by order within this
    /// process), never collides.
    static func fileName(date: Date = Date()) -> String {
        let number = sequence.withLockedValue { $0 += 1; return $0 % 1_000_000 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func pad(_ n: Int?, _ width: Int) -> String {
            let digits = String(n ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let stamp = pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "-" + pad(c.hour, 2) + pad(c.minute, 2) + pad(c.second, 2)
        return "\(stamp)-\(pad(number, 6))-\(UUID().uuidString.prefix(8).lowercased()).eml"
    }
}

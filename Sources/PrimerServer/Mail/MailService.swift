import Foundation
import PrimerCore
import Vapor

/// Builds the application's `MailQueue` from the settings and stops it with the application.
enum MailService {
    /// SMTP when `SMTP_URL` is set, else the outbox folder. Logs which, once, at start-up
    /// (never the password); the queue is drained when the application shuts down.
    static func start(_ app: Application, settings: PrimerSettings) throws -> MailQueue {
        let mail = settings.mail
        let logger = app.logger
        let mailer: any Mailer
        if let server = mail.smtp {
            let client = try SMTPClient(server: server, clientName: hostName(of: mail.publicURL), group: app.eventLoopGroup)
            mailer = SMTPMailer(client: client, from: mail.from)
            let security = switch server.security {
            case .startTLSWhenOffered: "STARTTLS when offered"
            case .startTLSRequired: "STARTTLS required"
            case .implicitTLS: "TLS"
            }
            logger.info("Mail: through \(server.host):\(server.port) (\(security)\(server.username == nil ? "" : ", with a user and password")), from \(mail.from.address)")
            if !server.verifyCertificate {
                logger.warning("Mail: SMTP_URL has tls_verify=false: the SMTP server's certificate is not checked (for test servers only)")
            }
        } else {
            let directory = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("outbox").path
            mailer = OutboxMailer(directory: directory, from: mail.from, threadPool: app.threadPool, logger: logger)
            logger.info("Mail: no SMTP_URL, so mails are written to \(directory)/ and their links logged")
        }
        let queue = MailQueue(mailer: mailer, logger: logger)
        app.lifecycle.use(Shutdown(queue: queue))
        return queue
    }

    /// The host of `PUBLIC_URL`, given in EHLO.
    static func hostName(of url: String) -> String {
        guard let start = url.firstRange(of: "://")?.upperBound else { return "localhost" }
        let host = url[start...].prefix(while: { $0 != "/" && $0 != ":" && $0 != "?" })
        return host.isEmpty ? "localhost" : String(host)
    }

    /// Sends what is queued (within the grace period) before the application stops.
    private struct Shutdown: LifecycleHandler {
        let queue: MailQueue
        func shutdownAsync(_ application: Application) async {
            await queue.shutdown()
        }
    }
}

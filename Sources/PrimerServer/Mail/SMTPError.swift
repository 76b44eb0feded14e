/// Why an SMTP delivery failed. Carries the server's reply code and text when the server
/// said no; never a password (AUTH commands are named, not quoted).
enum SMTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, unreachable, name not found).
    case connectionFailed(host: String, port: Int, reason: String)
    /// No connection or reply within the time allowed; `waitingFor` names the step.
    case timedOut(waitingFor: String)
    /// The server closed the connection while a reply was expected.
    case connectionClosed(waitingFor: String)
    /// The server answered `command` with an unexpected code.
    case rejected(command: String, code: Int, text: String)
    /// The server refused the user name or password (AUTH answered 535 or similar).
    case authenticationFailed(code: Int, text: String)
    /// Credentials are configured but the server offers no mechanism Primer speaks (PLAIN, LOGIN).
    case noAuthenticationMechanism(offered: [String])
    /// Credentials are configured but the connection is not encrypted (STARTTLS not offered)
    /// and the server is not on this machine: the password is not sent in the clear.
    case authenticationNeedsTLS
    /// `?starttls=required`, and the server does not offer STARTTLS.
    case startTLSNotOffered
    /// The TLS handshake failed (for example an untrusted or mismatched certificate).
    case tls(String)
    /// The server's reply could not be read as SMTP, or it broke the protocol.
    case protocolViolation(String)
    /// A sender or recipient address that cannot be put in an SMTP command.
    case invalidAddress(String)

    /// The server's reply code, when the server answered.
    var code: Int? {
        switch self {
        case .rejected(_, let code, _), .authenticationFailed(let code, _): code
        default: nil
        }
    }

    /// The server's reply text, when the server answered.
    var serverText: String? {
        switch self {
        case .rejected(_, _, let text), .authenticationFailed(_, let text): text
        default: nil
        }
    }

    /// True when trying again later may succeed: network trouble, timeouts and 4xx replies.
    /// A 5xx reply, refused credentials or a configuration mismatch will fail the same way again.
    var isTransient: Bool {
        switch self {
        case .connectionFailed, .timedOut, .connectionClosed, .protocolViolation: true
        case .rejected(_, let code, _): (400..<500).contains(code)
        case .authenticationFailed(let code, _): (400..<500).contains(code)
        case .noAuthenticationMechanism, .authenticationNeedsTLS, .startTLSNotOffered, .tls, .invalidAddress: false
        }
    }

    var description: String {
        switch self {
        case let .connectionFailed(host, port, reason): "cannot connect to the SMTP server \(host):\(port): \(reason)"
        case let .timedOut(step): "the SMTP server did not answer in time (waiting for \(step))"
        case let .connectionClosed(step): "the SMTP server closed the connection (waiting for \(step))"
        case let .rejected(command, code, text): "the SMTP server refused \(command): \(code) \(text)"
        case let .authenticationFailed(code, text): "the SMTP server refused the credentials (\(code) \(text))"
        case let .noAuthenticationMechanism(offered):
            "the SMTP server offers no authentication Primer speaks (PLAIN, LOGIN); it offers: \(offered.isEmpty ? "none" : offered.joined(separator: " "))"
        case .authenticationNeedsTLS: "the SMTP connection is not encrypted (the server offers no STARTTLS), so the password is not sent"
        case .startTLSNotOffered: "SMTP_URL requires STARTTLS (starttls=required) but the server does not offer it"
        case let .tls(reason): "TLS with the SMTP server failed: \(reason)"
        case let .protocolViolation(reason): "the SMTP server broke the protocol: \(reason)"
        case let .invalidAddress(reason): "invalid mail address: \(reason)"
        }
    }
}

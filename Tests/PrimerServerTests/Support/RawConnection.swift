#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// A plain TCP connection to a test server, for what an HTTP client library won't do: send a
/// request head a byte at a time, declare a body and never send it, or stay silent. Blocking
/// socket calls run on a Dispatch thread, never on the Swift concurrency pool the server needs.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    /// Connects to `127.0.0.1:port`. Reads give up after `readLimit` seconds (a safety net for a
    /// broken server, so a failing test ends; no test outcome depends on it).
    init(port: Int, readLimit: Int = 60) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw TestSetupError("connect() failed: \(errno)") }
        var timeout = timeval(tv_sec: readLimit, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    /// Sends `text`; false once the server has closed the connection.
    func send(_ text: String) async -> Bool {
        await blocking { [fd] in
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
        }
    }

    /// Everything the server sends until it closes the connection (`closed` true), or until
    /// nothing came for the read limit (`closed` false).
    func readToEnd() async -> (text: String, closed: Bool) {
        await blocking { [fd] in
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { data += buffer[0..<n]; continue }
                return (String(decoding: data, as: UTF8.self), n == 0 || errno == ECONNRESET)
            }
        }
    }

    /// Reads until `marker` has arrived (or the connection closes); returns what was read.
    func read(until marker: String) async -> String {
        await blocking { [fd] in
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while !String(decoding: data, as: UTF8.self).contains(marker) {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                data += buffer[0..<n]
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// True if the server has answered or closed the connection (looked at without waiting or
    /// consuming data).
    func peekClosed() async -> Bool {
        await blocking { [fd] in
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Notices when the SQLite file a running server opened is deleted or replaced (another file
/// at the same path): SQLite keeps writing to the unlinked file, so every later write would be
/// acknowledged and then lost at restart. `/health` reports it and writes fail with 503.
struct DatabaseFileWatch: Sendable {
    /// What happened to the file.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case missing(path: String)
        case replaced(path: String)

        var description: String {
            switch self {
            case .missing(let path): "the database file \(path) was deleted while the server was running"
            case .replaced(let path): "the database file \(path) was replaced while the server was running"
            }
        }
    }

    let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Remembers the file now at `path`; nil if there is none.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.path = path
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The problem with the file, or nil when it is still the one opened (one `stat` call).
    func check() -> Problem? {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing(path: path) }
        guard UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else { return .replaced(path: path) }
        return nil
    }
}

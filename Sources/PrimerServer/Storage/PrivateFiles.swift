#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// The data directory holds password hashes and the development secret: it is created 0700
/// and its files 0600, whatever the umask. Existing ones that are more open are left alone
/// (an operator may have reasons) but reported at start-up.
enum PrivateFiles {
    /// Creates `path` (and missing parents) with mode 0700 if it does not exist.
    static func ensureDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = chmod(path, 0o700)  // the umask may have narrowed or ignored the requested mode
    }

    /// Creates an empty file at `path` with mode 0600 if there is none (so that SQLite, which
    /// keeps an existing file's mode and gives it to its -wal and -shm files, never makes it 0644).
    static func ensureFile(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            _ = fchmod(fd, 0o600)
            close(fd)
        } else if errno != EEXIST {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    /// Writes `contents` to a new file at `path` with mode 0600 (replacing any file there).
    static func write(_ contents: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        _ = fchmod(fd, 0o600)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let written = (try? handle.write(contentsOf: contents)) != nil
        try? handle.close()
        guard written, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw POSIXError(.EIO)
        }
    }

    /// The permission bits of `path`, or nil if it does not exist.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }

    /// Warns about each of `paths` that group or others can read, write or enter.
    static func warnIfOpen(_ paths: [String], logger: Logger) {
        var seen = Set<String>()
        for path in paths where seen.insert(URL(fileURLWithPath: path).standardizedFileURL.path).inserted {
            guard let mode = mode(of: path), mode & 0o077 != 0 else { continue }
            logger.warning("\(path) is readable by other users (mode \(String(mode, radix: 8))): it holds password hashes or secrets. Run: chmod go-rwx \(path)")
        }
    }
}

import AsyncKit
import FluentPostgresDriver
import NIOCore
import SQLiteNIO

/// Recognises errors that mean "the database cannot serve us right now" (unreachable,
/// out of connections, shutting down, busy) as opposed to bugs, so they become 503s.
enum DatabaseAvailability {
    static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown:
                return true
            case .server:
                // 08: connection exception, 53: insufficient resources, 57P: operator intervention.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P")
            default:
                return false
            }
        case is ConnectionPoolTimeoutError, is ChannelError:
            return true
        case let error as SQLiteError:
            switch error.reason {
            case .busy, .locked, .cantOpen, .ioError, .full, .busyTimeout, .busyInRecovery, .busyInSnapshot: return true
            default: return false
            }
        case is NIOConnectionError:
            return true
        default:
            return false
        }
    }
}

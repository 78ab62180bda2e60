#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyServer
import Logging

/// The soft limit on open files, raised at start to what the control socket's caps
/// may take plus room for ingest, the index, ALSA and USB. Under systemd the unit's
/// `LimitNOFILE=` already gives that; a daemon started by hand inherits the shell's
/// soft limit (often 1024), which a full set of connections would exhaust.
enum DescriptorLimit {
    /// Descriptors kept for everything but control connections.
    static let reserve: UInt = 1024

    /// Descriptors needed with `limits`: every served and every lingering refused connection, and the reserve.
    static func needed(for limits: ConnectionLimits) -> UInt {
        UInt(limits.maxConnections + max(limits.maxConnections, 64)) + reserve
    }

    static func ensure(for limits: ConnectionLimits, logger: Logger) {
        let needed = rlim_t(Self.needed(for: limits))
        var current = rlimit()
        do {
            _ = try systemCall("getrlimit", "RLIMIT_NOFILE") { getrlimit(RLIMIT_NOFILE_VALUE, &current) }
            guard current.rlim_cur < needed else { return }
            var raised = current
            raised.rlim_cur = min(needed, current.rlim_max)
            _ = try systemCall("setrlimit", "RLIMIT_NOFILE") { setrlimit(RLIMIT_NOFILE_VALUE, &raised) }
            logger.info("open-file limit raised from \(current.rlim_cur) to \(raised.rlim_cur)")
            if raised.rlim_cur < needed {
                logger.warning("open-file limit \(raised.rlim_cur) is below the \(needed) that control.maxConnections = \(limits.maxConnections) may take; lower it or raise LimitNOFILE")
            }
        } catch {
            logger.warning("cannot raise the open-file limit: \(error)")
        }
    }

    #if canImport(Glibc)
    /// Glibc imports RLIMIT_NOFILE as an enum case; the calls take its raw value.
    private static let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #endif
}

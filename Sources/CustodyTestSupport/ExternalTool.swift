import Foundation

/// A program the tests run as an independent check or to make their inputs (sox,
/// The Sleuth Kit, Python's zlib, …), named with the Debian package that installs it,
/// so that a missing one FAILS the test with a message saying what to install, never
/// skips it (`scripts/install-deps.sh` installs them all; `make test` runs it).
/// Every test target runs its tools through this one runner (`ExternalToolRun.swift`).
public struct ExternalTool: Sendable, Hashable, CustomStringConvertible {
    /// A name looked up on PATH (then /usr/sbin, /sbin), or an absolute path.
    public let name: String
    /// The Debian package that installs it.
    public let package: String

    public init(_ name: String, package: String) {
        self.name = name
        self.package = package
    }

    public var description: String { name }

    /// The absolute path of the tool, or a ``ToolError`` naming it and its package.
    public func path() throws(ToolError) -> String {
        if name.hasPrefix("/") {
            guard FileManager.default.isExecutableFile(atPath: name) else { throw missing() }
            return name
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw missing()
    }

    private func missing() -> ToolError {
        ToolError(.missing, "required tool '\(name)' is not installed (Debian package: \(package); scripts/install-deps.sh installs it)")
    }
}

/// The tools the tests use, each with its Debian package.
extension ExternalTool {
    /// Debian's own Python (the `python3` first on PATH may be another one).
    public static let python3 = ExternalTool("/usr/bin/python3", package: "python3")
    public static let bash = ExternalTool("/bin/bash", package: "bash")
    public static let sha256sum = ExternalTool("sha256sum", package: "coreutils")
    public static let truncate = ExternalTool("truncate", package: "coreutils")
    public static let unzip = ExternalTool("unzip", package: "unzip")
    public static let curl = ExternalTool("curl", package: "curl")
    public static let setpriv = ExternalTool("setpriv", package: "util-linux")
    public static let losetup = ExternalTool("losetup", package: "mount")
    public static let blkid = ExternalTool("blkid", package: "util-linux")
    public static let mkfsFAT = ExternalTool("mkfs.fat", package: "dosfstools")
    public static let mcopy = ExternalTool("mcopy", package: "mtools")
    public static let mmd = ExternalTool("mmd", package: "mtools")
    public static let fls = ExternalTool("fls", package: "sleuthkit")
    public static let icat = ExternalTool("icat", package: "sleuthkit")
    public static let fsstat = ExternalTool("fsstat", package: "sleuthkit")
    public static let sox = ExternalTool("sox", package: "sox")
    public static let soxi = ExternalTool("soxi", package: "sox")
    public static let espeakNG = ExternalTool("espeak-ng", package: "espeak-ng")
    public static let ffmpeg = ExternalTool("ffmpeg", package: "ffmpeg")
    public static let exiftool = ExternalTool("exiftool", package: "libimage-exiftool-perl")
    public static let mediainfo = ExternalTool("mediainfo", package: "mediainfo")
}

/// A tool is missing, could not start, failed or ran too long: a test that needed it
/// fails with this, naming the tool.
public struct ToolError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, stable for tests that look.
    public enum Code: String, Sendable {
        /// Not installed (the message names its Debian package).
        case missing
        /// Installed, but could not be started.
        case launch
        /// Exited with a status other than 0.
        case failed
        /// Killed after running longer than allowed.
        case timedOut
        /// Ran, but printed something the test cannot read.
        case output
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

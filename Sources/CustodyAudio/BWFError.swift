import Glibc

/// A Broadcast Wave segment could not be written, read or repaired: what failed,
/// on which file, and (for a system call) the call and its errno.
public struct BWFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable code naming the kind of failure (the control API returns it).
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A system call failed (``BWFError/call`` and ``BWFError/errno`` say which and why).
        public static let systemCall = Code(rawValue: "bwf.system-call")
        /// The file is not RIFF/WAVE or RF64/WAVE.
        public static let notWave = Code(rawValue: "bwf.not-wave")
        /// The file has no readable `fmt ` chunk, or one Custody cannot interpret.
        public static let badFormatChunk = Code(rawValue: "bwf.bad-format-chunk")
        /// The file ends before its `data` chunk begins: nothing to recover.
        public static let noDataChunk = Code(rawValue: "bwf.no-data-chunk")
        /// The data passed the 32-bit size limit and the file has no `JUNK` chunk
        /// right after the RIFF header to turn into `ds64`.
        public static let noRoomForDataSize64 = Code(rawValue: "bwf.no-room-for-ds64")
        /// The format does not fit the WAV header's fields (channels, block size, byte rate).
        public static let fieldTooLarge = Code(rawValue: "bwf.field-too-large")
        /// The writer was used after ``BWFWriter/finish()`` or after a failure.
        public static let closed = Code(rawValue: "bwf.closed")
    }

    public var code: Code
    /// The file concerned.
    public var path: String
    /// What happened and, where it helps, what to do.
    public var message: String
    /// The system call that failed, for ``Code/systemCall``.
    public var call: String?
    /// Its errno, for ``Code/systemCall``.
    public var errno: Int32?

    public init(code: Code, path: String, message: String, call: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.call = call
        self.errno = errno
    }

    /// A failed system call on `path`.
    static func systemCall(_ call: String, path: String, errno code: Int32) -> BWFError {
        BWFError(code: .systemCall, path: path, message: "\(call): \(String(cString: strerror(code)))",
                 call: call, errno: code)
    }

    public var description: String { "\(path): \(message) [\(code)]" }
}

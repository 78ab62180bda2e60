import CALSA
import Glibc

/// A failed alsa-lib call: which call, on which PCM, the negative error code
/// alsa-lib returned, its errno name and its text (`snd_strerror`).
///
/// Every negative alsa-lib return in Custody becomes one of these through
/// ``ALSAError/check(_:pcm:_:)``, the one place that does the conversion. The
/// stable code callers and the control API can rely on is ``code`` (with its
/// name, e.g. `"ENOENT"`, in ``name``).
public struct ALSAError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The alsa-lib function that failed, e.g. `"snd_pcm_hw_params_set_rate"`.
    public var call: String
    /// The PCM the call was about, as configured (e.g. `"hw:CARD=Interface,DEV=0"`).
    public var pcm: String
    /// The negative error code alsa-lib returned (`-errno`).
    public var code: Int32
    /// The errno name of ``code`` (`"ENOENT"`, `"EPIPE"` …; `"E<n>"` when unnamed).
    public var name: String
    /// `snd_strerror(code)`, followed by what Custody knows more, where it does.
    public var message: String

    public init(call: String, pcm: String, code: Int32, name: String, message: String) {
        self.call = call
        self.pcm = pcm
        self.code = code
        self.name = name
        self.message = message
    }

    /// The error for an alsa-lib return code, described by `snd_strerror`; `detail`
    /// (a sentence saying what happened and what to do) is appended where given.
    public init(call: String, pcm: String, code: Int32, detail: String? = nil) {
        let text = Self.alsaMessage(code)
        self.init(call: call, pcm: pcm, code: code, name: Self.errnoName(code),
                  message: detail.map { "\(text): \($0)" } ?? text)
    }

    public var description: String {
        "\(call)(\(pcm)): \(name): \(message) [\(code)]"
    }

    /// Throws an ``ALSAError`` naming `call` and `pcm` when `result` is negative;
    /// returns it otherwise.
    @discardableResult
    public static func check<Result: BinaryInteger>(
        _ call: @autoclosure () -> String, pcm: @autoclosure () -> String, _ result: Result
    ) throws(ALSAError) -> Result {
        guard result < 0 else { return result }
        throw ALSAError(call: call(), pcm: pcm(), code: Int32(truncatingIfNeeded: result))
    }

    /// `snd_strerror` (alsa-lib's text for a negative errno or one of its own codes).
    public static func alsaMessage(_ code: Int32) -> String { String(cString: snd_strerror(code)) }

    /// The errno name of a negative code, for the codes alsa-lib returns.
    public static func errnoName(_ code: Int32) -> String {
        switch -code {
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case EINTR: "EINTR"
        case EIO: "EIO"
        case ENXIO: "ENXIO"
        case EBADF: "EBADF"
        case EAGAIN: "EAGAIN"
        case ENOMEM: "ENOMEM"
        case EACCES: "EACCES"
        case EBUSY: "EBUSY"
        case ENODEV: "ENODEV"
        case EINVAL: "EINVAL"
        case EPIPE: "EPIPE"
        case ENOSYS: "ENOSYS"
        case ESTRPIPE: "ESTRPIPE"
        case EBADFD: "EBADFD"
        case ETIMEDOUT: "ETIMEDOUT"
        case ENOTTY: "ENOTTY"
        default: "E\(-code)"
        }
    }
}

extension ALSAError {
    /// Codes Custody's callers test for (negative, as alsa-lib returns them).
    public enum Code {
        /// No PCM of that name is configured, or its device node does not exist.
        public static let notFound = -ENOENT
        /// The device cannot give what was asked (rate, channels, format, access).
        public static let invalidArgument = -EINVAL
        /// Another program holds the device.
        public static let busy = -EBUSY
        /// Overrun: the capture buffer filled before it was read.
        public static let overrun = -EPIPE
        /// The system suspended the device.
        public static let suspended = -ESTRPIPE
        /// The device went away (USB interface unplugged).
        public static let noDevice = -ENODEV
        /// An input/output error on the device.
        public static let io = -EIO
        /// The PCM is in a state that does not allow the call (e.g. closed).
        public static let badState = -EBADFD
    }

    /// The device can no longer be used: unplugged, or failing.
    public var isDeviceGone: Bool { code == Code.noDevice || code == Code.io || code == -ENXIO }

    /// An operation on a PCM after ``ALSACapturePCM/close()`` or before `open`.
    public static func notOpen(_ call: String, pcm: String) -> ALSAError {
        ALSAError(call: call, pcm: pcm, code: Code.badState,
                  detail: "the PCM is not open (open it first, or it was closed)")
    }
}

import CLibUSB

/// A failed libusb call: which call, on which device, the `LIBUSB_ERROR_*` code,
/// its name (`libusb_error_name`) and its text (`libusb_strerror`).
///
/// Every negative libusb return in Custody becomes one of these through
/// ``USBError/check(_:device:_:)``, the one place that does the conversion.
public struct USBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The libusb function that failed, e.g. `"libusb_open"`.
    public var call: String
    /// The `LIBUSB_ERROR_*` value (negative).
    public var code: Int32
    /// `libusb_error_name(code)`, e.g. `"LIBUSB_ERROR_NO_DEVICE"`.
    public var name: String
    /// `libusb_strerror(code)` or, where Custody knows more, a sentence saying what happened.
    public var message: String
    /// The device the call was about ("1-2.3 2e8a:0c10"), where there is one.
    public var device: String?

    public init(call: String, code: Int32, name: String, message: String, device: String? = nil) {
        self.call = call
        self.code = code
        self.name = name
        self.message = message
        self.device = device
    }

    /// The error for a libusb return code, named and described by libusb itself;
    /// `message` replaces libusb's text where the caller knows better.
    public init(call: String, code: Int32, device: String? = nil, message: String? = nil) {
        self.init(call: call, code: code, name: Self.libusbName(code),
                  message: message ?? Self.libusbMessage(code), device: device)
    }

    public var description: String {
        "\(call)(\(device ?? "")): \(name): \(message) [\(code)]"
    }

    /// Throws a ``USBError`` naming `call` when `result` is negative; returns it otherwise.
    @discardableResult
    public static func check(_ call: @autoclosure () -> String, device: @autoclosure () -> String? = nil,
                             _ result: Int32) throws(USBError) -> Int32 {
        guard result < 0 else { return result }
        throw USBError(call: call(), code: result, device: device())
    }

    /// `libusb_error_name` (works for any integer; unknown codes give "**UNKNOWN**").
    public static func libusbName(_ code: Int32) -> String { String(cString: libusb_error_name(code)) }

    /// `libusb_strerror` (English unless `libusb_setlocale` was called).
    public static func libusbMessage(_ code: Int32) -> String { String(cString: libusb_strerror(code)) }
}

extension USBError {
    /// `LIBUSB_ERROR_*` codes Custody's callers test for.
    public enum Code {
        public static let io = LIBUSB_ERROR_IO.rawValue
        public static let invalidParameter = LIBUSB_ERROR_INVALID_PARAM.rawValue
        public static let access = LIBUSB_ERROR_ACCESS.rawValue
        public static let noDevice = LIBUSB_ERROR_NO_DEVICE.rawValue
        public static let notFound = LIBUSB_ERROR_NOT_FOUND.rawValue
        public static let busy = LIBUSB_ERROR_BUSY.rawValue
        public static let timeout = LIBUSB_ERROR_TIMEOUT.rawValue
        public static let overflow = LIBUSB_ERROR_OVERFLOW.rawValue
        public static let pipe = LIBUSB_ERROR_PIPE.rawValue
        public static let interrupted = LIBUSB_ERROR_INTERRUPTED.rawValue
        public static let noMemory = LIBUSB_ERROR_NO_MEM.rawValue
        public static let notSupported = LIBUSB_ERROR_NOT_SUPPORTED.rawValue
        public static let other = LIBUSB_ERROR_OTHER.rawValue
    }

    /// The device is gone (unplugged, re-enumerated) or its handle was closed.
    public var isDisconnected: Bool { code == Code.noDevice }
    /// The transfer's timeout expired.
    public var isTimeout: Bool { code == Code.timeout }
    /// The transfer was aborted because the calling Task was cancelled.
    public var isCancelled: Bool { code == Code.interrupted }

    /// A transfer aborted because its Task was cancelled.
    public static func cancelled(_ call: String, device: String) -> USBError {
        USBError(call: call, code: Code.interrupted, device: device,
                 message: "cancelled: the calling Task was cancelled, the transfer was aborted")
    }

    /// An operation on a handle after `close()` (or after the bus shut down).
    public static func closed(_ call: String, device: String) -> USBError {
        USBError(call: call, code: Code.noDevice, device: device,
                 message: "the device handle is closed (close() or LibUSBBus.shutdown()); open the device again")
    }
}

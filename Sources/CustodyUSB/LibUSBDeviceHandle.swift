import CLibUSB
import CustodyCore
import Dispatch
import Synchronization

/// An open libusb device (`libusb_open` … `libusb_close`).
///
/// Bulk and interrupt transfers use libusb's asynchronous API: the transfer is
/// submitted, the context's event thread completes it, and the calling thread waits,
/// looking every 10 ms whether its Task was cancelled (then `libusb_cancel_transfer`).
/// `close()` cancels what is in flight, waits for it, then closes.
public final class LibUSBDeviceHandle: USBDeviceHandle {
    /// The device as described when it was opened.
    public let device: USBDeviceDescription
    private let context: LibUSBContext
    private let handle: LibUSBPointer
    private let state = Mutex(State())
    private let label: String

    private struct State {
        var isClosed = false
        var registration: Int?
        /// Operations using `handle` right now; the last one out after `close()` signals `drained`.
        var inFlight = 0
        var pending: [ObjectIdentifier: TransferPointer] = [:]
        var drained: DispatchSemaphore?
    }

    init(device: USBDeviceDescription, context: LibUSBContext, handle: OpaquePointer) {
        self.device = device
        self.context = context
        self.handle = LibUSBPointer(handle)
        self.label = device.label
        let registration = context.register { [weak self] in self?.close() }
        state.withLock { $0.registration = registration }
        if registration == nil { close() }  // the bus shut down meanwhile
    }

    deinit { close() }

    // MARK: - Interfaces and strings

    public func claimInterface(_ number: UInt8) throws(USBError) {
        _ = try withHandle("libusb_claim_interface") { h throws(USBError) in
            try USBError.check("libusb_claim_interface", device: label, libusb_claim_interface(h, Int32(number)))
        }
    }

    public func releaseInterface(_ number: UInt8) throws(USBError) {
        _ = try withHandle("libusb_release_interface") { h throws(USBError) in
            try USBError.check("libusb_release_interface", device: label, libusb_release_interface(h, Int32(number)))
        }
    }

    public func stringDescriptor(_ index: UInt8) throws(USBError) -> String {
        try withHandle("libusb_get_string_descriptor") { h throws(USBError) in
            do throws(USBError) {
                let language = try LibUSBDescriber.firstLanguage(h, timeout: 1000)
                return try LibUSBDescriber.string(h, index: index, language: language, timeout: 1000)
            } catch {
                var error = error
                error.device = label
                throw error
            }
        }
    }

    // MARK: - Transfers

    public func bulkWrite(endpoint: UInt8, _ data: [UInt8], timeout: Duration) throws(USBError) -> Int {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(data.count, 1))
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: data)
        return try transfer(.bulk, endpoint: endpoint & 0x7F, buffer: buffer, length: data.count, timeout: timeout)
    }

    public func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        try read(.bulk, endpoint: endpoint, maxLength: maxLength, timeout: timeout)
    }

    public func interruptRead(endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        try read(.interrupt, endpoint: endpoint, maxLength: maxLength, timeout: timeout)
    }

    private func read(_ kind: TransferKind, endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(maxLength, 1))
        buffer.initialize(repeating: 0)
        defer { buffer.deallocate() }
        let count = try transfer(kind, endpoint: endpoint | 0x80, buffer: buffer, length: maxLength, timeout: timeout)
        return Array(buffer.prefix(count))
    }

    enum TransferKind {
        case bulk, interrupt
        var call: String { self == .bulk ? "libusb_bulk_transfer" : "libusb_interrupt_transfer" }
    }

    /// Submits one transfer and waits for it; returns `actual_length`.
    private func transfer(_ kind: TransferKind, endpoint: UInt8, buffer: UnsafeMutableBufferPointer<UInt8>,
                          length: Int, timeout: Duration) throws(USBError) -> Int {
        guard length >= 0, length <= Int(Int32.max) else {
            throw USBError(call: kind.call, code: USBError.Code.invalidParameter, device: label, message: "invalid length \(length)")
        }
        return try withHandle(kind.call) { h throws(USBError) in
            guard let transfer = libusb_alloc_transfer(0) else {
                throw USBError(call: "libusb_alloc_transfer", code: USBError.Code.noMemory, device: label)
            }
            defer { libusb_free_transfer(transfer) }
            let completion = TransferCompletion()
            let context = Unmanaged.passRetained(completion)
            defer { context.release() }
            let milliseconds = Self.milliseconds(timeout)
            switch kind {
            case .bulk:
                libusb_fill_bulk_transfer(transfer, h, endpoint, buffer.baseAddress, Int32(length),
                                          transferCallback, context.toOpaque(), milliseconds)
            case .interrupt:
                libusb_fill_interrupt_transfer(transfer, h, endpoint, buffer.baseAddress, Int32(length),
                                               transferCallback, context.toOpaque(), milliseconds)
            }
            try USBError.check("libusb_submit_transfer", device: label, libusb_submit_transfer(transfer))

            let key = ObjectIdentifier(completion)
            let closedMeanwhile = state.withLock { s -> Bool in
                s.pending[key] = TransferPointer(transfer)
                return s.isClosed
            }
            if closedMeanwhile { _ = libusb_cancel_transfer(transfer) }
            var cancelledByTask = false
            while completion.done.wait(timeout: .now() + .milliseconds(10)) == .timedOut {
                if !cancelledByTask && Task.isCancelled {
                    cancelledByTask = true
                    _ = libusb_cancel_transfer(transfer)
                }
            }
            state.withLock { _ = $0.pending.removeValue(forKey: key) }

            let actual = Int(transfer.pointee.actual_length)
            let detail = "endpoint 0x\(String(endpoint, radix: 16)), \(length) bytes, timeout \(milliseconds) ms"
            switch transfer.pointee.status {
            case LIBUSB_TRANSFER_COMPLETED:
                return actual
            case LIBUSB_TRANSFER_CANCELLED:
                throw cancelledByTask ? USBError.cancelled(kind.call, device: label) : USBError.closed(kind.call, device: label)
            case LIBUSB_TRANSFER_TIMED_OUT:
                throw USBError(call: kind.call, code: USBError.Code.timeout, device: label,
                               message: "\(USBError.libusbMessage(USBError.Code.timeout)) (\(detail), \(actual) transferred)")
            case LIBUSB_TRANSFER_STALL:
                throw USBError(call: kind.call, code: USBError.Code.pipe, device: label,
                               message: "endpoint stalled (\(detail))")
            case LIBUSB_TRANSFER_NO_DEVICE:
                throw USBError(call: kind.call, code: USBError.Code.noDevice, device: label,
                               message: "\(USBError.libusbMessage(USBError.Code.noDevice)) (\(detail))")
            case LIBUSB_TRANSFER_OVERFLOW:
                throw USBError(call: kind.call, code: USBError.Code.overflow, device: label,
                               message: "the device sent more than requested (\(detail))")
            default:
                throw USBError(call: kind.call, code: USBError.Code.io, device: label,
                               message: "transfer failed (\(detail))")
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 1 }
        let ms = seconds.multipliedReportingOverflow(by: 1000)
        guard !ms.overflow else { return UInt32.max }
        let total = ms.partialValue + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return UInt32(clamping: max(total, 1))  // 0 would mean "no timeout" to libusb
    }

    // MARK: - Closing

    public func close() {
        let (drained, closeNow) = state.withLock { s -> (DispatchSemaphore?, Bool) in
            guard !s.isClosed else { return (nil, false) }
            s.isClosed = true
            for transfer in s.pending.values { _ = libusb_cancel_transfer(transfer.raw) }
            guard s.inFlight > 0 else { return (nil, true) }
            let semaphore = DispatchSemaphore(value: 0)
            s.drained = semaphore
            return (semaphore, true)
        }
        guard closeNow else { return }
        drained?.wait()
        context.close(handle, registration: state.withLock { $0.registration })
    }

    /// Runs `body` with the libusb handle, unless closed; `close()` waits for it.
    private func withHandle<T>(_ call: String, _ body: (OpaquePointer) throws(USBError) -> T) throws(USBError) -> T {
        let open = state.withLock { s -> Bool in
            guard !s.isClosed else { return false }
            s.inFlight += 1
            return true
        }
        guard open else { throw USBError.closed(call, device: label) }
        defer {
            let drained = state.withLock { s -> DispatchSemaphore? in
                s.inFlight -= 1
                return s.isClosed && s.inFlight == 0 ? s.drained : nil
            }
            drained?.signal()
        }
        return try body(handle.raw)
    }
}

/// A submitted transfer, so `close()` can cancel it.
private struct TransferPointer: @unchecked Sendable {
    let raw: UnsafeMutablePointer<libusb_transfer>
    init(_ raw: UnsafeMutablePointer<libusb_transfer>) { self.raw = raw }
}

/// Signalled by libusb (on the event thread) when a transfer finishes in any way.
private final class TransferCompletion: Sendable {
    let done = DispatchSemaphore(value: 0)
}

/// Runs on the event thread: only signals the waiting caller.
private let transferCallback: libusb_transfer_cb_fn = { transfer in
    guard let userData = transfer?.pointee.user_data else { return }
    Unmanaged<TransferCompletion>.fromOpaque(userData).takeUnretainedValue().done.signal()
}

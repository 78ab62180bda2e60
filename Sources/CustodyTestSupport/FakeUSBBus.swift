import CustodyCore
import CustodyUSB
import Synchronization

/// A scripted USB bus for unit tests: the test sets the device list, pushes arrivals
/// and departures, and scripts what each opened device answers.
///
///     let bus = FakeUSBBus(devices: [camera])
///     let events = bus.events()
///     bus.arrive(recorder)                  // every stream sees .arrived(recorder)
///     bus.handle(for: camera).queueRead(endpoint: 0x81, response)
///     bus.leave(camera)                     // .left(camera); its open handles now fail
public final class FakeUSBBus: USBBus {
    private let state: Mutex<State>

    private struct State {
        var devices: [USBDeviceDescription]
        var handles: [USBDeviceKey: FakeUSBDeviceHandle] = [:]
        var enumerationError: USBError?
        var openErrors: [USBDeviceKey: USBError] = [:]
        var opened: [USBDeviceDescription] = []
    }
    private let fanOut = USBEventFanOut()

    public init(devices: [USBDeviceDescription] = []) {
        state = Mutex(State(devices: devices))
    }

    // MARK: USBBus

    public func devices() throws(USBError) -> [USBDeviceDescription] {
        let (devices, error) = state.withLock { ($0.devices, $0.enumerationError) }
        if let error { throw error }
        return devices
    }

    public func events() -> AsyncStream<USBEvent> { fanOut.subscribe() }

    /// Like ``LibUSBBus``: `LIBUSB_ERROR_NO_DEVICE` naming `libusb_open` when the device is
    /// not on the bus; otherwise the scripted handle of ``handle(for:)``.
    public func open(_ device: USBDeviceDescription) throws(USBError) -> any USBDeviceHandle {
        let key = USBDeviceKey(device)
        let result = state.withLock { s -> Result<FakeUSBDeviceHandle, USBError> in
            if let error = s.openErrors[key] { return .failure(error) }
            guard s.devices.contains(where: { USBDeviceKey($0) == key }) else {
                return .failure(USBError(call: "libusb_open", code: USBError.Code.noDevice, device: device.label,
                                         message: "no device at bus \(device.busNumber) address \(device.address): it was unplugged"))
            }
            s.opened.append(device)
            return .success(Self.handle(for: device, in: &s))
        }
        let handle = try result.get()
        handle.reopen()
        return handle
    }

    // MARK: Scripting

    /// The handle `open(device)` returns (the same object every time), for scripting
    /// reads and inspecting writes.
    public func handle(for device: USBDeviceDescription) -> FakeUSBDeviceHandle {
        state.withLock { Self.handle(for: device, in: &$0) }
    }

    private static func handle(for device: USBDeviceDescription, in s: inout State) -> FakeUSBDeviceHandle {
        let key = USBDeviceKey(device)
        if let handle = s.handles[key] { return handle }
        let handle = FakeUSBDeviceHandle(device: device)
        s.handles[key] = handle
        return handle
    }

    /// A device is plugged in: it joins the list and every stream sees `.arrived`.
    public func arrive(_ device: USBDeviceDescription) {
        publish(.arrived(device)) { s in
            s.devices.removeAll { USBDeviceKey($0) == USBDeviceKey(device) }
            s.devices.append(device)
        }
    }

    /// A device is unplugged: it leaves the list, its handle fails with
    /// `LIBUSB_ERROR_NO_DEVICE`, every stream sees `.left` with the description it had.
    public func leave(_ device: USBDeviceDescription) {
        let key = USBDeviceKey(device)
        var departed = device
        let handle = state.withLock { s -> FakeUSBDeviceHandle? in
            if let known = s.devices.first(where: { USBDeviceKey($0) == key }) { departed = known }
            return s.handles[key]
        }
        handle?.unplug()
        publish(.left(departed)) { s in s.devices.removeAll { USBDeviceKey($0) == key } }
    }

    /// Replaces the list, announcing the difference as polling would (departures first).
    public func replaceDevices(with devices: [USBDeviceDescription]) {
        let current = state.withLock { $0.devices }
        let byKey = Dictionary(current.map { (USBDeviceKey($0), $0) }, uniquingKeysWith: { a, _ in a })
        let newByKey = Dictionary(devices.map { (USBDeviceKey($0), $0) }, uniquingKeysWith: { a, _ in a })
        let diff = USBDeviceListDiff(previous: Set(byKey.keys), current: Set(newByKey.keys))
        for key in diff.left { if let device = byKey[key] { leave(device) } }
        for key in diff.arrived { if let device = newByKey[key] { arrive(device) } }
    }

    /// Makes `devices()` throw (nil: succeed again).
    public func failEnumeration(with error: USBError?) {
        state.withLock { $0.enumerationError = error }
    }

    /// Makes `open(device)` throw (nil: succeed again).
    public func failOpen(_ device: USBDeviceDescription, with error: USBError?) {
        state.withLock { $0.openErrors[USBDeviceKey(device)] = error }
    }

    /// Every successful `open`, in order.
    public var openedDevices: [USBDeviceDescription] { state.withLock { $0.opened } }

    /// Streams not yet terminated.
    public var subscriberCount: Int { fanOut.count }

    /// Finishes every stream, as `LibUSBBus.shutdown()` does.
    public func finish() { fanOut.finish() }

    private func publish(_ event: USBEvent, update: (inout State) -> Void) {
        state.withLock { s in
            update(&s)
            fanOut.yield(event)
        }
    }
}

/// One write a ``FakeUSBDeviceHandle`` received.
public struct FakeUSBWrite: Sendable, Equatable {
    public var endpoint: UInt8
    public var bytes: [UInt8]
    public init(endpoint: UInt8, bytes: [UInt8]) { self.endpoint = endpoint; self.bytes = bytes }
}

/// A scripted open device: reads answer from per-endpoint queues (an empty queue times
/// out, like a silent device), writes are recorded, errors can be queued for both.
public final class FakeUSBDeviceHandle: USBDeviceHandle {
    public let device: USBDeviceDescription
    private let state = Mutex(State())

    private struct State {
        var reads: [UInt8: [Result<[UInt8], USBError>]] = [:]
        var writeFailures: [UInt8: [USBError]] = [:]
        var writes: [FakeUSBWrite] = []
        var strings: [UInt8: String] = [:]
        var claimed: Set<UInt8> = []
        var claimError: USBError?
        var isClosed = false
        var isUnplugged = false
    }

    public init(device: USBDeviceDescription) { self.device = device }

    // MARK: Scripting

    /// The next read on `endpoint` (bulk or interrupt, IN bit optional) returns `bytes`.
    public func queueRead(endpoint: UInt8, _ bytes: [UInt8]) {
        state.withLock { $0.reads[endpoint | 0x80, default: []].append(.success(bytes)) }
    }

    /// The next read on `endpoint` throws `error`.
    public func queueReadError(endpoint: UInt8, _ error: USBError) {
        state.withLock { $0.reads[endpoint | 0x80, default: []].append(.failure(error)) }
    }

    /// The next write on `endpoint` throws `error` (and is not recorded).
    public func queueWriteError(endpoint: UInt8, _ error: USBError) {
        state.withLock { $0.writeFailures[endpoint & 0x7F, default: []].append(error) }
    }

    /// `stringDescriptor(index)` returns `text`.
    public func setString(_ index: UInt8, _ text: String) {
        state.withLock { $0.strings[index] = text }
    }

    /// `claimInterface` throws `error` (nil: succeeds again).
    public func failClaim(with error: USBError?) {
        state.withLock { $0.claimError = error }
    }

    /// Writes received so far, in order.
    public var writes: [FakeUSBWrite] { state.withLock { $0.writes } }
    /// Interfaces claimed and not released.
    public var claimedInterfaces: Set<UInt8> { state.withLock { $0.claimed } }
    /// Reads still queued, over all endpoints.
    public var pendingReads: Int { state.withLock { $0.reads.values.reduce(0) { $0 + $1.count } } }
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// The device was unplugged: every operation now fails with `LIBUSB_ERROR_NO_DEVICE`.
    public func unplug() { state.withLock { $0.isUnplugged = true } }

    func reopen() { state.withLock { $0.isClosed = false } }

    // MARK: USBDeviceHandle

    public func claimInterface(_ number: UInt8) throws(USBError) {
        try state.withLock { s throws(USBError) in
            try usable(s, "libusb_claim_interface")
            if let error = s.claimError { throw error }
            s.claimed.insert(number)
        }
    }

    public func releaseInterface(_ number: UInt8) throws(USBError) {
        try state.withLock { s throws(USBError) in
            try usable(s, "libusb_release_interface")
            guard s.claimed.remove(number) != nil else {
                throw USBError(call: "libusb_release_interface", code: USBError.Code.notFound, device: device.label)
            }
        }
    }

    public func bulkWrite(endpoint: UInt8, _ data: [UInt8], timeout: Duration) throws(USBError) -> Int {
        if Task.isCancelled { throw USBError.cancelled("libusb_bulk_transfer", device: device.label) }
        return try state.withLock { s throws(USBError) -> Int in
            try usable(s, "libusb_bulk_transfer")
            if var failures = s.writeFailures[endpoint & 0x7F], !failures.isEmpty {
                let error = failures.removeFirst()
                s.writeFailures[endpoint & 0x7F] = failures
                throw error
            }
            s.writes.append(FakeUSBWrite(endpoint: endpoint & 0x7F, bytes: data))
            return data.count
        }
    }

    public func bulkRead(endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        try read("libusb_bulk_transfer", endpoint: endpoint, maxLength: maxLength, timeout: timeout)
    }

    public func interruptRead(endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        try read("libusb_interrupt_transfer", endpoint: endpoint, maxLength: maxLength, timeout: timeout)
    }

    public func stringDescriptor(_ index: UInt8) throws(USBError) -> String {
        try state.withLock { s throws(USBError) -> String in
            try usable(s, "libusb_get_string_descriptor")
            guard let text = s.strings[index] else {
                throw USBError(call: "libusb_get_string_descriptor", code: USBError.Code.pipe, device: device.label)
            }
            return text
        }
    }

    public func close() {
        state.withLock { s in
            s.isClosed = true
            s.claimed = []
        }
    }

    // MARK: -

    private func read(_ call: String, endpoint: UInt8, maxLength: Int, timeout: Duration) throws(USBError) -> [UInt8] {
        if Task.isCancelled { throw USBError.cancelled(call, device: device.label) }
        return try state.withLock { s throws(USBError) -> [UInt8] in
            try usable(s, call)
            guard var queue = s.reads[endpoint | 0x80], !queue.isEmpty else {
                throw USBError(call: call, code: USBError.Code.timeout, device: device.label,
                               message: "nothing scripted for endpoint 0x\(String(endpoint | 0x80, radix: 16)) (a silent device times out)")
            }
            let next = queue.removeFirst()
            s.reads[endpoint | 0x80] = queue
            let bytes = try next.get()
            guard bytes.count <= maxLength else {
                throw USBError(call: call, code: USBError.Code.overflow, device: device.label,
                               message: "scripted \(bytes.count) bytes for a read of at most \(maxLength)")
            }
            return bytes
        }
    }

    private func usable(_ s: State, _ call: String) throws(USBError) {
        if s.isUnplugged {
            throw USBError(call: call, code: USBError.Code.noDevice, device: device.label)
        }
        if s.isClosed { throw USBError.closed(call, device: device.label) }
    }
}

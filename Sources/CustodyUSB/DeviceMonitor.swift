import CLibUSB
import CustodyCore
import Dispatch
import Synchronization

/// Turns libusb hotplug callbacks, or periodic enumeration where hotplug is not
/// available, into ``USBEvent``s for every subscriber's stream.
///
/// The hotplug callback runs on the event thread and never blocks there: it copies
/// what libusb has cached (device descriptor, bus, address, ports), takes a reference
/// on the device and hands it to a serial queue. On that queue the device is described
/// (opening it for its strings) and the event is yielded to the subscribers. Departures
/// report the description cached at arrival (or at `devices()`), since a device that
/// is gone cannot be asked for its strings.
final class DeviceMonitor: Sendable {
    private let context: LibUSBContext
    private let describer: LibUSBDescriber
    private let queue = DispatchQueue(label: "custody.usb.device-monitor")
    private let state = Mutex(State())

    private struct State {
        /// Set by `stop()`: no more callbacks are queued, queued work only releases.
        var isStopped = false
        var usesHotplug = false
        var hotplugHandle: libusb_hotplug_callback_handle?
        var timer: PollTimer?
        /// Descriptions by device, for departures.
        var known: [USBDeviceKey: USBDeviceDescription] = [:]
        /// Polling: the devices of the last enumeration.
        var polled: Set<USBDeviceKey> = []
    }
    private let fanOut = USBEventFanOut()

    init(context: LibUSBContext, describer: LibUSBDescriber, pollInterval: Duration, eventSource: LibUSBBus.EventSource) {
        self.context = context
        self.describer = describer
        let wantsHotplug = eventSource == .automatic && libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG.rawValue) != 0
        let usesHotplug = wantsHotplug && Self.register(self, context: context)

        // Seed the cache (and the polling baseline) without opening anything; registered
        // first, so that a device arriving meanwhile is not missed.
        let present = ((try? DeviceList(context: context))?.devices ?? []).map { describer.describe($0, readStrings: false) }
        state.withLock { s in
            s.usesHotplug = usesHotplug
            for device in present { s.known[USBDeviceKey(device)] = device }
            s.polled = Set(s.known.keys)
        }
        if !usesHotplug { startPolling(every: pollInterval) }
    }

    /// True when events come from libusb hotplug, false when from polling.
    var usesHotplug: Bool { state.withLock { $0.usesHotplug } }

    /// `libusb_hotplug_register_callback` for every arrival and departure; false when it fails.
    private static func register(_ monitor: DeviceMonitor, context: LibUSBContext) -> Bool {
        var handle: libusb_hotplug_callback_handle = 0
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        // user_data is the monitor, unretained: it lives until after the event thread is joined.
        let result = libusb_hotplug_register_callback(
            context.pointer.raw, events, 0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
            hotplugCallback, Unmanaged.passUnretained(monitor).toOpaque(), &handle)
        guard result == 0 else { return false }
        monitor.state.withLock { $0.hotplugHandle = handle }
        return true
    }

    private func startPolling(every interval: Duration) {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let (seconds, attoseconds) = interval.components
        // At least 1 ms, at most a day.
        let nanoseconds = max(Int(min(max(seconds, 0), 86_400)) * 1_000_000_000 + Int(attoseconds / 1_000_000_000), 1_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(nanoseconds), repeating: .nanoseconds(nanoseconds))
        timer.setEventHandler { [weak self] in self?.poll() }
        state.withLock { $0.timer = PollTimer(source: timer) }
        timer.resume()
    }

    // MARK: - Subscribers

    func subscribe() -> AsyncStream<USBEvent> { fanOut.subscribe() }

    /// Caches descriptions read by `devices()`, so a later departure reports them.
    func remember(_ descriptions: [USBDeviceDescription]) {
        state.withLock { s in
            for device in descriptions { s.known[USBDeviceKey(device)] = device }
        }
    }

    // MARK: - Hotplug (event thread)

    /// Called in the hotplug callback: copies, references, queues. Never blocks.
    fileprivate func hotplug(device: OpaquePointer, arrived: Bool) {
        let identity = LibUSBDescriber.identity(of: device)
        let pointer = LibUSBPointer(device)
        state.withLock { s in
            guard !s.isStopped else { return }
            if arrived { libusb_ref_device(device) }
            queue.async { [self] in
                if arrived {
                    defer { libusb_unref_device(pointer.raw) }
                    arrive(pointer.raw)
                } else {
                    depart(USBDeviceKey(identity), fallback: identity)
                }
            }
        }
    }

    // MARK: - Work on the queue

    private func arrive(_ device: OpaquePointer) {
        guard !state.withLock({ $0.isStopped }) else { return }
        let description = describer.describe(device, readStrings: true)
        publish(.arrived(description)) { $0.known[USBDeviceKey(description)] = description }
    }

    private func depart(_ key: USBDeviceKey, fallback: USBDeviceDescription) {
        var description = fallback
        publish({ .left(description) }) { s in
            if let known = s.known.removeValue(forKey: key) { description = known }
        }
    }

    private func poll() {
        guard !state.withLock({ $0.isStopped }), let list = try? DeviceList(context: context) else { return }
        var current: [USBDeviceKey: OpaquePointer] = [:]
        for device in list.devices { current[USBDeviceKey(LibUSBDescriber.identity(of: device))] = device }
        let previous = state.withLock { $0.polled }
        let diff = USBDeviceListDiff(previous: previous, current: Set(current.keys))
        for key in diff.left {
            let fallback = USBDeviceDescription(busNumber: key.busNumber, portNumbers: [], address: key.address,
                                                vendorID: key.vendorID, productID: key.productID)
            depart(key, fallback: fallback)
        }
        for key in diff.arrived { if let device = current[key] { arrive(device) } }
        state.withLock { $0.polled = Set(current.keys) }
    }

    private func publish(_ event: USBEvent, update: (inout State) -> Void) {
        publish({ event }, update: update)
    }

    /// Updates the cache and yields to every subscriber, unless stopped.
    private func publish(_ event: () -> USBEvent, update: (inout State) -> Void) {
        state.withLock { s in
            guard !s.isStopped else { return }
            update(&s)
            let event = event()
            fanOut.yield(event)
        }
    }

    // MARK: - Shutdown

    /// Deregisters the callback, stops polling, waits for queued work (which from now
    /// on only drops its device references). Before the context shuts down.
    func stop() {
        let (handle, timer) = state.withLock { s -> (libusb_hotplug_callback_handle?, PollTimer?) in
            guard !s.isStopped else { return (nil, nil) }
            s.isStopped = true
            defer { s.hotplugHandle = nil; s.timer = nil }
            return (s.hotplugHandle, s.timer)
        }
        if let handle { libusb_hotplug_deregister_callback(context.pointer.raw, handle) }
        timer?.source.cancel()
        queue.sync {}
    }

    /// Finishes every stream; later subscriptions get a finished stream.
    func finish() { fanOut.finish() }
}

/// The polling timer; a dispatch source may be cancelled from any thread.
private struct PollTimer: @unchecked Sendable {
    let source: any DispatchSourceTimer
}

/// Runs on libusb's event thread.
private let hotplugCallback: libusb_hotplug_callback_fn = { _, device, event, userData in
    guard let device, let userData else { return 0 }
    let monitor = Unmanaged<DeviceMonitor>.fromOpaque(userData).takeUnretainedValue()
    monitor.hotplug(device: device, arrived: event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
    return 0  // stay registered
}

import CLibUSB
import Dispatch
import Foundation
import Synchronization

/// A libusb pointer handed between threads. libusb's contexts, device references,
/// handles and transfers may be used from any thread (libusb locks internally);
/// what each pointer's owner guarantees is that it stays valid while in use.
struct LibUSBPointer: @unchecked Sendable, Hashable {
    let raw: OpaquePointer
    init(_ raw: OpaquePointer) { self.raw = raw }
}

/// One libusb context (`libusb_init` … `libusb_exit`) and the dedicated thread that
/// runs its event handling (`libusb_handle_events_timeout_completed` in a loop):
/// asynchronous transfers complete and hotplug callbacks run on that thread.
final class LibUSBContext: Sendable {
    let pointer: LibUSBPointer
    private let eventLoop: EventLoop
    private let state = Mutex(State())

    private struct State {
        var isShutDown = false
        /// `libusb_exit` has run (or is about to): handles may no longer be closed.
        var hasExited = false
        var nextHandleID = 0
        /// Close actions of the open handles, so shutdown can close them first.
        var openHandles: [Int: @Sendable () -> Void] = [:]
    }

    /// - Throws: ``USBError`` naming `libusb_init`.
    init() throws(USBError) {
        var context: OpaquePointer?
        try USBError.check("libusb_init", libusb_init(&context))
        guard let context else { throw USBError(call: "libusb_init", code: USBError.Code.other, message: "libusb returned no context") }
        pointer = LibUSBPointer(context)
        eventLoop = EventLoop(context: pointer)
        eventLoop.start()
    }

    deinit { shutdown() }

    /// Whether ``shutdown()`` has begun.
    var isShutDown: Bool { state.withLock { $0.isShutDown } }

    /// Records an open handle; returns nil after shutdown (the caller closes it at once).
    func register(close: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { s -> Int? in
            guard !s.isShutDown else { return nil }
            s.nextHandleID += 1
            s.openHandles[s.nextHandleID] = close
            return s.nextHandleID
        }
    }

    /// `libusb_close`, unless the context has exited (libusb_exit released the handle);
    /// under the lock, so that it never runs concurrently with `libusb_exit`.
    func close(_ handle: LibUSBPointer, registration: Int?) {
        state.withLock { s in
            if let registration { s.openHandles.removeValue(forKey: registration) }
            guard !s.hasExited else { return }
            libusb_close(handle.raw)
        }
    }

    /// Closes the open handles (aborting their transfers, which needs the event thread),
    /// then stops and joins the event thread, then `libusb_exit`. Idempotent.
    func shutdown() {
        let closers = state.withLock { s -> [@Sendable () -> Void]? in
            guard !s.isShutDown else { return nil }
            s.isShutDown = true
            defer { s.openHandles = [:] }
            return Array(s.openHandles.values)
        }
        guard let closers else { return }
        for close in closers { close() }
        eventLoop.stop()
        state.withLock { $0.hasExited = true }
        libusb_exit(pointer.raw)
    }
}

/// The event-handling thread of one context.
private final class EventLoop: Sendable {
    private let context: LibUSBPointer
    private let running = Atomic<Bool>(false)
    private let exited = DispatchSemaphore(value: 0)

    init(context: LibUSBPointer) { self.context = context }

    func start() {
        running.store(true, ordering: .sequentiallyConsistent)
        // The thread holds this small object, never the context or the bus, so that
        // their deinit can run and stop it.
        let thread = Thread { [self] in run() }
        thread.name = "custody-libusb-events"
        thread.start()
    }

    private func run() {
        while running.load(ordering: .sequentiallyConsistent) {
            // Wake at least every 100 ms to see `running`; `stop()` also interrupts the wait.
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            let result = libusb_handle_events_timeout_completed(context.raw, &timeout, nil)
            if result < 0 && result != USBError.Code.interrupted {
                // A broken event source (should not happen): do not spin.
                usleep(10_000)
            }
        }
        exited.signal()
    }

    /// Stops the loop and waits until the thread has left it.
    func stop() {
        guard running.exchange(false, ordering: .sequentiallyConsistent) else { return }
        libusb_interrupt_event_handler(context.raw)
        exited.wait()
    }
}

import Foundation
import Synchronization

/// Records one courtroom: reads the PCM on a dedicated thread, meters every
/// channel, writes contiguous Broadcast Wave segments, and reports what happens.
///
/// ``start()`` starts the capture thread (never the initializer); the session
/// runs until the configured duration (counted in frames) is captured, until
/// ``stop()``, or until a fault. Events arrive, in order, on ``events`` (one
/// consumer) and on the `onEvent` callback (called on the capture thread: it must
/// return quickly). ``status`` is a snapshot readable from any thread.
///
/// The capture thread is a `Thread` of its own, not a task of Swift's cooperative
/// pool: it blocks in `snd_pcm_wait`, `write` and `fdatasync`.
public final class CaptureSession: Sendable {
    public let configuration: CaptureConfiguration
    /// Every event, in order, ending with ``CaptureEvent/stopped(_:)``. One consumer.
    public let events: AsyncStream<CaptureEvent>
    private let shared: CaptureSessionShared
    private let pending: Mutex<PCMSourceTransfer?>

    /// A session on the ALSA PCM the configuration names.
    public convenience init(configuration: CaptureConfiguration, onEvent: (@Sendable (CaptureEvent) -> Void)? = nil) {
        self.init(configuration: configuration, source: ALSACapturePCM(name: configuration.pcmName), onEvent: onEvent)
    }

    /// A session on `source`, which the session now owns (it opens, reads and
    /// closes it on the capture thread).
    public init(configuration: CaptureConfiguration, source: sending any PCMSource,
                onEvent: (@Sendable (CaptureEvent) -> Void)? = nil) {
        self.configuration = configuration
        let (stream, continuation) = AsyncStream.makeStream(of: CaptureEvent.self, bufferingPolicy: .unbounded)
        events = stream
        shared = CaptureSessionShared(configuration: configuration, continuation: continuation, observer: onEvent)
        pending = Mutex(PCMSourceTransfer(source: source))
    }

    deinit {
        // Nobody is left to stop it: a session let go of stops recording.
        shared.requestStop()
    }

    /// Starts the capture thread. Returns false if the session was already started.
    @discardableResult
    public func start() -> Bool {
        guard let transfer = pending.withLock({ $0.take() }) else { return false }
        let shared = self.shared
        let configuration = self.configuration
        let thread = Thread {
            let loop = CaptureLoop(configuration: configuration, source: transfer.source, shared: shared)
            shared.finish(loop.run())
        }
        thread.name = "custody-capture-\(configuration.courtroomID)"
        thread.start()
        return true
    }

    /// Asks the capture thread to finish the current segment and stop; it does
    /// within one read timeout. Returns at once.
    public func stop() {
        shared.requestStop()
    }

    /// The session as it stands now.
    public var status: CaptureStatus {
        shared.status.withLock { $0 }
    }

    /// How the session ended, once it has.
    public var result: CaptureStop? {
        shared.completion.withLock { $0.result }
    }

    /// Waits (without blocking a thread) until the session has stopped; call after ``start()``.
    public func waitUntilStopped() async -> CaptureStop {
        await withCheckedContinuation { continuation in
            shared.completion.withLock { state in
                if let result = state.result {
                    continuation.resume(returning: result)
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
    }
}

/// A source handed from the caller to the capture thread, which alone uses it
/// from then on (the initializer takes it as `sending`).
struct PCMSourceTransfer: @unchecked Sendable {
    let source: any PCMSource
}

/// What the session and its capture thread share: the stop flag, the status,
/// the event outlets and the completion.
final class CaptureSessionShared: Sendable {
    struct Completion {
        var result: CaptureStop?
        var waiters: [CheckedContinuation<CaptureStop, Never>] = []
    }

    let status: Mutex<CaptureStatus>
    let completion = Mutex(Completion())
    private let stopFlag = Atomic<Bool>(false)
    private let continuation: AsyncStream<CaptureEvent>.Continuation
    private let observer: (@Sendable (CaptureEvent) -> Void)?

    init(configuration: CaptureConfiguration, continuation: AsyncStream<CaptureEvent>.Continuation,
         observer: (@Sendable (CaptureEvent) -> Void)?) {
        status = Mutex(CaptureStatus(courtroomID: configuration.courtroomID, pcmName: configuration.pcmName))
        self.continuation = continuation
        self.observer = observer
    }

    var isStopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    func requestStop() { stopFlag.store(true, ordering: .releasing) }

    func emit(_ event: CaptureEvent) {
        observer?(event)
        continuation.yield(event)
    }

    /// Records the end, wakes the waiters and ends the event stream.
    func finish(_ result: CaptureStop) {
        let waiters = completion.withLock { state in
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
        continuation.finish()
    }
}

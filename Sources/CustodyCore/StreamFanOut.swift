import Synchronization

/// The subscribers of a source of events: each ``subscribe()`` gets its own unbounded
/// stream, ``yield(_:)`` reaches every live one, ``finish()`` ends them all (and any
/// later subscription gets a finished stream). `yield` never blocks, so it may be
/// called from a C callback's thread or a dispatch source's handler.
public final class StreamFanOut<Element: Sendable>: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<Element>.Continuation] = [:]
        var next = 0
        var isFinished = false
    }
    private let state = Mutex(State())

    public init() {}

    public func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .unbounded)
        let id = state.withLock { s -> Int? in
            guard !s.isFinished else { return nil }
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Delivers `element` to every live stream (callers serialise their own publishing).
    public func yield(_ element: Element) {
        for continuation in state.withLock({ Array($0.subscribers.values) }) { continuation.yield(element) }
    }

    public func finish() {
        let continuations = state.withLock { s -> [AsyncStream<Element>.Continuation] in
            s.isFinished = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Streams not yet terminated.
    public var count: Int { state.withLock { $0.subscribers.count } }
}

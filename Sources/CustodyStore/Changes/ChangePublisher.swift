import CustodyModel
import Synchronization

/// A kind of state whose rows changed: what a live view (`custodyctl watch`) looks at again.
public enum StateTopic: String, Sendable, CaseIterable, Comparable {
    /// Docks and their slots.
    case devices
    /// Ingest jobs and their files.
    case jobs
    /// Courtroom recording: sessions, segments, and a running session's alarms and state.
    case recordings

    public static func < (a: StateTopic, b: StateTopic) -> Bool { a.rawValue < b.rawValue }
}

/// What the store tells its subscribers, once the transaction that made it committed.
public enum StoreChange: Sendable, Equatable {
    /// A custody event, in the order of its `seq`.
    case event(CustodyEvent)
    /// Rows of this kind changed.
    case state(StateTopic)
}

/// What a subscriber reads next.
public enum ChangeDelivery: Sendable, Equatable {
    case change(StoreChange)
    /// Nothing happened, and the subscriber was asked to wake (``ChangeSubscription/wake()``).
    case wake
    /// The subscriber fell more than ``ChangePublisher/bufferLimit`` changes behind and was
    /// cut; it reads nothing more and may subscribe again (and look again at what it missed).
    case fellBehind
    /// The subscription was closed (or its task cancelled).
    case closed
}

/// The one in-process publisher of what the store commits: custody events in `seq`
/// order and state changes. Publishing never waits for a subscriber: each has a bounded
/// buffer, and one that falls behind is cut (``ChangeDelivery/fellBehind``) rather than
/// holding the store, the daemon or other subscribers back.
public final class ChangePublisher: Sendable {
    /// How many changes a subscriber may have unread before it is cut.
    public let bufferLimit: Int

    struct Subscriber {
        var buffer: [StoreChange] = []
        /// Index of the next unread change in `buffer`.
        var head = 0
        var waiter: CheckedContinuation<ChangeDelivery, Never>?
        var wakeDue = false
        var behind = false
        var unread: Int { buffer.count - head }

        /// What the subscriber reads now, if anything: the next change, then (once) that it
        /// fell behind, then a wake asked for.
        mutating func take() -> ChangeDelivery? {
            if unread > 0 {
                let change = buffer[head]
                head += 1
                if head == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    head = 0
                }
                return .change(change)
            }
            if behind { return .fellBehind }
            if wakeDue {
                wakeDue = false
                return .wake
            }
            return nil
        }
    }

    struct State {
        var nextID: UInt64 = 0
        var subscribers: [UInt64: Subscriber] = [:]
    }

    let state = Mutex(State())

    public init(bufferLimit: Int = 4096) {
        self.bufferLimit = max(1, bufferLimit)
    }

    /// A new subscriber: it reads every change published from now on, in order.
    public func subscribe() -> ChangeSubscription {
        let id = state.withLock { s in
            s.nextID += 1
            s.subscribers[s.nextID] = Subscriber()
            return s.nextID
        }
        return ChangeSubscription(publisher: self, id: id)
    }

    /// How many subscribers are open.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Hands `changes` to every subscriber, in order; never waits.
    public func publish(_ changes: [StoreChange]) {
        guard !changes.isEmpty else { return }
        let limit = bufferLimit
        let woken = state.withLock { s -> [(CheckedContinuation<ChangeDelivery, Never>, ChangeDelivery)] in
            var woken: [(CheckedContinuation<ChangeDelivery, Never>, ChangeDelivery)] = []
            for id in Array(s.subscribers.keys) {
                guard s.subscribers[id]?.behind == false else { continue }
                var rest = changes[...]
                if let waiter = s.subscribers[id]?.waiter {
                    s.subscribers[id]?.waiter = nil
                    woken.append((waiter, .change(rest.removeFirst())))
                }
                if (s.subscribers[id]?.unread ?? 0) + rest.count > limit {
                    // Cut: its buffer is freed at once; it reads `fellBehind` next.
                    s.subscribers[id]?.behind = true
                    s.subscribers[id]?.buffer = []
                    s.subscribers[id]?.head = 0
                } else {
                    s.subscribers[id]?.buffer.append(contentsOf: rest)
                }
            }
            return woken
        }
        for (waiter, delivery) in woken { waiter.resume(returning: delivery) }
    }

    /// Publishes that rows of `topic` changed outside a store transaction (a running
    /// session's alarms, which live in memory).
    public func announce(_ topic: StateTopic) { publish([.state(topic)]) }

    func next(_ id: UInt64) async -> ChangeDelivery {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<ChangeDelivery, Never>) in
                let ready: ChangeDelivery? = state.withLock { s in
                    guard s.subscribers[id] != nil else { return .closed }
                    // Mutated in place: the buffer is never copied.
                    let taken = s.subscribers[id]?.take()
                    if taken == .fellBehind { s.subscribers[id] = nil }
                    if taken == nil { s.subscribers[id]?.waiter = waiter }
                    return taken
                }
                if let ready { waiter.resume(returning: ready) }
            }
        } onCancel: {
            close(id)
        }
    }

    func wake(_ id: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<ChangeDelivery, Never>? in
            guard s.subscribers[id] != nil else { return nil }
            if let waiter = s.subscribers[id]?.waiter {
                s.subscribers[id]?.waiter = nil
                return waiter
            }
            s.subscribers[id]?.wakeDue = true
            return nil
        }
        waiter?.resume(returning: .wake)
    }

    func close(_ id: UInt64) {
        let waiter = state.withLock { s in s.subscribers.removeValue(forKey: id)?.waiter }
        waiter?.resume(returning: .closed)
    }
}

/// One subscriber of a ``ChangePublisher``: read it with ``next()`` from one task at a
/// time; closed by ``close()``, by cancelling the reading task, or when released.
public final class ChangeSubscription: Sendable {
    let publisher: ChangePublisher
    let id: UInt64

    init(publisher: ChangePublisher, id: UInt64) {
        self.publisher = publisher
        self.id = id
    }

    deinit { publisher.close(id) }

    /// The next change, waiting for one; ``ChangeDelivery/closed`` once closed or cancelled.
    public func next() async -> ChangeDelivery { await publisher.next(id) }

    /// Makes the reader's pending (or next) ``next()`` return ``ChangeDelivery/wake`` if
    /// nothing is buffered: how a timer (keep-alive, deadline) reaches a waiting reader.
    public func wake() { publisher.wake(id) }

    /// Ends the subscription; a waiting ``next()`` returns ``ChangeDelivery/closed``.
    public func close() { publisher.close(id) }
}

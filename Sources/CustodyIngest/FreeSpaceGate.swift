#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import Foundation
import Synchronization

/// Free space on the store's file system, and the gate ingest passes before each
/// file: below `pauseBelowBytes` ingest pauses (files stay pending, nothing
/// half-written is kept), and resumes once `resumeAboveBytes` are free again.
public final class FreeSpaceGate: Sendable {
    /// What the file system holds, as last measured.
    public struct Sample: Sendable, Equatable {
        public var freeBytes: Int64
        public var totalBytes: Int64
        public init(freeBytes: Int64, totalBytes: Int64) { self.freeBytes = freeBytes; self.totalBytes = totalBytes }
    }

    /// The gate's state: `low` warns; `paused` holds ingest back.
    public enum Condition: String, Sendable, Equatable { case ok, low, paused }

    /// A change of condition, for the daemon to log and record.
    public struct Transition: Sendable, Equatable {
        public var from: Condition
        public var to: Condition
        public var sample: Sample
        /// Bytes the next file needs (when a file that does not fit caused the pause).
        public var needed: Int64?
    }

    public let path: String
    public let limits: SpaceConfiguration
    private let measure: @Sendable () throws -> Sample
    private let state: Mutex<State>
    private let transitions: AsyncStream<Transition>.Continuation
    /// Changes of condition, in order.
    public let changes: AsyncStream<Transition>

    private struct State {
        var sample: Sample?
        var paused = false
        var condition: Condition = .ok
        /// Bytes promised to files being copied now (not yet visible as used).
        var reserved: Int64 = 0
    }

    /// Measures `path` with `statvfs`; `measure` replaces that in tests.
    public init(path: String, limits: SpaceConfiguration, measure: (@Sendable () throws -> Sample)? = nil) {
        self.path = path
        self.limits = limits
        self.measure = measure ?? { try FreeSpaceGate.statvfs(path) }
        self.state = Mutex(State())
        (changes, transitions) = AsyncStream.makeStream(of: Transition.self)
    }

    /// `statvfs(3)` of `path`: blocks available to unprivileged users, and the file system's size.
    public static func statvfs(_ path: String) throws -> Sample {
        try measureFileSystem(path)
    }

    /// The latest measurement and condition, measured now if never measured.
    public func current() throws -> (Sample, Condition) {
        if let known = state.withLock({ s in s.sample.map { ($0, s.condition) } }) { return known }
        _ = try refresh()
        return state.withLock { ($0.sample!, $0.condition) }
    }

    /// Measures now and updates the condition (warning and resuming follow the
    /// measurement; pausing is also decided per file by ``admit(bytes:)``).
    @discardableResult
    public func refresh() throws -> Sample {
        let sample = try measure()
        update(sample, needed: nil)
        return sample
    }

    /// Asks to copy a file of `bytes`. True: go ahead, the bytes are reserved until
    /// ``release(bytes:)``. False: there is no room; ingest is paused until a later
    /// measurement shows `resumeAboveBytes` free and the file fitting.
    public func admit(bytes: Int64) throws -> Bool {
        let sample = try fresh()
        return state.withLock { s in
            let free = sample.freeBytes - s.reserved
            let fits = free - bytes >= limits.pauseBelowBytes
            let resumable = !s.paused || free >= max(limits.resumeAboveBytes, limits.pauseBelowBytes + bytes)
            if fits && resumable {
                s.reserved += bytes
                if s.paused { setPaused(false, &s, sample, needed: nil) }
                return true
            }
            if !s.paused { setPaused(true, &s, sample, needed: bytes) }
            return false
        }
    }

    /// Gives back what ``admit(bytes:)`` reserved (the file is stored, or not).
    public func release(bytes: Int64) {
        state.withLock { $0.reserved = max(0, $0.reserved - bytes) }
    }

    /// The disk filled up under a file (`ENOSPC`): pause until space returns.
    public func reportFull() {
        let sample = (try? measure()) ?? Sample(freeBytes: 0, totalBytes: 0)
        state.withLock { s in
            s.sample = sample
            if !s.paused { setPaused(true, &s, sample, needed: nil) }
        }
    }

    public var isPaused: Bool { state.withLock { $0.paused } }

    /// A measurement now: one statvfs per file is cheap, and a file just written
    /// must count (a cached figure would let a burst of files overrun the limit).
    private func fresh() throws -> Sample {
        let sample = try measure()
        update(sample, needed: nil)
        return sample
    }

    private func update(_ sample: Sample, needed: Int64?) {
        state.withLock { s in
            s.sample = sample
            if s.paused && sample.freeBytes - s.reserved >= limits.resumeAboveBytes {
                setPaused(false, &s, sample, needed: nil)
            } else {
                setCondition(&s, sample, needed: needed)
            }
        }
    }

    private func setPaused(_ paused: Bool, _ s: inout State, _ sample: Sample, needed: Int64?) {
        s.paused = paused
        setCondition(&s, sample, needed: needed)
    }

    private func setCondition(_ s: inout State, _ sample: Sample, needed: Int64?) {
        let condition: Condition = s.paused ? .paused : (sample.freeBytes < limits.warnBelowBytes ? .low : .ok)
        guard condition != s.condition else { return }
        transitions.yield(Transition(from: s.condition, to: condition, sample: sample, needed: needed))
        s.condition = condition
    }
}

/// `statvfs(3)`, outside the type whose method has the same name.
private func measureFileSystem(_ path: String) throws -> FreeSpaceGate.Sample {
    var info = statvfs()
    try systemCall("statvfs", path) { statvfs(path, &info) }
    let block = Int64(info.f_frsize)
    return FreeSpaceGate.Sample(freeBytes: Int64(info.f_bavail) * block, totalBytes: Int64(info.f_blocks) * block)
}

import CustodyCore
import CustodyIngest
import CustodyMetrics
import CustodyProtocol
import CustodyStore
import Foundation
import NIOHTTP1
import Synchronization
import Testing
@testable import CustodyServer

/// A store-bound handler runs on the store's door, not on Swift's cooperative threads:
/// one blocked in the store never keeps another request from being answered. `GET
/// /metrics` runs the metrics registry's collectors (which read the index) inside its
/// handler, so a collector of the test's stands in for a store that blocks.
@Suite("Dispatch runs blocking handlers through the store's door")
struct BlockingDispatchTests {
    /// Routes whose `GET /metrics` runs `collector` inside its handler.
    static func routes(_ f: RoutesFixture, collector: @escaping @Sendable () -> Void) -> ControlRoutes {
        let metrics = MetricsRegistry()
        metrics.addCollector(collector)
        let operations = ControlOperations(metrics: metrics, space: FreeSpaceGate(path: f.dir.path, limits: .init()),
                                           logLevels: .init())
        return ControlRoutes(store: f.store, ingest: f.routes.ingest, stateDirectory: f.dir.path + "/state", operations: operations)
    }

    static func request(_ method: HTTPMethod, _ uri: String) -> ControlRequest {
        ControlRequest(method: method, uri: uri, body: Data(), caller: Caller(uid: 2000, gid: 2000, name: "tester", roles: [.admin]))
    }

    @Test("a handler runs on one of the store door's threads")
    func handlerOnTheDoor() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let seen = Mutex<(door: Bool, name: String?)?>(nil)
        let routes = Self.routes(f) { seen.withLock { $0 = (BlockingDoor.store.runsCurrentThread, Thread.current.name) } }
        let r = await routes.handle(Self.request(.GET, API.metrics))
        #expect(r.status == .ok)
        let thread = seen.withLock { $0 }
        #expect(thread?.door == true, "the handler ran on \(thread?.name ?? "no thread")")
    }

    /// Holds the handlers that entered until released (by the test, or by a timer on a
    /// thread of its own, so that a dispatch that blocks the cooperative threads fails
    /// this test instead of hanging it).
    final class Gate: @unchecked Sendable {
        let condition = NSCondition()
        var entered = 0
        var released = false

        func pass() {
            condition.lock()
            defer { condition.unlock() }
            entered += 1
            while !released { condition.wait() }
        }

        func release() {
            condition.lock()
            released = true
            condition.broadcast()
            condition.unlock()
        }

        var state: (entered: Int, released: Bool) {
            condition.lock()
            defer { condition.unlock() }
            return (entered, released)
        }
    }

    @Test("handlers blocked in the store, more of them than the cooperative threads, do not stop another request")
    func blockedHandlersDoNotStopOthers() async throws {
        let f = try RoutesFixture()
        defer { f.dir.remove() }
        let gate = Gate()
        let routes = Self.routes(f) { gate.pass() }
        // One more than Swift's cooperative threads (one per core), fewer than the door's.
        let blocked = ProcessInfo.processInfo.activeProcessorCount + 1
        try #require(blocked < BlockingDoor.store.threads)
        // The last resort: whatever happens, the held handlers are let go in the end. Generous:
        // in a full parallel run, other suites' tests hold cooperative threads for minutes.
        DispatchQueue.global().asyncAfter(deadline: .now() + 300) { gate.release() }
        let held = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<blocked { group.addTask { _ = await routes.handle(Self.request(.GET, API.metrics)) } }
            }
        }
        // Every held handler is inside the store before the next request is made.
        let deadline = ContinuousClock.now + .seconds(300)
        while gate.state.entered < blocked, !gate.state.released, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let status = await routes.handle(Self.request(.GET, API.status))
        let whenAnswered = gate.state
        gate.release()
        await held.value
        #expect(status.status == .ok)
        #expect(whenAnswered.entered == blocked, "all \(blocked) handlers were held in the store")
        #expect(!whenAnswered.released, "GET /v1/status was answered while \(blocked) handlers were still blocked in the store")
    }
}

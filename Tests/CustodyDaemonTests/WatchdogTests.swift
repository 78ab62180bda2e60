#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import Testing
@testable import CustodyDaemon

@Suite("systemd: watchdog and socket activation")
struct WatchdogTests {
    final class Pings: Sendable {
        let count = Atomic<Int>(0)
        let healthy = Atomic<Bool>(true)
        let hang = Atomic<Bool>(false)
        /// Probes asked for, and probes caught hanging.
        let probes = Atomic<Int>(0)
        let hanging = Atomic<Int>(0)
    }

    func watchdog(_ pings: Pings) -> Watchdog {
        Watchdog(timeout: .milliseconds(40), logger: Logger(label: "test"), ping: { pings.count.add(1, ordering: .relaxed) }) {
            pings.probes.add(1, ordering: .relaxed)
            var caught = false
            while pings.hang.load(ordering: .relaxed) {
                if !caught { pings.hanging.add(1, ordering: .relaxed); caught = true }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return pings.healthy.load(ordering: .relaxed)
        }
    }

    /// Waits (tests run in parallel on a loaded machine) until `count` pings arrived.
    func waitFor(_ count: Int, _ pings: Pings) async throws -> Bool {
        try await waitUntil { pings.count.load(ordering: .relaxed) >= count }
    }

    /// Waits until `condition` holds, for up to five minutes: CPU-bound tests running
    /// beside these on a loaded machine can keep every cooperative thread busy for minutes.
    /// The condition is looked at once more after the deadline, so a task that was not
    /// scheduled until then is not mistaken for one that failed.
    func waitUntil(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("pings again and again while the probe answers")
    func pingsWhileHealthy() async throws {
        let pings = Pings()
        let task = Task { await watchdog(pings).run() }
        let started = ContinuousClock.now
        #expect(try await waitFor(5, pings))
        // Five pings take at least four periods (20 ms each): never faster than half the timeout.
        #expect(ContinuousClock.now - started >= .milliseconds(80))
        task.cancel()
        await task.value
    }

    @Test("no pings while the probe fails or hangs; pings again once it answers")
    func stopsWhenWedged() async throws {
        let pings = Pings()
        pings.healthy.store(false, ordering: .relaxed)
        let task = Task { await watchdog(pings).run() }
        // Several probes answered "unhealthy" (counted, not timed): none of them pinged.
        #expect(try await waitUntil { pings.probes.load(ordering: .relaxed) >= 4 })
        #expect(pings.count.load(ordering: .relaxed) == 0)
        pings.hang.store(true, ordering: .relaxed)
        pings.healthy.store(true, ordering: .relaxed)
        // A probe is caught hanging (one that began before the hang may have answered healthy and pinged).
        #expect(try await waitUntil { pings.hanging.load(ordering: .relaxed) >= 1 })
        let before = pings.count.load(ordering: .relaxed)
        #expect(before <= 1, "a wedged probe stops the pings")
        try await Task.sleep(for: .milliseconds(150))
        #expect(pings.count.load(ordering: .relaxed) == before, "no ping while the probe hangs")
        pings.hang.store(false, ordering: .relaxed)
        #expect(try await waitFor(before + 2, pings))
        task.cancel()
        await task.value
    }

    @Test("WATCHDOG_USEC, for this process only")
    func watchdogEnvironment() {
        #expect(SystemdNotifier.watchdogTimeout(environment: [:]) == nil)
        #expect(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "30000000"], pid: 7) == .seconds(30))
        #expect(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"], pid: 7) == .seconds(30))
        #expect(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"], pid: 7) == nil)
        #expect(SystemdNotifier.watchdogTimeout(environment: ["WATCHDOG_USEC": "0"], pid: 7) == nil)
    }

    @Test("LISTEN_FDS counts only for LISTEN_PID's process, and only for a socket")
    func socketActivation() {
        #expect(SocketActivation.listeningDescriptor(environment: [:], unset: false) == nil)
        #expect(SocketActivation.listeningDescriptor(environment: ["LISTEN_PID": "1", "LISTEN_FDS": "1"], pid: 2, unset: false) == nil)
        // Descriptor 3 of the test runner is not a listening socket of ours: refused.
        var info = stat()
        if fstat(3, &info) != 0 || info.st_mode & S_IFMT != S_IFSOCK {
            #expect(SocketActivation.listeningDescriptor(environment: ["LISTEN_PID": "2", "LISTEN_FDS": "1"], pid: 2, unset: false) == nil)
        }
    }
}

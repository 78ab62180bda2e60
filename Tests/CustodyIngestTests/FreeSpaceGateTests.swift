import CustodyCore
import Synchronization
import Testing
@testable import CustodyIngest

@Suite("Free space: warn, pause, resume")
struct FreeSpaceGateTests {
    final class Disk: Sendable {
        let free = Atomic<Int64>(0)
        init(_ free: Int64) { self.free.store(free, ordering: .relaxed) }
    }

    static let limits: SpaceConfiguration = {
        var l = SpaceConfiguration()
        l.warnBelowBytes = 1000
        l.pauseBelowBytes = 100
        l.resumeAboveBytes = 300
        return l
    }()

    func gate(_ disk: Disk) -> FreeSpaceGate {
        FreeSpaceGate(path: "/state", limits: Self.limits) {
            FreeSpaceGate.Sample(freeBytes: disk.free.load(ordering: .relaxed), totalBytes: 10_000)
        }
    }

    @Test("ok, low, paused and back, each change reported once")
    func transitions() async throws {
        let disk = Disk(5000)
        let g = gate(disk)
        try g.refresh()
        #expect(try g.current().1 == .ok)
        disk.free.store(800, ordering: .relaxed)
        try g.refresh()
        #expect(try g.current().1 == .low)
        #expect(try g.admit(bytes: 650) == true, "leaves 150, above the pause limit")
        g.release(bytes: 650)
        #expect(try g.admit(bytes: 750) == false, "would leave 50")
        #expect(g.isPaused)
        #expect(try g.current().1 == .paused)
        disk.free.store(250, ordering: .relaxed)
        try g.refresh()
        #expect(g.isPaused, "not yet resumeAboveBytes free")
        disk.free.store(5000, ordering: .relaxed)
        try g.refresh()
        #expect(!g.isPaused)
        #expect(try g.current().1 == .ok)

        var seen: [FreeSpaceGate.Condition] = []
        for await change in g.changes {
            seen.append(change.to)
            if seen.count == 3 { break }
        }
        #expect(seen == [.low, .paused, .ok])
    }

    @Test("files being copied count against the free space")
    func reservations() throws {
        let disk = Disk(1000)
        let g = gate(disk)
        #expect(try g.admit(bytes: 400) == true)
        #expect(try g.admit(bytes: 400) == true)
        #expect(try g.admit(bytes: 400) == false, "only 200 left after the two in flight")
        g.release(bytes: 400)
        g.release(bytes: 400)
        #expect(try g.admit(bytes: 400) == true, "paused, but 1000 free is above resume and fits")
        #expect(!g.isPaused)
    }

    @Test("ENOSPC pauses until resumeAboveBytes are free")
    func reportFull() throws {
        let disk = Disk(200)
        let g = gate(disk)
        g.reportFull()
        #expect(g.isPaused)
        #expect(try g.admit(bytes: 10) == false)
        disk.free.store(400, ordering: .relaxed)
        try g.refresh()
        #expect(!g.isPaused)
        #expect(try g.admit(bytes: 10) == true)
    }

    @Test("the real file system can be measured")
    func statvfs() throws {
        let s = try FreeSpaceGate.statvfs("/")
        #expect(s.totalBytes > 0 && s.freeBytes >= 0 && s.freeBytes <= s.totalBytes)
        #expect(throws: SystemCallError.self) { try FreeSpaceGate.statvfs("/nonexistent/path") }
    }
}

import CustodyCore
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing

@Suite("The blocking door: blocking work on threads of its own, never more of them than it has")
struct BlockingDoorTests {
    /// What the work seen so far did: how many ran at once, on which threads.
    final class Record: @unchecked Sendable {
        let condition = NSCondition()
        var running = 0
        var most = 0
        var gateOpen = false
        var onDoor = true
        var threads: Set<String> = []
    }

    @Test("work runs on the door's threads, as many at once as it has and never more")
    func bounded() async {
        let door = BlockingDoor(name: "test-door", threads: 3)
        let record = Record()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    await door.run {
                        record.condition.lock()
                        defer { record.condition.unlock() }
                        record.running += 1
                        record.most = max(record.most, record.running)
                        record.onDoor = record.onDoor && door.runsCurrentThread
                        record.threads.insert("\(pthread_self())")
                        // The first ones wait until every thread of the door holds one of them (a
                        // generous deadline: a door that never fills fails below, it does not hang).
                        if record.running == door.threads { record.gateOpen = true; record.condition.broadcast() }
                        let deadline = Date() + 60
                        while !record.gateOpen, record.condition.wait(until: deadline) {}
                        record.running -= 1
                    }
                }
            }
            await group.waitForAll()
        }
        #expect(record.gateOpen, "the door ran as many at once as it has threads")
        #expect(record.most == door.threads, "never more at once than its threads")
        #expect(record.onDoor)
        #expect(record.threads.count <= door.threads, "threads: \(record.threads)")
        #expect(!door.runsCurrentThread, "the test itself is not on the door")
    }

    struct Refusal: Error, Equatable { let code: Int }

    @Test("the caller gets the work's result, or its error")
    func results() async throws {
        let door = BlockingDoor(name: "test-results", threads: 1)
        #expect(await door.run { 6 * 7 } == 42)
        await #expect(throws: Refusal(code: 7)) { try await door.run { () throws -> Int in throw Refusal(code: 7) } }
        // The one thread keeps working after an error.
        #expect(try await door.run { () throws -> String in "still here" } == "still here")
    }
}

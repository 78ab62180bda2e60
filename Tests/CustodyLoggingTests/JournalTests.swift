#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Testing
@testable import CustodyLogging

@Suite("Logging to the journal and to a terminal")
struct JournalTests {
    @Test("metadata keys become journal field names")
    func fieldNames() {
        #expect(JournalFields.fieldName("job_id") == "JOB_ID")
        #expect(JournalFields.fieldName("device.serial") == "DEVICE_SERIAL")
        #expect(JournalFields.fieldName("itemID") == "ITEMID")
        #expect(JournalFields.fieldName("_private") == "PRIVATE")
        #expect(JournalFields.fieldName("9lives") == "LIVES")
        #expect(JournalFields.fieldName("__") == nil)
    }

    @Test("syslog priorities of the levels")
    func priorities() {
        #expect(Logger.Level.allCases.map(JournalFields.priority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test("fields: the record's own first, metadata sorted, never replacing them")
    func fields() {
        let f = JournalFields.fields(level: .warning, message: "disk low", label: "custodyd",
                                     metadata: ["job_id": "7", "device_serial": "BWC-1", "priority": "0"],
                                     file: "a.swift", function: "f()", line: 3, identifier: "custodyd")
        #expect(f.map(\.0) == ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER",
                               "DEVICE_SERIAL", "JOB_ID"])
        #expect(f[1].1 == "4")
    }

    @Test("the native datagram: NAME=value lines, and a length-prefixed value for one with a line feed")
    func datagram() {
        let bytes = JournalFields.datagram([("MESSAGE", "two\nlines"), ("JOB_ID", "7")])
        var expected = Array("MESSAGE\n".utf8)
        expected += [9, 0, 0, 0, 0, 0, 0, 0]
        expected += Array("two\nlines\nJOB_ID=7\n".utf8)
        #expect(bytes == expected)
    }

    @Test("records with metadata reach a journal socket as fields")
    func nativeProtocol() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("custody-journal-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path + "/socket"
        let server = try boundDatagramSocket(path)
        defer { close(server) }

        let levels = LogLevelControl(.info)
        let sink = LogSink(destination: .journalNative(socketPath: path))
        var logger = Logger(label: "custodyd") { CustodyLogHandler(label: $0, levels: levels, sink: sink) }
        logger[metadataKey: "job_id"] = "12"
        logger.debug("not sent: below the level")
        logger.notice("item stored", metadata: ["item_id": "99", "device_serial": "BWC-0042"])

        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(server, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        #expect(n > 0)
        let text = String(decoding: buffer[0..<max(0, n)], as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.isSuperset(of: ["MESSAGE=item stored", "PRIORITY=5", "SYSLOG_IDENTIFIER=custodyd", "JOB_ID=12",
                                      "ITEM_ID=99", "DEVICE_SERIAL=BWC-0042", "LOGGER=custodyd"]))
        #expect(recv(server, &buffer, buffer.count, Int32(MSG_DONTWAIT)) == -1, "the debug record was not sent")
    }

    @Test("one level for every logger: changing it reaches loggers made before")
    func sharedLevel() {
        let levels = LogLevelControl(.info)
        let sink = LogSink(destination: .lines)
        let a = Logger(label: "a") { CustodyLogHandler(label: $0, levels: levels, sink: sink) }
        var b = Logger(label: "b") { CustodyLogHandler(label: $0, levels: levels, sink: sink) }
        #expect(a.logLevel == .info)
        b.logLevel = .debug
        #expect(a.logLevel == .debug)
        #expect(levels.exchange(.error) == .debug)
        #expect(a.logLevel == .error && b.logLevel == .error)
    }

    @Test("JOURNAL_STREAM counts only when standard error is that stream")
    func detection() {
        var info = stat()
        #expect(fstat(2, &info) == 0)
        #expect(LogDestination.isJournalStream("\(info.st_dev):\(info.st_ino)", fd: 2))
        #expect(!LogDestination.isJournalStream("\(info.st_dev):\(info.st_ino + 1)", fd: 2))
        #expect(!LogDestination.isJournalStream("garbage", fd: 2))
        #expect(LogDestination.detect(environment: [:]) == .lines)
        #expect(LogDestination.detect(environment: ["JOURNAL_STREAM": "\(info.st_dev):\(info.st_ino)"], journalSocket: "/nonexistent")
                == .journalStream)
    }

    @Test("readable lines: time, level, message, metadata")
    func lines() {
        let line = LogSink.line(level: .warning, message: "disk low", metadata: ["job_id": "3", "a": "b"],
                                time: Date(timeIntervalSince1970: 86_400.25))
        #expect(line == "1970-01-02T00:00:00.250Z warning  disk low a=b job_id=3")
    }

    func boundDatagramSocket(_ path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(ok == 0)
        return fd
    }
}

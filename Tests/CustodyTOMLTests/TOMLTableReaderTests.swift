import Foundation
import Testing
@testable import CustodyTOML

/// The decoding helper: values, wrong types and unknown keys, with lines and full key paths.
@Suite("TOML table reader")
struct TOMLTableReaderTests {
    static let document = """
        stateDirectory = "/var/lib/custody"

        [ingest]
        concurrency = 4
        allowedPaths = ["/media", "/srv/intake"]
        resumeOnStart = true
        ratio = 0.5
        whole = 2
        since = 2024-01-02T03:04:05Z
        retries = [1, 2, 3]

        [[courtroom]]
        name = "Room 1"
        [courtroom.recorder]
        model = "X1"

        [[courtroom]]
        name = "Room 2"
        """

    @Test func readsEveryType() throws {
        let root = parseTOML(Self.document)
        let top = TOMLTableReader(root, path: "")
        #expect(try top.string("stateDirectory") == "/var/lib/custody")
        let ingest = try #require(try top.reader("ingest"))
        #expect(ingest.path == "ingest")
        #expect(try ingest.integer("concurrency") == 4)
        #expect(try ingest.strings("allowedPaths") == ["/media", "/srv/intake"])
        #expect(try ingest.boolean("resumeOnStart") == true)
        #expect(try ingest.float("ratio") == 0.5)
        #expect(try ingest.float("whole") == 2.0)
        #expect(try ingest.dateTime("since") == "2024-01-02T03:04:05Z")
        #expect(try ingest.integers("retries") == [1, 2, 3])
        #expect(try ingest.string("absent") == nil)
        #expect(try ingest.integer("absent") == nil)
        #expect(try ingest.boolean("absent") == nil)
        #expect(try ingest.strings("absent") == nil)
        #expect(try ingest.table("absent") == nil)
        #expect(try ingest.tables("absent") == nil)
        try ingest.finish()

        let rooms = try #require(try top.readers("courtroom"))
        #expect(rooms.map(\.path) == ["courtroom[0]", "courtroom[1]"])
        #expect(rooms.map(\.table.line) == [12, 17])
        #expect(try rooms[0].string("name") == "Room 1")
        let recorder = try #require(try rooms[0].table("recorder"))
        #expect(recorder.line == 14)
        #expect(try rooms[1].string("name") == "Room 2")
        try rooms[0].finish()
        try rooms[1].finish()
        #expect(try top.tables("courtroom")?.count == 2)
        try top.finish()
    }

    @Test func wrongTypesNameLineAndKey() {
        let root = parseTOML("""
            [ingest]
            concurrency = "four"
            allowedPaths = ["/a", 2]
            resumeOnStart = "yes"
            ratio = "x"
            log = 3
            rooms = { a = 1 }
            list = [{ a = 1 }, 2]
            """)
        let r = TOMLTableReader(root["ingest"]!.tableValue!, path: "ingest")
        #expect(throws: TOMLDecodeError(line: 2, key: "ingest.concurrency", message: "expected integer, found string")) {
            try r.integer("concurrency")
        }
        #expect(throws: TOMLDecodeError(line: 2, key: "ingest.concurrency", message: "expected boolean, found string")) {
            try r.boolean("concurrency")
        }
        #expect(throws: TOMLDecodeError(line: 3, key: "ingest.allowedPaths[1]", message: "expected string, found integer")) {
            try r.strings("allowedPaths")
        }
        #expect(throws: TOMLDecodeError(line: 3, key: "ingest.allowedPaths", message: "expected string, found array")) {
            try r.string("allowedPaths")
        }
        #expect(throws: TOMLDecodeError(line: 4, key: "ingest.resumeOnStart", message: "expected boolean, found string")) {
            try r.boolean("resumeOnStart")
        }
        #expect(throws: TOMLDecodeError(line: 5, key: "ingest.ratio", message: "expected float, found string")) {
            try r.float("ratio")
        }
        #expect(throws: TOMLDecodeError(line: 6, key: "ingest.log", message: "expected table, found integer")) {
            try r.table("log")
        }
        #expect(throws: TOMLDecodeError(line: 6, key: "ingest.log", message: "expected array of strings, found integer")) {
            try r.strings("log")
        }
        #expect(throws: TOMLDecodeError(line: 6, key: "ingest.log", message: "expected array, found integer")) {
            try r.array("log")
        }
        #expect(throws: TOMLDecodeError(line: 7, key: "ingest.rooms", message: "expected array of tables, found table")) {
            try r.tables("rooms")
        }
        #expect(throws: TOMLDecodeError(line: 8, key: "ingest.list[1]", message: "expected table, found integer")) {
            try r.tables("list")
        }
        #expect(throws: TOMLDecodeError(line: 2, key: "ingest.concurrency", message: "expected date-time, found string")) {
            try r.dateTime("concurrency")
        }
        let e = TOMLDecodeError(line: 2, key: "ingest.concurrency", message: "expected integer, found string")
        #expect(e.description == "line 2: key 'ingest.concurrency': expected integer, found string")
    }

    @Test func unknownKeys() throws {
        let root = parseTOML("""
            stateDirectory = "/x"
            [ingest]
            concurrency = 4
            concurency = 5
            other = 1

            [[courtroom]]
            name = "A"
            [[courtroom]]
            name = "B"
            colour = "red"
            """)
        let top = TOMLTableReader(root, path: "")
        _ = try top.string("stateDirectory")
        let ingest = try #require(try top.reader("ingest"))
        _ = try ingest.integer("concurrency")
        #expect(ingest.unreadKeys == ["concurency", "other"])
        #expect(throws: TOMLDecodeError(line: 4, key: "ingest.concurency", message: "unknown key")) {
            try ingest.finish()
        }
        let rooms = try #require(try top.readers("courtroom"))
        for room in rooms { _ = try room.string("name") }
        try rooms[0].finish()
        #expect(throws: TOMLDecodeError(line: 11, key: "courtroom[1].colour", message: "unknown key")) {
            try rooms[1].finish()
        }
        try top.finish()  // "ingest" and "courtroom" were read

        let unread = TOMLTableReader(root, path: "")
        #expect(throws: TOMLDecodeError(line: 1, key: "stateDirectory", message: "unknown key")) {
            try unread.finish()
        }
        // A key of the wrong type still counts as read.
        _ = try? unread.integer("stateDirectory")
        #expect(throws: TOMLDecodeError(line: 2, key: "ingest", message: "unknown key")) {
            try unread.finish()
        }
    }

    @Test func unknownTableKeyAndQuotedPaths() throws {
        let root = parseTOML("""
            [log]
            level = "info"

            [logging]
            level = "debug"

            ["odd key"]
            "a b" = 1
            """)
        let top = TOMLTableReader(root, path: "")
        _ = try top.table("log")
        #expect(throws: TOMLDecodeError(line: 4, key: "logging", message: "unknown key")) {
            try top.finish()
        }
        _ = try top.table("logging")
        #expect(throws: TOMLDecodeError(line: 7, key: "\"odd key\"", message: "unknown key")) {
            try top.finish()
        }
        let odd = try #require(try top.reader("odd key"))
        #expect(odd.path == "\"odd key\"")
        #expect(throws: TOMLDecodeError(line: 8, key: "\"odd key\".\"a b\"", message: "expected string, found integer")) {
            try odd.string("a b")
        }
    }

    @Test func customErrorsUseTheKeyLine() {
        let root = parseTOML("[ingest]\n\nconcurrency = 999\n")
        let r = TOMLTableReader(root["ingest"]!.tableValue!, path: "ingest")
        #expect(r.error("concurrency", "must be between 1 and 64")
                == TOMLDecodeError(line: 3, key: "ingest.concurrency", message: "must be between 1 and 64"))
        #expect(r.error("missing", "is required") == TOMLDecodeError(line: 1, key: "ingest.missing", message: "is required"))
        #expect(r.keyPath("concurrency") == "ingest.concurrency")
        #expect(TOMLTableReader(root, path: "").keyPath("a.b") == "\"a.b\"")
    }

    @Test func readerIsSendableAndCopiesShareReadKeys() async throws {
        let root = parseTOML("a = 1\nb = 2\n")
        let r = TOMLTableReader(root, path: "")
        let copy = r
        _ = try copy.integer("a")
        let value = try await Task.detached { try r.integer("b") }.value
        #expect(value == 2)
        try r.finish()
    }
}

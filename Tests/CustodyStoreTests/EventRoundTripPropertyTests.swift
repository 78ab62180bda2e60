import CustodyCore
import CustodyLedger
import CustodyModel
import CustodyTestSupport
import Crypto
import Foundation
import Testing
@testable import CustodyStore

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same cases on
/// every run and machine, so a failure names a case that can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random event text and details of every awkward kind: NUL, C0 and C1 controls, DEL,
/// bidi controls, astral characters, combining marks, lone surrogates (which a Swift
/// string can only hold as U+FFFD, the way every decoder of outside text makes them),
/// very long strings, and nested JSON with numbers of every magnitude.
struct EventTextGenerator {
    var random: SeededGenerator

    static let awkward: [Unicode.Scalar] = [
        "\0", "\u{01}", "\u{07}", "\u{08}", "\t", "\n", "\r", "\u{1B}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9B}", "\u{9F}",
        "\u{A0}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{061C}", "\u{2028}", "\u{FEFF}",
        "\u{FFFD}", "\u{FFFF}", "\u{1F600}", "\u{10FFFF}", "\u{0301}", "\"", "\\", "/", "é", "Ж", "語",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

    mutating func scalar() -> Unicode.Scalar {
        switch int(0...9) {
        case 0...4: return Unicode.Scalar(UInt8(int(0x20...0x7E)))
        case 5...7: return Self.awkward[int(0...(Self.awkward.count - 1))]
        default:
            // Anywhere in Unicode but the surrogate range, which no scalar occupies.
            while true {
                if let s = Unicode.Scalar(UInt32(int(0...0x10FFFF))) { return s }
            }
        }
    }

    /// Text as an outside decoder makes it: sometimes from UTF-16 with lone surrogates.
    mutating func string(allowNUL: Bool = true) -> String {
        let length = int(0...999) < 5 ? int(4_000...40_000) : int(0...40)
        if chance(10) {
            var units: [UInt16] = []
            for _ in 0..<length { units.append(chance(20) ? UInt16(int(0xD800...0xDFFF)) : UInt16(int(0x20...0xFFFF))) }
            return String(decoding: units, as: UTF16.self)
        }
        var s = String.UnicodeScalarView()
        for _ in 0..<length {
            let c = scalar()
            s.append(!allowNUL && c == "\0" ? "0" : c)
        }
        return String(s)
    }

    mutating func number() -> Double {
        switch int(0...6) {
        case 0: return Double(int(-1000...1000))
        case 1: return Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &random))
        case 2: return Double.random(in: -1...1, using: &random)
        case 3: return -0.0
        case 4: return [1e-7, 1e21, 1e16, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 0.1, 123456789.123][int(0...6)]
        default:
            // Any finite double, by its bits.
            while true {
                let d = Double(bitPattern: random.next())
                if d.isFinite { return d }
            }
        }
    }

    mutating func value(depth: Int) -> JSONValue {
        switch int(0...(depth >= 4 ? 3 : 5)) {
        case 0: return .string(string())
        case 1: return .number(number())
        case 2: return chance(50) ? .bool(chance(50)) : .null
        case 3: return .string(string())
        case 4: return .array((0..<int(0...5)).map { _ in value(depth: depth + 1) })
        default: return .object(detail(depth: depth + 1))
        }
    }

    mutating func detail(depth: Int = 0) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for _ in 0..<int(0...6) { members[string()] = value(depth: depth) }
        return members
    }

    mutating func event() -> EventInput {
        // Most events carry clean envelope text, some carry anything at all.
        func text(_ g: inout EventTextGenerator) -> String { g.chance(25) ? g.string() : g.string(allowNUL: false) }
        let actor = Caller(uid: UInt32.random(in: 0...UInt32.max, using: &random), gid: 0, name: text(&self), roles: [])
        return EventInput(actor: actor, action: text(&self), subject: text(&self), outcome: text(&self), detail: detail())
    }
}

/// Runs CPU-bound work on a thread of its own, so that a long property test never holds
/// one of the few threads of the concurrency pool that other tests wait on.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

@Suite("Custody events round-trip through the store", .serialized)
struct EventRoundTripPropertyTests {
    let key = StationKey(name: "custody.test/station", privateKey: Curve25519.Signing.PrivateKey())

    static func holdsNUL(_ e: EventInput) -> Bool {
        [e.actor.name, e.action, e.subject, e.outcome].contains { $0.utf8.contains(0) }
    }

    @Test("any event the store writes reads back to the same canonical bytes and leaf; text it cannot keep is refused whole",
          arguments: [UInt64(0xC057_0D1E), 0x5EED_0002, 0x5EED_0003])
    func roundTrip(seed: UInt64) async throws {
        let key = self.key
        // The cases run on a thread of their own; what they found is judged here.
        let outcome = try await onOwnThread { try Self.roundTrip(seed: seed, key: key) }
        #expect(outcome.refused > 40 && outcome.written > 500,
                "the generator exercises both paths (\(outcome.refused) refused, \(outcome.written) written)")
        #expect(outcome.problems.isEmpty, "seed \(seed): \(outcome.problems.prefix(5))")
    }

    struct Outcome: Sendable {
        var written = 0
        var refused = 0
        /// Every case that did not hold, named by its number and seed.
        var problems: [String] = []
    }

    static func roundTrip(seed: UInt64, key: StationKey) throws -> Outcome {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        var generator = EventTextGenerator(random: SeededGenerator(seed: seed))
        var outcome = Outcome()
        var written: [EventInput] = []
        var batch: [EventInput] = []
        for case_ in 0..<800 {
            let input = generator.event()
            if Self.holdsNUL(input) {
                // Text SQLite would cut short never becomes an event: refused, naming the field, nothing written.
                let before = try f.store.ledgerSize()
                do {
                    try f.store.record(input)
                    outcome.problems.append("case \(case_): an event holding NUL was written")
                } catch is EventTextError {
                    outcome.refused += 1
                }
                if try f.store.ledgerSize() != before { outcome.problems.append("case \(case_): the ledger grew for a refused event") }
                continue
            }
            batch.append(input)
            if batch.count == 100 {
                try f.store.record(batch: batch)
                written += batch
                batch = []
            }
        }
        try f.store.record(batch: batch)
        written += batch
        outcome.written = written.count

        var query = EventQuery()
        query.limit = 10_000
        let stored = try f.store.events(query)
        let (seqs, leaves) = try f.store.ledgerEntries()
        guard stored.count == written.count && leaves.count == written.count else {
            outcome.problems.append("\(written.count) events written, \(stored.count) rows and \(leaves.count) leaves read back")
            return outcome
        }
        for (i, (input, row)) in zip(written, stored).enumerated() {
            let asWritten = CustodyEvent(seq: row.seq, time: row.time, actor: Author(uid: input.actor.uid, name: input.actor.name),
                                     action: input.action, subject: input.subject, outcome: input.outcome, detail: input.detail)
            let bytes = CanonicalEntry.bytes(of: row)
            if bytes != CanonicalEntry.bytes(of: asWritten) { outcome.problems.append("written event \(i) reads back changed") }
            if seqs[i] != row.seq || leaves[i] != MerkleTree.leafHash(bytes) { outcome.problems.append("written event \(i): its leaf is not its row's") }
        }
        let report = try f.store.verify(stationName: key.name, publicKey: key.publicKey, full: false)
        if !report.ok { outcome.problems.append("verify: \(report.problems.prefix(3))") }
        return outcome
    }

    @Test("a NUL in any envelope field is refused with a stable code naming the field")
    func nulIsRefusedNamingTheField() throws {
        let f = try StoreFixture()
        defer { f.dir.remove() }
        let who = Caller(uid: 1001, gid: 1001, name: "ana", roles: [])
        let cases: [(EventInput, String)] = [
            (EventInput(actor: who, action: "request.deny", subject: "api:/v1/blobs/\0tail", outcome: "denied"), "subject"),
            (EventInput(actor: who, action: "item\0.store", subject: "item:1"), "action"),
            (EventInput(actor: who, action: "item.store", subject: "item:1", outcome: "ok\0"), "outcome"),
            (EventInput(actor: Caller(uid: 1, gid: 1, name: "a\0b", roles: []), action: "x", subject: "y"), "actor.name"),
        ]
        for (input, field) in cases {
            do {
                try f.store.record(input)
                Issue.record("an event with a NUL in its \(field) was written")
            } catch let error as EventTextError {
                #expect(error.code == "event-text-not-storable" && error.field == field)
                #expect(error.description.contains(field) && error.description.contains("U+0000"))
            }
        }
        // A NUL inside the detail is JSON (\u0000) and is kept whole.
        try f.store.record(EventInput(actor: who, action: "note", subject: "item:1", detail: ["path": .string("a\0b"), "k\0": .null]))
        let back = try f.store.events(EventQuery()).last
        #expect(back?.detail == ["path": .string("a\0b"), "k\0": .null])
        #expect(try f.store.verify(stationName: key.name, publicKey: key.publicKey, full: false).ok)
    }
}

// custody-ledger-bench: the ledger's share of `make bench` (scripts/bench-ledger.sh).
//
//   custody-ledger-bench appends N STATE    N durable appends, one transaction each; prints appends/s
//   custody-ledger-bench build N STATE      a ledger of N events (batched), a checkpoint every 100,000
//   custody-ledger-bench verify STATE       times a full ledger verification (no blobs); prints seconds
import CustodyCore
import CustodyLedger
import CustodyModel
import CustodyStore
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("custody-ledger-bench: \(message)\n".utf8))
    exit(2)
}

/// An event shaped like an item being stored (the commonest leaf).
func event(_ i: Int) -> EventInput {
    EventInput(actor: Caller(uid: 1001, gid: 1001, name: "operator", roles: [.operator_]), action: "item.store", subject: "item:\(i)",
               detail: ["job": .number(Double(i / 100 + 1)), "path": .string("DCIM/100MEDIA/FILE\(i).MP4"),
                        "root": .string("/media/card"), "sha256": .string(String(repeating: "ab", count: 32)),
                        "size": .number(Double(1_000_000 + i)), "verified": .bool(true)])
}

let args = CommandLine.arguments
guard args.count >= 3 else { fail("usage: appends N STATE | build N STATE | verify STATE") }
let clock = ContinuousClock()
switch args[1] {
case "appends":
    guard args.count == 4, let n = Int(args[2]) else { fail("usage: appends N STATE") }
    let store = try LocalStore(stateDirectory: args[3])
    let started = clock.now
    for i in 0..<n { try store.record(event(i)) }
    let seconds = (clock.now - started) / .seconds(1)
    print(String(format: "%.1f", Double(n) / seconds))
case "build":
    guard args.count == 4, let n = Int(args[2]) else { fail("usage: build N STATE") }
    let store = try LocalStore(stateDirectory: args[3])
    let key = try StationKey.loadOrCreate(path: args[3] + "/ledger/station.key", name: "custody.bench/station")
    let signer = CheckpointSigner(key: key, store: store)
    var made = try store.ledgerSize()
    while made < n {
        let batch = min(10_000, n - made)
        try store.record(batch: (made..<made + batch).map(event))
        made += batch
        if made % 100_000 == 0 || made == n { try signer.checkpoint() }
    }
    print(try store.ledgerSize())
case "verify":
    let store = try LocalStore(stateDirectory: args[2])
    let key = try StationKey.loadOrCreate(path: args[2] + "/ledger/station.key", name: "custody.bench/station")
    let started = clock.now
    let report = try store.verify(stationName: key.name, publicKey: key.publicKey, full: false)
    let seconds = (clock.now - started) / .seconds(1)
    guard report.ok else { fail("verification found \(report.problems.count) problems: \(report.problems.prefix(3))") }
    print(String(format: "%.3f %d %d", seconds, report.treeSize, report.checkpointsChecked))
default:
    fail("unknown command \(args[1])")
}

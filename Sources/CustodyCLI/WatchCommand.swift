#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CustodyCore
import CustodyProtocol
import Foundation

/// `custodyctl watch`: follows docks, undocks and jobs as they happen, until interrupted.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Follow docks, undocks and ingest jobs live (Ctrl-C to stop).")

    @Option(name: .long, help: "Stop after this many seconds (for scripts).") var seconds: Double?
    @OptionGroup var global: GlobalOptions

    /// One thing that happened, as printed (one JSON object per line with --json).
    struct Change: Codable {
        var time: String
        var event: String
        var device: DeviceDTO?
        var job: JobDTO?
    }

    func run() throws {
        let client = global.client()
        var devices: [Int64: DeviceDTO] = [:]
        var jobs: [Int64: JobDTO] = [:]
        var first = true
        let end = seconds.map { Date().addingTimeInterval($0) }
        while end.map({ Date() < $0 }) ?? true {
            let nowDevices = try client.devices(all: true).devices
            let nowJobs = try client.jobs(limit: 50).jobs
            var changes: [Change] = []
            let time = RFC3339.format(Date())
            for d in nowDevices.reversed() {
                let before = devices[d.id]
                if before == nil, d.state != .removed || !first {
                    changes.append(Change(time: time, event: d.state == .unsupported ? "unsupported" : "dock", device: d, job: nil))
                }
                if let before, before.state != d.state {
                    changes.append(Change(time: time, event: d.state == .removed ? "undock" : "device-\(d.state.rawValue)", device: d, job: nil))
                }
                devices[d.id] = d
            }
            for j in nowJobs.reversed() {
                let before = jobs[j.id]
                if (before == nil && !first) || (before != nil && (before!.state != j.state || before!.stored + before!.duplicates + before!.failed
                                                                   != j.stored + j.duplicates + j.failed)) {
                    changes.append(Change(time: time, event: "job-\(j.state.rawValue)", device: nil, job: j))
                }
                jobs[j.id] = j
            }
            if first && !global.json {
                emit("watching \(global.socketPath); \(nowDevices.filter { $0.state != .removed }.count) devices docked")
            }
            for c in changes { try printChange(c) }
            first = false
            usleep(250_000)
        }
    }

    /// One line, written at once (a pipe reader sees each event as it happens).
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    private func printChange(_ c: Change) throws {
        if global.json {
            emit(String(decoding: try Wire.encoder().encode(c), as: UTF8.self))
            return
        }
        if let d = c.device {
            let what = d.model ?? "unknown device"
            emit("\(c.time)  \(c.event.padding(toLength: 16, withPad: " ", startingAt: 0)) dock \(d.id): \(what) \(d.vendorId):\(d.productId) serial \(d.serial ?? "-") at \(d.busPath)\(d.message.map { " (\($0))" } ?? "")")
        } else if let j = c.job {
            emit("\(c.time)  \(c.event.padding(toLength: 16, withPad: " ", startingAt: 0)) job \(j.id): \(j.stored) stored, \(j.duplicates) already stored, \(j.failed) failed of \(j.totalFiles)\(j.device.map { " from \($0)" } ?? "")")
        }
    }
}

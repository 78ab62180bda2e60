// swift-tools-version:6.2
// Custody: evidence intake for body cameras and courtroom recorders.
import PackageDescription

/// Every target of ours: Swift 6 language mode, and warnings are errors (in CI and
/// everywhere else; dependencies keep their own settings).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Custody",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "custodyd", targets: ["custodyd"]),
        .executable(name: "custodyctl", targets: ["custodyctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Thin executables: parse arguments, hand off to a library.
        .executableTarget(name: "custodyd", dependencies: ["CustodyDaemon"], swiftSettings: swiftSettings),
        .executableTarget(name: "custodyctl", dependencies: ["CustodyCLI"], swiftSettings: swiftSettings),
        // The ledger's benchmark (scripts/bench-ledger.sh): durable appends, verification of a large ledger.
        .executableTarget(name: "custody-ledger-bench", dependencies: ["CustodyStore", "CustodyLedger", "CustodyCore", "CustodyModel"],
                          swiftSettings: swiftSettings),
        // Capture CPU cost against arecord on the same PCM (scripts/bench-capture.sh).
        .executableTarget(name: "custody-capture-bench", dependencies: ["CustodyAudio"], swiftSettings: swiftSettings),
        // libFuzzer targets built by scripts/fuzz.sh with -sanitize=fuzzer,address -D CUSTODY_FUZZING;
        // any other build makes replayers of fuzz inputs (fuzz/README.md).
        .executableTarget(name: "custody-fuzz-registry", dependencies: ["CustodyStore", "CustodyCore"], path: "fuzz/Registry",
                          swiftSettings: swiftSettings),
        .executableTarget(name: "custody-fuzz-http", dependencies: [
            "CustodyServer", "CustodyStore", "CustodyIngest", "CustodyLedger", "CustodyCore", "CustodyProtocol",
            "CustodyDirectory", "CustodyMassStorage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "fuzz/HTTP", swiftSettings: swiftSettings),

        // The records every layer shares (items, jobs, custody events, docks, the registry, holds,
        // retention, gaps, recording, exports) and event details as JSON: the bottom floor, no wire concerns.
        .target(name: "CustodyModel", swiftSettings: swiftSettings),
        // Linux-only system calls that need _GNU_SOURCE (syncfs, mkostemp, O_NOATIME, SO_PEERCRED).
        .target(name: "CLinuxSystem", cSettings: [.treatAllWarnings(as: .error)]),
        // The small shared core: system-call door, clock, RFC 3339, sysfs root, roles, confined paths, untrusted text.
        .target(name: "CustodyCore", dependencies: ["CLinuxSystem"], swiftSettings: swiftSettings),
        // Our own TOML 1.0 reader, with the line and column of every value and error.
        .target(name: "CustodyTOML", swiftSettings: swiftSettings),
        // libusb-1.0, wrapped once by CustodyUSB.
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
        // USB devices: enumeration, hotplug as an AsyncStream, descriptors, transfers.
        .target(name: "CustodyUSB", dependencies: ["CLibUSB", "CustodyCore"], swiftSettings: swiftSettings),
        // libudev, wrapped once by CustodyUdev.
        .systemLibrary(name: "CLibUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // Block disks: udev's add/change/remove of whole disks as an AsyncStream, and their enumeration.
        .target(name: "CustodyUdev", dependencies: ["CLibUdev", "CustodyCore"], swiftSettings: swiftSettings),
        // alsa-lib, wrapped once by CustodyAudio.
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        // Courtroom capture: ALSA PCM, Broadcast Wave segments, level and silence monitoring.
        .target(name: "CustodyAudio", dependencies: ["CALSA"], swiftSettings: swiftSettings),
        // The device catalog (data files) and the udev rules made from it.
        .target(name: "CustodyCatalog", dependencies: ["CustodyCore", "CustodyTOML"], swiftSettings: swiftSettings),
        // Docking: device manager, driver protocol, sysfs locator.
        .target(name: "CustodyDevices", dependencies: [
            "CustodyCore", "CustodyUSB", "CustodyUdev", "CustodyCatalog", "CustodyStore", "CustodyIngest", "CustodyModel",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // The mass-storage driver: a docked device's FAT/exFAT media, and operators' disk images, read in user space.
        .target(name: "CustodyMassStorage", dependencies: [
            "CustodyCatalog", "CustodyCore", "CustodyDevices", "CustodyIngest", "CustodyModel", "CustodyStore", "CustodyVolumes",
        ], path: "Sources/CustodyDrivers/MassStorage", exclude: ["README.md"], swiftSettings: swiftSettings),
        // The directory driver: directory trees and single files (mounted cards, drop boxes, segments), confined beneath their root.
        .target(name: "CustodyDirectory", dependencies: [
            "CLinuxSystem", "CustodyCore", "CustodyIngest", "CustodyModel", "CustodyStore",
        ], path: "Sources/CustodyDrivers/Directory", exclude: ["README.md"], swiftSettings: swiftSettings),
        // Our own small Prometheus registry: counters, gauges, labels, text exposition 0.0.4.
        .target(name: "CustodyMetrics", swiftSettings: swiftSettings),
        // Log records to the journal (native protocol, fields from metadata) or readable lines.
        .target(name: "CustodyLogging", dependencies: [
            "CustodyCore", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // Media type sniffing and recording-time extraction (MP4/MOV, JPEG EXIF, WAV/BWF).
        .target(name: "CustodyMetadata", exclude: ["README.md"], swiftSettings: swiftSettings),
        // The Tagger stage: a registry view and a recording's facts in, tags and their reasons out; pure.
        .target(name: "CustodyTagging", dependencies: ["CustodyModel"], exclude: ["README.md"], swiftSettings: swiftSettings),
        // The storage and indexing module: blobs, SQLite index, custody events.
        .target(name: "CustodyStore", dependencies: [
            "CLinuxSystem", "CustodyCore", "CustodyModel", "CustodyLedger", "CustodyTagging",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // CRC-32 (ISO 3309 / IEEE 802.3), the one implementation: GPT's checks and the ZIP bundles' entries.
        .target(name: "CustodyCRC32", swiftSettings: swiftSettings),
        // FAT12/16/32 and exFAT, MBR and GPT, read in user space from a read-only block device or image.
        .target(name: "CustodyVolumes", dependencies: ["CustodyCRC32"], exclude: ["README.md"], swiftSettings: swiftSettings),
        // Jobs: read the sources drivers give, hash while copying, verify, commit.
        .target(name: "CustodyIngest", dependencies: [
            "CLinuxSystem", "CustodyCore", "CustodyModel", "CustodyStore", "CustodyMetadata", "CustodyMetrics",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // The custody ledger: RFC 9162 Merkle tree, canonical entries, signed checkpoints.
        .target(name: "CustodyLedger", dependencies: [
            "CustodyModel", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // Export bundles for court: manifest, proofs, CASE/UCO JSON-LD, README.
        .target(name: "CustodyExport", dependencies: [
            "CustodyModel", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // Courtroom recording: sessions, confidence monitoring as custody events, segments filed as evidence.
        .target(name: "CustodyRecording", dependencies: [
            "CustodyAudio", "CustodyCore", "CustodyIngest", "CustodyMetrics", "CustodyModel", "CustodyStore",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // The control protocol's wire vocabulary (Codable DTOs, their mapping from the model, request
        // bounds), shared by server and client alone.
        .target(name: "CustodyProtocol", dependencies: ["CustodyModel"], swiftSettings: swiftSettings),
        // The control server: HTTP/1.1 + JSON on a Unix socket, SO_PEERCRED roles.
        .target(name: "CustodyServer", dependencies: [
            "CLinuxSystem", "CustodyCore", "CustodyModel", "CustodyProtocol", "CustodyStore", "CustodyIngest", "CustodyLedger", "CustodyExport",
            "CustodyMetrics", "CustodyLogging", "CustodyRecording",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // A small blocking HTTP/1.1 client over a Unix socket, for custodyctl.
        .target(name: "CustodyClient", dependencies: ["CustodyProtocol"], swiftSettings: swiftSettings),
        // The daemon: its configuration file (composed of each part's own), services, signals, sd_notify.
        .target(name: "CustodyDaemon", dependencies: [
            "CustodyCore", "CustodyStore", "CustodyIngest", "CustodyServer", "CustodyDevices", "CustodyUSB", "CustodyUdev", "CustodyCatalog", "CustodyLedger",
            "CustodyMassStorage", "CustodyMetrics", "CustodyLogging", "CustodyModel", "CustodyRecording", "CustodyTOML", "CustodyDirectory",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // custodyctl's commands, one per file.
        .target(name: "CustodyCLI", dependencies: [
            "CustodyProtocol", "CustodyClient", "CustodyCatalog", "CustodyCore", "CustodyCRC32",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        // Fakes for every seam (clock, files), shared by the tests.
        .target(name: "CustodyTestSupport", dependencies: ["CustodyCore", "CustodyUSB", "CustodyUdev", "CustodyAudio"], swiftSettings: swiftSettings),

        .testTarget(name: "CustodyCoreTests", dependencies: ["CustodyCore", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyTOMLTests", dependencies: ["CustodyTOML", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyMetadataTests", dependencies: ["CustodyMetadata", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyTaggingTests", dependencies: ["CustodyTagging", "CustodyModel"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyStoreTests", dependencies: [
            "CustodyStore", "CustodyLedger", "CustodyModel", "CustodyTagging", "CustodyTestSupport", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyIngestTests", dependencies: ["CustodyIngest", "CustodyStore", "CustodyMetrics", "CustodyModel", "CustodyTestSupport",
                                                              "CustodyDirectory", "CustodyMassStorage"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyServerTests", dependencies: ["CustodyServer", "CustodyClient", "CustodyProtocol", "CustodyModel", "CustodyRecording", "CustodyTestSupport",
                                                              "CustodyDirectory", .product(name: "NIOEmbedded", package: "swift-nio")], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyCLITests", dependencies: ["CustodyCLI", "CustodyProtocol", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyVolumesTests", dependencies: ["CustodyVolumes", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyExportTests", dependencies: ["CustodyExport", "CustodyModel"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyUSBTests", dependencies: ["CustodyUSB", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyLedgerTests", dependencies: ["CustodyLedger", "CustodyModel", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyAudioTests", dependencies: ["CustodyAudio", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyRecordingTests", dependencies: [
            "CustodyRecording", "CustodyAudio", "CustodyStore", "CustodyIngest", "CustodyMetrics", "CustodyModel", "CustodyTestSupport", "CustodyDirectory",
        ], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyMetricsTests", dependencies: ["CustodyMetrics"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyCRC32Tests", dependencies: ["CustodyCRC32", "CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyTestSupportTests", dependencies: ["CustodyTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyLoggingTests", dependencies: ["CustodyLogging", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "CustodyDaemonTests", dependencies: [
            "CustodyDaemon", "CustodyIngest", "CustodyCore", "CustodyTestSupport", .product(name: "Logging", package: "swift-log"),
            "CustodyServer", "CustodyRecording", "CustodyStore",
        ], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyUdevTests", dependencies: ["CustodyUdev"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyCatalogTests", dependencies: ["CustodyCatalog"], swiftSettings: swiftSettings),
        .testTarget(name: "CustodyDevicesTests", dependencies: [
            "CustodyDevices", "CustodyCatalog", "CustodyStore", "CustodyIngest", "CustodyTestSupport", "CustodyUdev",
            "CustodyMassStorage", "CustodyVolumes", "CustodyDirectory", "CustodyModel", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)

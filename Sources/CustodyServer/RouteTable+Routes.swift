import CustodyProtocol

/// Every operation of the control API, who may call it and what answers it: the one
/// statement of which routes exist. A path's methods are listed in this order in a 405's
/// `Allow`. Handlers are in ControlRoutes.swift (status, jobs, items, events, ledger),
/// ControlOperations.swift, ExportAbandonRoute.swift, EventStreamRoute.swift,
/// RecordingRoutes.swift and RegistryRoutes.swift.
extension RouteTable {
    public static let routes: [Route] = [
        .blocking(.GET, API.status, anyRole) { try $0.status($1.request) },
        .blocking(.GET, API.jobs, anyRole) { try $0.jobs($1) },
        .suspending(.POST, API.jobs, ingesters) { try await $0.startJob($1.request) },
        .blocking(.GET, API.Template.job, anyRole) { try $0.job($1) },
        .blocking(.GET, API.items, anyRole) { try $0.items($1) },
        .blocking(.GET, API.Template.item, anyRole) { try $0.item($1) },
        .blocking(.GET, API.events, auditReaders) { try $0.events($1) },
        // The same custody events, live: the same readers. The server sends the stream itself.
        .blocking(.GET, API.eventStream, auditReaders) { try $0.eventStream($1.request) },
        // Which kinds of state changed (docks, jobs, recording), live, and nothing else: what
        // every role may already list, so an operator's watch follows it too.
        .blocking(.GET, API.changeStream, anyRole) { try $0.changeStream($1.request) },
        .blocking(.GET, API.devices, anyRole) { try $0.devices($1) },
        .blocking(.GET, API.ledger, anyRole) { r, _ in try r.ledger() },
        .blocking(.GET, API.checkpoints, anyRole) { r, _ in try r.checkpoints() },
        .blocking(.POST, API.checkpoints, anyRole) { try $0.makeCheckpoint($1) },
        .blocking(.POST, API.verify, auditReaders) { try $0.verify($1.request) },
        // An item's inclusion proofs carry every custody event of the item in full.
        .blocking(.GET, API.proofs, auditReaders) { try $0.proofs($1.request) },
        .blocking(.POST, API.exports, exporters) { try $0.export($1.request) },
        .blocking(.POST, API.Template.exportAbandon, exporters) { try $0.abandonExport($1.request, id: $1.id) },
        .blocking(.GET, API.Template.blob, exporters) { try $0.blob($1.request, sha256: $1.id) },
        .blocking(.GET, API.logLevel, anyRole) { r, _ in r.logLevel() },
        .blocking(.PUT, API.logLevel, admins) { try $0.setLogLevel($1.request) },
        .blocking(.GET, API.recordings, anyRole) { try $0.listRecordings($1.request) },
        .suspending(.POST, API.recordings, ingesters) { try await $0.startRecording($1.request) },
        .blocking(.GET, API.Template.recording, anyRole) { try $0.courtroomRecording($1.request, courtroom: $1.id) },
        .suspending(.POST, API.Template.recording, ingesters) { try await $0.actOnRecording($1.request, courtroom: $1.id) },
        .blocking(.GET, API.officers, anyRole) { try $0.officers($1) },
        .blocking(.GET, API.equipment, anyRole) { r, _ in try r.equipment() },
        .blocking(.GET, API.courtrooms, anyRole) { r, _ in try r.courtrooms() },
        .blocking(.GET, API.cases, anyRole) { r, _ in try r.cases() },
        .blocking(.GET, API.hearings, anyRole) { try $0.hearings($1) },
        .blocking(.GET, API.assignments, anyRole) { try $0.assignments($1) },
        .blocking(.POST, API.imports, supervisors) { try $0.importFile($1.request) },
        .blocking(.POST, API.checkouts, ingesters) { try $0.checkout($1) },
        .blocking(.POST, API.checkins, ingesters) { try $0.checkin($1) },
        .blocking(.POST, API.clocks, ingesters) { try $0.clockCheck($1) },
        .blocking(.POST, API.tags, supervisors) { try $0.tag($1) },
        .blocking(.GET, API.holds, anyRole) { try $0.holds($1) },
        .blocking(.POST, API.holds, supervisors) { try $0.placeHold($1) },
        .blocking(.PATCH, API.Template.hold, supervisors) { try $0.releaseHold($1) },
        .blocking(.GET, API.retention, anyRole) { try $0.retentionPlans($1) },
        .blocking(.POST, API.retention, planners) { try $0.makeRetentionPlan($1) },
        .blocking(.GET, API.Template.retentionPlan, anyRole) { try $0.retentionPlan($1) },
        .blocking(.POST, API.Template.retentionPlan, supervisors) { try $0.applyRetentionPlan($1) },
        .blocking(.GET, API.gaps, anyRole) { try $0.gaps($1) },
        .blocking(.GET, API.metrics, metricsReaders) { r, _ in try r.metrics() },
    ]
}

#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyIngest
import CustodyLedger
import CustodyProtocol
import CustodyRecording
import CustodyStore
import Foundation
import NIOHTTP1

/// The control API's routes: each checks the caller's roles, then answers.
/// `docs/api/openapi.yaml` documents every one of them.
public struct ControlRoutes: Sendable {
    let store: any EvidenceStore & DockStore
    let ingest: IngestEngine
    let startedAt: ContinuousClock.Instant
    let stateDirectory: String
    /// Signs checkpoints; nil where a test runs the routes without a ledger key.
    let signer: CheckpointSigner?
    /// Metrics, free space and the log level (ControlOperations.swift).
    let operations: ControlOperations
    /// Retention periods and gap thresholds (RegistryRoutes.swift).
    let tagging: TaggingPolicy
    /// Courtroom recording; nil where a test runs the routes without it.
    let recordings: RecordingManager?

    public init(store: any EvidenceStore & DockStore, ingest: IngestEngine, stateDirectory: String, signer: CheckpointSigner? = nil,
                operations: ControlOperations? = nil, tagging: TaggingPolicy = TaggingPolicy(), recordings: RecordingManager? = nil) {
        self.store = store
        self.ingest = ingest
        self.stateDirectory = stateDirectory
        self.signer = signer
        self.operations = operations ?? .standalone(stateDirectory: stateDirectory)
        self.tagging = tagging
        self.recordings = recordings
        self.startedAt = .now
    }

    /// The methods of each resource, by its first segment and its segment count.
    static let methods: [String: [Int: [String]]] = [
        "status": [1: ["GET"]],
        "jobs": [1: ["GET", "POST"], 2: ["GET"]],
        "items": [1: ["GET"], 2: ["GET"]],
        "events": [1: ["GET"]],
        "devices": [1: ["GET"]],
        "ledger": [1: ["GET"]],
        "checkpoints": [1: ["GET", "POST"]],
        "verify": [1: ["POST"]],
        "proofs": [1: ["GET"]],
        "exports": [1: ["POST"]],
        "blobs": [2: ["GET"]],
        "log-level": [1: ["GET", "PUT"]],
        "recordings": [1: ["GET", "POST"], 2: ["GET", "POST"]],
    ]

    static let anyRole: Set<Role> = Set(Role.allCases)
    static let ingesters: Set<Role> = [.operator_, .supervisor, .admin]
    static let auditReaders: Set<Role> = [.supervisor, .auditor, .admin]
    /// Who may export evidence for court (and so read stored files).
    static let exporters: Set<Role> = [.supervisor, .auditor, .admin]

    /// Answers one request. Never throws: every failure becomes a problem response.
    public func handle(_ request: ControlRequest) async -> ControlResponse {
        if let answer = await unversioned(request) { return answer }
        let segments = request.path.split(separator: "/").map(String.init)
        guard segments.first == "v1" else {
            return .problem(.notFound("no such path: \(request.path) (this daemon speaks \(API.prefix))"))
        }
        let route = Array(segments.dropFirst())
        do {
            switch (request.method, route.count, route.first) {
            case (.GET, 1, "status"):
                try authorize(request, Self.anyRole)
                return try status(request)
            case (.POST, 1, "jobs"):
                try authorize(request, Self.ingesters)
                return try await startJob(request)
            case (.GET, 1, "jobs"):
                try authorize(request, Self.anyRole)
                let limit = try intParameter(request, "limit", default: 50, range: 1...1000)
                return .json(JobListDTO(jobs: try store.jobs(limit: limit)))
            case (.GET, 2, "jobs"):
                try authorize(request, Self.anyRole)
                let id = try pathID(route[1], "job")
                guard let job = try store.job(id, withFiles: request.query["files"] != "false") else {
                    throw ProblemDTO.notFound("no job \(id)")
                }
                return .json(job)
            case (.GET, 1, "items"):
                try authorize(request, Self.anyRole)
                return .json(try store.items(try itemQuery(request)))
            case (.GET, 2, "items"):
                try authorize(request, Self.anyRole)
                let id = try pathID(route[1], "item")
                guard let item = try store.item(id) else { throw ProblemDTO.notFound("no item \(id)") }
                return .json(item)
            case (.GET, 1, "devices"):
                try authorize(request, Self.anyRole)
                let all = request.query["all"] == "true"
                let limit = try intParameter(request, "limit", default: 100, range: 1...10000)
                return .json(DeviceListDTO(devices: try store.docks(presentOnly: !all, limit: limit)))
            case (.GET, 1, "ledger"):
                try authorize(request, Self.anyRole)
                return try ledger()
            case (.GET, 1, "checkpoints"):
                try authorize(request, Self.anyRole)
                return .json(CheckpointListDTO(checkpoints: try requireSigner().store.checkpoints().map(Self.checkpointDTO)))
            case (.POST, 1, "checkpoints"):
                try authorize(request, Self.anyRole)
                return .json(Self.checkpointDTO(try requireSigner().checkpoint(actor: request.caller)), status: .created)
            case (.GET, 1, "proofs"):
                try authorize(request, Self.anyRole)
                return try proofs(request)
            case (.POST, 1, "verify"):
                try authorize(request, Self.auditReaders)
                return try verify(request)
            case (.POST, 1, "exports"):
                try authorize(request, Self.exporters)
                return try export(request)
            case (.GET, 2, "blobs"):
                try authorize(request, Self.exporters)
                return try blob(request, sha256: route[1])
            case (.GET, 1, "log-level"):
                try authorize(request, Self.anyRole)
                return logLevel()
            case (.PUT, 1, "log-level"):
                try authorize(request, Self.admins)
                return try setLogLevel(request)
            case (.GET, 1, "recordings"):
                try authorize(request, Self.anyRole)
                return try listRecordings(request)
            case (.POST, 1, "recordings"):
                try authorize(request, Self.recorders)
                return try await startRecording(request)
            case (.GET, 2, "recordings"):
                try authorize(request, Self.anyRole)
                return try courtroomRecording(request, courtroom: route[1])
            case (.POST, 2, "recordings"):
                try authorize(request, Self.recorders)
                return try await actOnRecording(request, courtroom: route[1])
            case (.GET, 1, "events"):
                try authorize(request, Self.auditReaders)
                var q = EventQuery()
                if let item = request.query["item"] { q.itemID = try pathID(item, "item") }
                q.subject = request.query["subject"]
                q.afterSeq = Int64(try intParameter(request, "after", default: 0, range: 0...Int.max))
                q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
                return .json(EventListDTO(events: try store.events(q)))
            default:
                if let response = try await registryRoute(request, route) { return response }
                // A resource of this protocol asked with the wrong method: 405 naming the
                // methods it has (RFC 9110 15.5.6); anything else does not exist.
                if let first = route.first, let allowed = Self.methods[first]?[route.count] ?? Self.registryMethods[first]?[route.count] {
                    var response = ControlResponse.problem(ProblemDTO(
                        status: 405, code: "method-not-allowed", title: "Method not allowed",
                        detail: "\(request.method.rawValue) is not allowed on \(request.path); use \(allowed.joined(separator: " or "))"))
                    response.headers.append(("Allow", allowed.joined(separator: ", ")))
                    return response
                }
                return .problem(.notFound("no such path: \(request.path)"))
            }
        } catch let problem as ProblemDTO {
            return .problem(problem)
        } catch {
            return .problem(.internalError("\(error)"))
        }
    }

    /// Refuses callers holding none of `roles`, and records the refusal.
    func authorize(_ request: ControlRequest, _ roles: Set<Role>) throws {
        guard request.caller.holdsAny(of: roles) else {
            let needed = roles.sorted().map(\.rawValue).joined(separator: ", ")
            try? store.record(EventInput(actor: request.caller, action: "request.deny", subject: "api:\(request.path)", outcome: "denied",
                                         detail: ["method": .string(request.method.rawValue), "needs": .string(needed)]))
            let held = request.caller.roles.isEmpty ? "no Custody role" : "only " + request.caller.roles.sorted().map(\.rawValue).joined(separator: ", ")
            throw ProblemDTO.forbidden("user \(request.caller.name) (uid \(request.caller.uid)) has \(held); \(request.method.rawValue) \(request.path) needs one of: \(needed)")
        }
    }

    private func status(_ request: ControlRequest) throws -> ControlResponse {
        let totals = try store.totals()
        let uptime = ContinuousClock.now - startedAt
        let seconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        let caller = CallerDTO(uid: request.caller.uid, name: request.caller.name, roles: request.caller.roles.sorted().map(\.rawValue))
        return .json(StatusDTO(version: CustodyVersion.string, uptimeSeconds: seconds, items: totals.items, blobs: totals.blobs,
                               bytesStored: totals.bytesStored, jobsRunning: ingest.runningJobs, stateDirectory: stateDirectory, caller: caller,
                               space: spaceStatus()))
    }

    private func startJob(_ request: ControlRequest) async throws -> ControlResponse {
        let body: IngestRequestDTO
        do {
            body = try Wire.decoder.decode(IngestRequestDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"path\": \"/media/card\"}: \(Self.describe(error))")
        }
        do {
            let job = try await ingest.submit(body, caller: request.caller)
            guard let dto = try store.job(job.jobID, withFiles: false) else { throw ProblemDTO.internalError("job \(job.jobID) vanished") }
            return .json(dto, status: .accepted)
        } catch let error as IngestError {
            let status = switch error.code {
            case .badRequest: 400
            case .pathNotAllowed, .sourceReplaced: 403
            case .pathNotFound: 404
            case .storeFailure: 503
            }
            throw ProblemDTO(status: status, code: error.code.rawValue, title: "Cannot ingest", detail: error.message)
        }
    }

    private func requireSigner() throws -> CheckpointSigner {
        guard let signer else { throw ProblemDTO(status: 503, code: "no-ledger-key", title: "No ledger key", detail: "this daemon has no station key") }
        return signer
    }

    private func ledger() throws -> ControlResponse {
        let signer = try requireSigner()
        return .json(LedgerDTO(origin: signer.key.name, verifierKey: signer.key.verifierKey, treeSize: try signer.store.ledgerSize(),
                               latestCheckpoint: try signer.store.latestCheckpoint()?.note))
    }

    static func checkpointDTO(_ c: StoredCheckpoint) -> CheckpointDTO {
        CheckpointDTO(treeSize: c.treeSize, rootHash: Data(c.rootHash).base64EncodedString(), note: c.note, madeAt: c.madeAt)
    }

    private func verify(_ request: ControlRequest) throws -> ControlResponse {
        let signer = try requireSigner()
        let body: VerifyRequestDTO
        do {
            body = request.body.isEmpty ? VerifyRequestDTO(full: false) : try Wire.decoder.decode(VerifyRequestDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"full\": true}: \(Self.describe(error))")
        }
        let report = try signer.verifyAndRecord(full: body.full, actor: request.caller)
        return .json(VerificationDTO(ok: report.ok, treeSize: report.treeSize, checkpointsChecked: report.checkpointsChecked,
                                     blobsChecked: report.blobsChecked, problems: report.problems.map {
            VerificationProblemDTO(kind: $0.kind, subject: $0.subject, expected: $0.expected, found: $0.found, message: $0.message)
        }))
    }

    private func export(_ request: ControlRequest) throws -> ControlResponse {
        let signer = try requireSigner()
        let body: ExportRequestDTO
        do {
            body = try Wire.decoder.decode(ExportRequestDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"case\": \"K-2026-114\"}: \(Self.describe(error))")
        }
        return .json(try ExportMaker(store: signer.store, signer: signer).make(body, caller: request.caller), status: .created)
    }

    /// A stored file's bytes, for the export that holds it and only to the user who made that export.
    private func blob(_ request: ControlRequest, sha256: String) throws -> ControlResponse {
        let signer = try requireSigner()
        guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw ProblemDTO.badRequest("a stored file is named by its SHA-256 in lowercase hex, not \"\(sha256)\"")
        }
        guard let exportText = request.query["export"] else {
            throw ProblemDTO.badRequest("stored files are handed out for an export only: add ?export=ID (POST /v1/exports makes one)")
        }
        guard let exportID = Int64(exportText), exportID > 0, let export = try signer.store.export(exportID) else {
            throw ProblemDTO.notFound("no export \(exportText)")
        }
        guard export.actorUID == request.caller.uid else {
            try? store.record(EventInput(actor: request.caller, action: "request.deny", subject: "api:\(request.path)", outcome: "denied",
                                         detail: ["export": .number(Double(exportID)), "reason": .string("not the exporter")]))
            throw ProblemDTO.forbidden("export \(exportID) was made by uid \(export.actorUID); only that user may fetch its files")
        }
        guard export.sha256s.contains(sha256) else { throw ProblemDTO.notFound("export \(exportID) holds no file \(sha256)") }
        let path = store.blobPath(sha256)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ProblemDTO.internalError("the stored file \(sha256) cannot be read (\(String(cString: strerror(errno)))); run custodyctl verify --full")
        }
        var response = ControlResponse(contentType: "application/octet-stream", body: Data())
        response.file = ResponseFile(path: path, size: Int64(info.st_size))
        return response
    }

    /// Inclusion proofs of an item's events (`item`), against the checkpoint of size
    /// `size` or the latest; or the consistency proof between checkpoints `from` and `to`.
    private func proofs(_ request: ControlRequest) throws -> ControlResponse {
        let signer = try requireSigner()
        let checkpoints = try signer.store.checkpoints()
        func checkpoint(_ name: String) throws -> StoredCheckpoint? {
            guard let text = request.query[name] else { return nil }
            guard let size = Int(text), let found = checkpoints.first(where: { $0.treeSize == size }) else {
                throw ProblemDTO.notFound("no checkpoint of tree size \(text); GET /v1/checkpoints lists them")
            }
            return found
        }
        let (seqs, leaves) = try signer.store.ledgerEntries()
        func b64(_ h: Hash) -> String { Data(h).base64EncodedString() }
        if let itemText = request.query["item"] {
            guard let id = Int64(itemText), id > 0 else { throw ProblemDTO.badRequest("item id must be a positive integer, not \"\(itemText)\"") }
            guard try store.item(id) != nil else { throw ProblemDTO.notFound("no item \(id)") }
            guard let against = try checkpoint("size") ?? checkpoints.last else {
                throw ProblemDTO.notFound("no checkpoint yet: POST /v1/checkpoints makes one")
            }
            let events = try store.events({ var q = EventQuery(); q.subject = "item:\(id)"; return q }())
            var proofs: [InclusionProofDTO] = []
            let tree = MerkleTreeIndex(leaves: Array(leaves[..<against.treeSize]))
            for event in events {
                guard let index = LocalStore.leafIndex(ofSeq: event.seq, in: seqs), index < against.treeSize else { continue }
                let entry = CanonicalEntry.bytes(of: event)
                proofs.append(InclusionProofDTO(seq: event.seq, leafIndex: index, entry: String(decoding: entry, as: UTF8.self),
                                                leafHash: b64(MerkleTree.leafHash(entry)),
                                                auditPath: tree.inclusionProof(index: index, size: against.treeSize).map(b64)))
            }
            guard !proofs.isEmpty else {
                throw ProblemDTO.notFound("item \(id)'s events are not yet covered by checkpoint \(against.treeSize); POST /v1/checkpoints makes a newer one")
            }
            return .json(ItemProofsDTO(item: id, checkpoint: Self.checkpointDTO(against), proofs: proofs))
        }
        guard let from = try checkpoint("from"), let to = try checkpoint("to") else {
            throw ProblemDTO.badRequest("ask for item=ID (inclusion proofs) or from=OLD&to=NEW (consistency proof)")
        }
        guard from.treeSize >= 1, from.treeSize <= to.treeSize, to.treeSize <= leaves.count else {
            throw ProblemDTO.badRequest("a consistency proof goes from a smaller checkpoint to a larger one (\(from.treeSize) → \(to.treeSize))")
        }
        let proof = MerkleTreeIndex(leaves: Array(leaves[..<to.treeSize])).consistencyProof(oldSize: from.treeSize, size: to.treeSize).map(b64)
        return .json(ConsistencyProofDTO(from: Self.checkpointDTO(from), to: Self.checkpointDTO(to), proof: proof))
    }

    private func itemQuery(_ request: ControlRequest) throws -> ItemQuery {
        var q = ItemQuery()
        q.officer = request.query["officer"]
        q.hearing = request.query["hearing"]
        q.caseNumber = request.query["case"]
        q.category = request.query["category"]
        q.device = request.query["device"]
        q.courtroom = request.query["courtroom"]
        q.text = request.query["text"]
        q.sha256 = request.query["sha256"]
        if let job = request.query["job"] { q.jobID = try pathID(job, "job") }
        q.from = try dateParameter(request, "from")
        q.to = try dateParameter(request, "to")
        q.limit = try intParameter(request, "limit", default: 100, range: 1...10000)
        q.offset = try intParameter(request, "offset", default: 0, range: 0...Int.max)
        return q
    }

    func pathID(_ text: String, _ what: String) throws -> Int64 {
        guard let id = Int64(text), id > 0 else { throw ProblemDTO.badRequest("\(what) id must be a positive integer, not \"\(text)\"") }
        return id
    }

    func intParameter(_ request: ControlRequest, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.query[name] else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw ProblemDTO.badRequest("query parameter \(name) must be an integer in \(range.lowerBound)...\(range.upperBound), not \"\(text)\"")
        }
        return n
    }

    func dateParameter(_ request: ControlRequest, _ name: String) throws -> Date? {
        guard let text = request.query[name] else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw ProblemDTO.badRequest("query parameter \(name) must be an RFC 3339 time such as 2026-11-22T08:00:00Z, not \"\(text)\"")
        }
        return date
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \"\(ctx.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "\(error)"
        }
    }
}

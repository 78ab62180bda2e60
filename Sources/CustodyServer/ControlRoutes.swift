#if canImport(Glibc)
import Glibc
#endif
import CustodyCore
import CustodyIngest
import CustodyLedger
import CustodyMetrics
import CustodyModel
import CustodyProtocol
import CustodyRecording
import CustodyStore
import Foundation
import NIOHTTP1

/// What the control API reads and records through: evidence, docks, the registry, the
/// ledger and exports (the daemon's one ``LocalStore``, or any store beside it).
public typealias ControlStore = EvidenceStore & DockStore & RegistryStore & LedgerStore & ExportStore

/// The control API's routes: each checks the caller's roles, then answers.
/// `docs/api/openapi.yaml` documents every one of them.
public struct ControlRoutes: Sendable {
    let store: any ControlStore
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
    /// Refused requests, recorded in the ledger a bounded number of times per uid and minute.
    public let refusals: RefusalRecorder
    /// Where blocking handlers (and the role check, which may record a refusal) run.
    let door: BlockingDoor

    public init(store: any ControlStore, ingest: IngestEngine, stateDirectory: String, signer: CheckpointSigner? = nil,
                operations: ControlOperations? = nil, tagging: TaggingPolicy = TaggingPolicy(), recordings: RecordingManager? = nil,
                door: BlockingDoor = .store) {
        self.store = store
        self.ingest = ingest
        self.stateDirectory = stateDirectory
        self.signer = signer
        self.operations = operations ?? .standalone(stateDirectory: stateDirectory)
        self.tagging = tagging
        self.recordings = recordings
        self.refusals = RefusalRecorder(store: store)
        self.door = door
        self.startedAt = .now
    }

    /// Answers one request. Never throws: every failure becomes a problem response.
    /// The route comes from ``RouteTable`` (404 and 405 too), and the caller's roles are
    /// checked against the route's before its handler runs. A blocking handler runs,
    /// with the role check, on the store's door (``BlockingDoor/store``), never on the
    /// cooperative threads: a request waiting for the disk holds none of them.
    public func handle(_ request: ControlRequest) async -> ControlResponse {
        // Text no custody record can keep (NUL, unpaired surrogates, bytes that are not
        // UTF-8) is refused before any route or role check could record it.
        if let problem = request.textProblem() { return .problem(problem) }
        let route: Route
        switch RouteTable.match(method: request.method, path: request.path) {
        case .found(let found, _):
            route = found
        case .methodNotAllowed(let allowed):
            // A resource of this protocol asked with the wrong method: 405 naming the
            // methods it has (RFC 9110 15.5.6).
            var response = ControlResponse.problem(ProblemDTO(
                status: 405, code: "method-not-allowed", title: "Method not allowed",
                detail: "\(request.method.rawValue) is not allowed on \(Self.echo(request.path)); use \(allowed.joined(separator: " or "))"))
            response.headers.append(("Allow", allowed.joined(separator: ", ")))
            return response
        case .notFound:
            let versioned = request.path.split(separator: "/").first == "v1"
            return .problem(.notFound("no such path: \(Self.echo(request.path))" + (versioned ? "" : " (this daemon speaks \(API.prefix))")))
        }
        let call = RouteTable.call(route, request)
        do {
            switch route.handler {
            case .blocking(let answer):
                return try await door.run {
                    try self.authorize(request, route.roles)
                    return try answer(self, call)
                }
            case .suspending(let answer):
                try await door.run { try self.authorize(request, route.roles) }
                return try await answer(self, call)
            }
        } catch let problem as ProblemDTO {
            return .problem(problem)
        } catch {
            return .problem(.internalError("\(error)"))
        }
    }

    // MARK: Jobs, items, events, devices

    /// `GET /v1/jobs`.
    func jobs(_ call: RouteCall) throws -> ControlResponse {
        let limit = try intParameter(call.request, "limit", default: 50, range: 1...1000)
        return .json(JobListDTO(jobs: try store.jobs(limit: limit).map(JobDTO.init)))
    }

    /// `GET /v1/jobs/{id}` (`files=false`: without its files).
    func job(_ call: RouteCall) throws -> ControlResponse {
        let id = try pathID(call.id, "job")
        guard let job = try store.job(id, withFiles: call.request.query["files"] != "false") else {
            throw ProblemDTO.notFound("no job \(id)")
        }
        return .json(JobDTO(job))
    }

    /// `GET /v1/items`.
    func items(_ call: RouteCall) throws -> ControlResponse {
        .json(ItemListDTO(try store.items(try itemQuery(call.request))))
    }

    /// `GET /v1/items/{id}`.
    func item(_ call: RouteCall) throws -> ControlResponse {
        let id = try pathID(call.id, "item")
        guard let item = try store.item(id) else { throw ProblemDTO.notFound("no item \(id)") }
        return .json(ItemDTO(item))
    }

    /// `GET /v1/events`.
    func events(_ call: RouteCall) throws -> ControlResponse {
        let request = call.request
        var q = EventQuery()
        if let item = request.query["item"] { q.itemID = try pathID(item, "item") }
        q.subject = request.query["subject"]
        q.afterSeq = try intParameter(request, "after", default: 0, range: RequestBounds.position)
        q.limit = try intParameter(request, "limit", default: 1000, range: 1...10000)
        return .json(EventListDTO(events: try store.events(q).map(EventDTO.init)))
    }

    /// `GET /v1/devices` (`all=true`: those gone too).
    func devices(_ call: RouteCall) throws -> ControlResponse {
        let all = call.request.query["all"] == "true"
        let limit = try intParameter(call.request, "limit", default: 100, range: 1...10000)
        return .json(DeviceListDTO(devices: try store.docks(presentOnly: !all, limit: limit).map(DeviceDTO.init)))
    }

    /// `GET /metrics`.
    func metrics() throws -> ControlResponse {
        let text = try operations.metrics.exposition()
        return ControlResponse(contentType: MetricsRegistry.contentType, body: Data(text.utf8))
    }

    /// Refuses callers holding none of `roles`, and records the refusal.
    func authorize(_ request: ControlRequest, _ roles: Set<Role>) throws {
        guard request.caller.holdsAny(of: roles) else {
            let needed = roles.sorted().map(\.rawValue).joined(separator: ", ")
            refusals.refuse(request.caller, method: request.method.rawValue, path: request.path, detail: ["needs": .string(needed)])
            let held = request.caller.roles.isEmpty ? "no Custody role" : "only " + request.caller.roles.sorted().map(\.rawValue).joined(separator: ", ")
            let path = RefusalRecorder.capped(request.path, RefusalRecorder.maxPathScalars)
            throw ProblemDTO.forbidden("user \(request.caller.name) (uid \(request.caller.uid)) has \(held); \(request.method.rawValue) \(path) needs one of: \(needed)")
        }
    }

    func status(_ request: ControlRequest) throws -> ControlResponse {
        let totals = try store.totals()
        let uptime = ContinuousClock.now - startedAt
        let seconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        let caller = CallerDTO(uid: request.caller.uid, name: request.caller.name, roles: request.caller.roles.sorted().map(\.rawValue))
        return .json(StatusDTO(version: CustodyVersion.string, uptimeSeconds: seconds, items: totals.items, blobs: totals.blobs,
                               bytesStored: totals.bytesStored, jobsRunning: ingest.runningJobs, stateDirectory: stateDirectory, caller: caller,
                               space: spaceStatus()))
    }

    func startJob(_ request: ControlRequest) async throws -> ControlResponse {
        let body = try decodeBody(IngestRequestDTO.self, request, example: #"{"path": "/media/card"}"#)
        do {
            let job = try await ingest.submit(IngestRequest(path: body.path, device: body.device, image: body.image), caller: request.caller)
            let store = self.store
            guard let started = try await door.run({ try store.job(job.jobID, withFiles: false) }) else {
                throw ProblemDTO.internalError("job \(job.jobID) vanished")
            }
            return .json(JobDTO(started), status: .accepted)
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

    /// `GET /v1/checkpoints`.
    func checkpoints() throws -> ControlResponse {
        // Checkpoints exist only where the ledger has a station key.
        _ = try requireSigner()
        return .json(CheckpointListDTO(checkpoints: try store.checkpoints().map(CheckpointDTO.init)))
    }

    /// `POST /v1/checkpoints`.
    func makeCheckpoint(_ call: RouteCall) throws -> ControlResponse {
        .json(CheckpointDTO(try requireSigner().checkpoint(actor: call.request.caller)), status: .created)
    }

    private func requireSigner() throws -> CheckpointSigner {
        guard let signer else { throw ProblemDTO(status: 503, code: "no-ledger-key", title: "No ledger key", detail: "this daemon has no station key") }
        return signer
    }

    func ledger() throws -> ControlResponse {
        let signer = try requireSigner()
        return .json(LedgerDTO(origin: signer.key.name, verifierKey: signer.key.verifierKey, treeSize: try store.ledgerSize(),
                               latestCheckpoint: try store.latestCheckpoint()?.note))
    }

    func verify(_ request: ControlRequest) throws -> ControlResponse {
        let signer = try requireSigner()
        let body = request.body.isEmpty ? VerifyRequestDTO(full: false) : try decodeBody(VerifyRequestDTO.self, request, example: #"{"full": true}"#)
        let report = try signer.verifyAndRecord(full: body.full, actor: request.caller)
        return .json(VerificationDTO(ok: report.ok, treeSize: report.treeSize, checkpointsChecked: report.checkpointsChecked,
                                     blobsChecked: report.blobsChecked, problems: report.problems.map {
            VerificationProblemDTO(kind: $0.kind, subject: $0.subject, expected: $0.expected, found: $0.found, message: $0.message)
        }))
    }

    func export(_ request: ControlRequest) throws -> ControlResponse {
        let body = try decodeBody(ExportRequestDTO.self, request, example: #"{"case": "K-2026-114"}"#)
        let signer = try requireSigner()
        return .json(ExportPlanDTO(try ExportMaker(store: store, signer: signer).make(body, caller: request.caller)), status: .created)
    }

    /// A stored file's bytes, for the export that holds it and only to the user who made that export.
    func blob(_ request: ControlRequest, sha256: String) throws -> ControlResponse {
        // Exports exist only where the ledger has a station key.
        _ = try requireSigner()
        guard sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw ProblemDTO.badRequest("a stored file is named by its SHA-256 in lowercase hex, not \"\(Self.echo(sha256))\"")
        }
        guard let exportText = request.query["export"] else {
            throw ProblemDTO.badRequest("stored files are handed out for an export only: add ?export=ID (POST /v1/exports makes one)")
        }
        let exportID = try pathID(exportText, "export")
        guard let export = try store.export(exportID) else { throw ProblemDTO.notFound("no export \(exportID)") }
        guard export.actorUID == request.caller.uid else {
            refusals.refuse(request.caller, method: request.method.rawValue, path: request.path,
                            detail: ["export": .number(Double(exportID)), "reason": .string("not the exporter")])
            throw ProblemDTO.forbidden("export \(exportID) was made by uid \(export.actorUID); only that user may fetch its files")
        }
        guard export.sha256s.contains(sha256) else { throw ProblemDTO.notFound("export \(exportID) holds no file \(sha256)") }
        let path = store.blobPath(sha256)
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = "the stored file \(sha256) cannot be read (\(String(cString: strerror(errno))))"
            // The bundle cannot be complete: the export is recorded abandoned, by the daemon.
            Self.abandon(store, export: exportID, reason: reason)
            throw ProblemDTO.internalError("\(reason); export \(exportID) is recorded abandoned; run custodyctl verify --full")
        }
        var response = ControlResponse(contentType: "application/octet-stream", body: Data())
        response.file = ResponseFile(path: path, size: Int64(info.st_size))
        // A client that stops reading half-way never has the whole file: the export is recorded abandoned.
        let exportStore = store, size = Int64(info.st_size)
        response.file?.onIncomplete = { sent, error in
            Self.abandon(exportStore, export: exportID, reason: "the client stopped reading stored file \(sha256) after \(sent) of \(size) bytes (\(error))")
        }
        return response
    }

    /// Inclusion proofs of an item's events (`item`), against the checkpoint of size
    /// `size` or the latest; or the consistency proof between checkpoints `from` and `to`.
    func proofs(_ request: ControlRequest) throws -> ControlResponse {
        // Every number is checked before anything is looked up.
        var sizes: [String: Int64] = [:]
        for name in ["size", "from", "to"] where request.query[name] != nil {
            sizes[name] = try intParameter(request, name, default: 0, range: RequestBounds.treeSize)
        }
        let itemID = try request.query["item"].map { try pathID($0, "item") }
        // Checkpoints exist only where the ledger has a station key.
        _ = try requireSigner()
        let checkpoints = try store.checkpoints()
        func checkpoint(_ name: String) throws -> SignedCheckpoint? {
            guard let size = sizes[name] else { return nil }
            guard let found = checkpoints.first(where: { Int64($0.treeSize) == size }) else {
                throw ProblemDTO.notFound("no checkpoint of tree size \(size); GET /v1/checkpoints lists them")
            }
            return found
        }
        let (seqs, leaves) = try store.ledgerEntries()
        func b64(_ h: Hash) -> String { Data(h).base64EncodedString() }
        if let id = itemID {
            guard try store.item(id) != nil else { throw ProblemDTO.notFound("no item \(id)") }
            guard let against = try checkpoint("size") ?? checkpoints.last else {
                throw ProblemDTO.notFound("no checkpoint yet: POST /v1/checkpoints makes one")
            }
            let events = try store.events({ var q = EventQuery(); q.subject = "item:\(id)"; return q }())
            var proofs: [InclusionProofDTO] = []
            let tree = MerkleTreeIndex(leaves: Array(leaves[..<against.treeSize]))
            for event in events {
                guard let index = LeafIndex.of(seq: event.seq, in: seqs), index < against.treeSize else { continue }
                proofs.append(InclusionProofDTO(tree.proof(of: event, leafIndex: index, size: against.treeSize)))
            }
            guard !proofs.isEmpty else {
                throw ProblemDTO.notFound("item \(id)'s events are not yet covered by checkpoint \(against.treeSize); POST /v1/checkpoints makes a newer one")
            }
            return .json(ItemProofsDTO(item: id, checkpoint: CheckpointDTO(against), proofs: proofs))
        }
        // Without `item`: from `from` (default the oldest checkpoint of a tree that is not
        // empty) to `to` (default the latest).
        guard let from = try checkpoint("from") ?? checkpoints.first(where: { $0.treeSize >= 1 }),
              let to = try checkpoint("to") ?? checkpoints.last else {
            throw ProblemDTO.notFound("no checkpoint yet: POST /v1/checkpoints makes one")
        }
        guard from.treeSize >= 1, from.treeSize <= to.treeSize, to.treeSize <= leaves.count else {
            throw ProblemDTO.badRequest("a consistency proof goes from a smaller checkpoint to a larger one (\(from.treeSize) → \(to.treeSize))")
        }
        let proof = MerkleTreeIndex(leaves: Array(leaves[..<to.treeSize])).consistencyProof(oldSize: from.treeSize, size: to.treeSize).map(b64)
        return .json(ConsistencyProofDTO(from: CheckpointDTO(from), to: CheckpointDTO(to), proof: proof))
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
        q.offset = Int(try intParameter(request, "offset", default: 0, range: RequestBounds.position))
        return q
    }
}

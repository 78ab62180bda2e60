import CustodyCore
import CustodyModel
import CustodyProtocol
import CustodyStore
import Foundation

/// `export.abandon`: an export is recorded (`export.create`) before its bundle is
/// written, so a bundle that never came to be is recorded too — by the client that gave
/// up (`POST /v1/exports/{id}/abandon`), or by the daemon itself when a stored file of the
/// export cannot be read or the client stops reading one half-way.
extension ControlRoutes {
    /// `POST /v1/exports/{id}/abandon` with `{"reason": "…"}`: only the export's maker may.
    func abandonExport(_ request: ControlRequest, id text: String) throws -> ControlResponse {
        // Exports exist only where the ledger has a station key.
        _ = try requireExportSigner()
        let id = try pathID(text, "export")
        let body: ExportAbandonRequestDTO
        do {
            body = try Wire.decoder.decode(ExportAbandonRequestDTO.self, from: request.body)
        } catch {
            throw ProblemDTO.badRequest("the body must be JSON like {\"reason\": \"the destination is full\"}: \(Self.describe(error))")
        }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw ProblemDTO.badRequest("reason must say why the bundle was not written") }
        guard let export = try store.export(id) else { throw ProblemDTO.notFound("no export \(id)") }
        guard export.actorUID == request.caller.uid else {
            // Accounted for like every refusal: a flood of them is one event and a summary a minute.
            refusals.refuse(request.caller, method: request.method.rawValue, path: request.path,
                            detail: ["export": .number(Double(id)), "reason": .string("not the exporter")])
            throw ProblemDTO.forbidden("export \(id) was made by uid \(export.actorUID); only that user may abandon it")
        }
        guard let abandoned = try store.recordExportAbandon(id, actor: request.caller, reason: reason) else {
            throw ProblemDTO.notFound("no export \(id)")
        }
        return .json(ExportAbandonDTO(exportId: id, event: EventDTO(abandoned.event), alreadyAbandoned: !abandoned.isNew))
    }

    /// Records, as the daemon, that export `id` was abandoned; never fails the caller.
    static func abandon(_ store: any ExportStore, export id: Int64, reason: String) {
        _ = try? store.recordExportAbandon(id, actor: .daemon, reason: reason)
    }

    private func requireExportSigner() throws -> CheckpointSigner {
        guard let signer else { throw ProblemDTO(status: 503, code: "no-ledger-key", title: "No ledger key", detail: "this daemon has no station key") }
        return signer
    }
}

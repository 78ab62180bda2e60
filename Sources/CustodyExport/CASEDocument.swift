import Crypto
import CustodyModel
import Foundation

/// The export described in CASE/UCO JSON-LD (CASE 1.x, https://caseontology.org): each
/// file with its SHA-256, a provenance record per item, and every custody event as an
/// investigative action with its performer (the Unix user), instrument (Custody and
/// the device), time, object, result and status. `case_validate` (PyPI case-utils)
/// accepts it; the tests run it.
enum CASEDocument {
    static let context: [String: JSONValue] = [
        "kb": .string("urn:custody:kb:"),
        "case-investigation": .string("https://ontology.caseontology.org/case/investigation/"),
        "uco-action": .string("https://ontology.unifiedcyberontology.org/uco/action/"),
        "uco-core": .string("https://ontology.unifiedcyberontology.org/uco/core/"),
        "uco-identity": .string("https://ontology.unifiedcyberontology.org/uco/identity/"),
        "uco-observable": .string("https://ontology.unifiedcyberontology.org/uco/observable/"),
        "uco-tool": .string("https://ontology.unifiedcyberontology.org/uco/tool/"),
        "uco-types": .string("https://ontology.unifiedcyberontology.org/uco/types/"),
        "xsd": .string("http://www.w3.org/2001/XMLSchema#"),
    ]

    static func make(_ input: ExportInput, files: [ExportFile]) throws -> String {
        let ids = NodeIDs(station: input.station)
        var graph: [JSONValue] = []
        let tool = ids.id("Tool", "custody")
        graph.append(.object(["@id": .string(tool), "@type": .string("uco-tool:Tool"), "uco-core:name": .string("Custody"),
                              "uco-tool:version": .string(input.toolVersion)]))
        var identities: [UInt32: String] = [:]
        func identity(_ actor: Author) -> String {
            if let id = identities[actor.uid] { return id }
            let id = ids.id("Identity", "uid-\(actor.uid)")
            identities[actor.uid] = id
            graph.append(.object(["@id": .string(id), "@type": .string("uco-identity:Identity"),
                                  "uco-core:name": .string("\(actor.name) (uid \(actor.uid))"),
                                  "uco-core:description": .string("Unix user on the Custody station \(input.station)")]))
            return id
        }
        var devices: [String: String] = [:]
        func device(_ serial: String) -> String {
            if let id = devices[serial] { return id }
            let id = ids.id("Device", "serial-\(serial)")
            devices[serial] = id
            graph.append(.object(["@id": .string(id), "@type": .string("uco-observable:Device"),
                                  "uco-core:hasFacet": .array([.object([
                                      "@id": .string(ids.id("DeviceFacet", serial)), "@type": .string("uco-observable:DeviceFacet"),
                                      "uco-observable:serialNumber": .string(serial)])])]))
            return id
        }
        let pathByItem = Dictionary(uniqueKeysWithValues: files.map { ($0.item, $0.path) })
        var fileIDs: [String] = [], recordIDs: [String] = []
        for exported in input.items {
            let item = exported.item
            let file = ids.id("File", "item-\(item.id)")
            let record = ids.id("ProvenanceRecord", "item-\(item.id)")
            fileIDs.append(file); recordIDs.append(record)
            let name = (pathByItem[item.id] ?? "").split(separator: "/").last.map(String.init) ?? ""
            graph.append(.object([
                "@id": .string(file), "@type": .string("uco-observable:File"),
                "uco-core:description": .string("Item \(item.id), originally \(item.source.path); bundle file \(pathByItem[item.id] ?? "")"),
                "uco-core:hasFacet": .array([
                    .object(["@id": .string(ids.id("FileFacet", "item-\(item.id)")), "@type": .string("uco-observable:FileFacet"),
                             "uco-observable:fileName": .string(name),
                             "uco-observable:sizeInBytes": typed("xsd:integer", String(item.size))]),
                    .object(["@id": .string(ids.id("ContentDataFacet", "item-\(item.id)")), "@type": .string("uco-observable:ContentDataFacet"),
                             "uco-observable:sizeInBytes": typed("xsd:integer", String(item.size)),
                             "uco-observable:hash": .array([.object([
                                 "@id": .string(ids.id("Hash", "item-\(item.id)")), "@type": .string("uco-types:Hash"),
                                 "uco-types:hashMethod": .string("SHA256"),
                                 "uco-types:hashValue": typed("xsd:hexBinary", item.sha256)])])]),
                ]),
            ]))
            graph.append(.object([
                "@id": .string(record), "@type": .string("case-investigation:ProvenanceRecord"),
                "case-investigation:exhibitNumber": .string("\(input.station) item \(item.id)"),
                "uco-core:description": .string("Custody record of item \(item.id): events in \(BundleLayout.custody(item: item.id))"),
                "uco-core:object": .array([.object(["@id": .string(file)])]),
            ]))
            for proven in exported.events {
                let event = proven.event
                var instruments: [JSONValue] = [.object(["@id": .string(tool)])]
                if let serial = event.detail["device"]?.stringValue ?? (event.action == "item.store" ? item.source.device : nil) {
                    instruments.append(.object(["@id": .string(device(serial))]))
                }
                var action = actionNode(ids.id("InvestigativeAction", "event-\(event.seq)"), event, performer: identity(event.actor),
                                        instruments: instruments, leafIndex: proven.proof.leafIndex)
                action["uco-action:object"] = .array([.object(["@id": .string(file)])])
                if event.action == "item.store" { action["uco-action:result"] = .array([.object(["@id": .string(file)]), .object(["@id": .string(record)])]) }
                graph.append(.object(action))
            }
        }
        var export = actionNode(ids.id("InvestigativeAction", "event-\(input.exportEvent.event.seq)"), input.exportEvent.event,
                                performer: identity(input.actor), instruments: [.object(["@id": .string(tool)])],
                                leafIndex: input.exportEvent.proof.leafIndex)
        export["uco-action:object"] = .array(fileIDs.map { .object(["@id": .string($0)]) })
        export["uco-action:result"] = .array(recordIDs.map { .object(["@id": .string($0)]) })
        graph.append(.object(export))
        return try ExportBundle.json(JSONValue.object(["@context": .object(context), "@graph": .array(graph)]))
    }

    static func actionNode(_ id: String, _ event: CustodyEvent, performer: String, instruments: [JSONValue], leafIndex: Int) -> [String: JSONValue] {
        var description = "\(event.action) of \(event.subject), outcome \(event.outcome); custody event \(event.seq), ledger leaf \(leafIndex)"
        if !event.detail.isEmpty { description += "; " + JSONValue.object(event.detail).description }
        return [
            "@id": .string(id), "@type": .string("case-investigation:InvestigativeAction"),
            "uco-core:name": .string(event.action),
            "uco-core:description": .string(description),
            "uco-action:performer": .object(["@id": .string(performer)]),
            "uco-action:instrument": .array(instruments),
            "uco-action:startTime": typed("xsd:dateTime", event.time),
            "uco-action:actionStatus": .string(event.outcome == "ok" ? "Success" : "Fail"),
        ]
    }

    static func typed(_ type: String, _ value: String) -> JSONValue { .object(["@type": .string(type), "@value": .string(value)]) }
}

/// Node ids that end in a UUID, as UCO suggests: derived from the station and the
/// node's role, so that exporting the same thing twice names it the same way.
struct NodeIDs {
    let station: String
    func id(_ kind: String, _ key: String) -> String {
        var bytes = Array(SHA256.hash(data: Array("\(station)|\(kind)|\(key)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50 // version 5 (name-based)
        bytes[8] = (bytes[8] & 0x3F) | 0x80 // RFC 4122 variant
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return "kb:\(kind)-" + parts.joined(separator: "-")
    }
}

import CustodyCore
import CustodyModel
import Foundation
import GRDB

extension LocalStore {
    /// A person's tags for one item: each change an `item.tag` event (by: manual) naming
    /// the old and new values; a tag a person set is kept when the registry re-tags.
    public func tag(_ request: TagChange, categories: Set<String>, actor: Caller) throws -> Item {
        let note = request.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard request.officer != nil || request.hearing != nil || request.case != nil || request.category != nil || !(note ?? "").isEmpty else {
            throw RegistryError(.badRequest, "nothing to tag: give an officer, hearing, case, category or note")
        }
        if let note, note.count > 4000 { throw RegistryError(.badRequest, "a note is at most 4000 characters (this one has \(note.count))") }
        if let category = request.category, !categories.contains(category) {
            throw RegistryError(.notFound, "no category \"\(category)\" (configured: \(categories.sorted().joined(separator: ", ")))")
        }
        try db.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT officer, courtroom, hearing, case_number, category, notes, manual_tags FROM items WHERE id = ?",
                                             arguments: [request.item]) else {
                throw RegistryError(.notFound, "no item \(request.item)")
            }
            func given(_ s: String?) -> String?? { s.map { $0.isEmpty ? nil : $0 } }
            var wanted: [String: String?] = [:]
            if let officer = given(request.officer) {
                if let badge = officer, try Bool.fetchOne(db, sql: "SELECT 1 FROM officers WHERE badge = ?", arguments: [badge]) != true {
                    throw RegistryError(.notFound, "no officer with badge \(badge)")
                }
                wanted["officer"] = officer
            }
            if let hearing = given(request.hearing) {
                if let id = hearing {
                    guard let h = try Row.fetchOne(db, sql: "SELECT case_number, courtroom FROM hearings WHERE id = ?", arguments: [id]) else {
                        throw RegistryError(.notFound, "no hearing \(id)")
                    }
                    // The case (and courtroom) come with the hearing unless given too.
                    if request.case == nil { wanted["case"] = .some(h["case_number"]) }
                    wanted["courtroom"] = .some(h["courtroom"])
                }
                wanted["hearing"] = hearing
            }
            if let caseNumber = given(request.case) {
                if let number = caseNumber { try ensureCase(db, number, actor: actor) }
                wanted["case"] = caseNumber
            }
            if let category = request.category { wanted["category"] = category }

            var detail: [String: JSONValue] = [:]
            var sets: [String] = []
            var args: [any DatabaseValueConvertible] = []
            var manual = Set((row["manual_tags"] as String).split(separator: ",").map(String.init))
            for (field, value) in wanted.sorted(by: { $0.key < $1.key }) {
                let column = tagColumns[field]!
                manual.insert(field)
                let old: String? = row[column]
                guard old != value else { continue }
                sets.append("\(column) = ?")
                args.append(value)
                detail[field] = jsonValue(value)
                detail[field + ".was"] = jsonValue(old)
            }
            if let note, !note.isEmpty {
                var notes = (row["notes"] as String?).flatMap { try? IndexJSON.decoder.decode([String].self, from: Data($0.utf8)) } ?? []
                notes.append(note)
                sets.append("notes = ?")
                args.append(String(decoding: try IndexJSON.encoder().encode(notes), as: UTF8.self))
                detail["note"] = .string(note)
            }
            guard !sets.isEmpty else { return }  // already so: nothing changes, no event
            sets.append("manual_tags = ?")
            args.append(manual.sorted().joined(separator: ","))
            try db.execute(sql: "UPDATE items SET \(sets.joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(args + [request.item]))
            detail["by"] = .string("manual")
            try insertEvent(db, EventInput(actor: actor, action: "item.tag", subject: "item:\(request.item)", detail: detail))
        }
        return try item(request.item)!
    }
}

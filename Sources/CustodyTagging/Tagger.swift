import CustodyModel
import Foundation

/// The Tagger stage: who and what a recording belongs to, from the recording's own
/// time and the registry. Pure: a registry view and a recording's facts in, tags and
/// their reasons out; no storage, no clock, no I/O. The store runs it inside the
/// transaction that commits an item (and re-tags with it after registry changes), so
/// each rule is stated here once.
public struct Tagger: Sendable, Equatable {
    /// The category of a recording no person has classified yet. Nothing is dropped
    /// for want of one: what cannot be classified is kept as "unclassified".
    public static let unclassified = "unclassified"

    /// How long before its job a device's clock check still applies to the job's recordings.
    public var clockCheckValidity: TimeInterval

    public init(clockCheckValidity: TimeInterval = 24 * 3600) { self.clockCheckValidity = clockCheckValidity }

    /// The tags of a recording: the officer the device was assigned to at the
    /// recording's time; for a recorder installed in a courtroom, that courtroom and
    /// the hearing in session there then, with its case; the category unclassified.
    public func tags(of facts: RecordingFacts, in view: RegistryView) -> Tagging {
        var tags = ItemTags(officer: nil, hearing: nil, case: nil, category: Self.unclassified, courtroom: nil)
        var reasons: [TagField: TagReason] = [.category: .unclassified]
        guard let device = facts.device else {
            for field in TagField.fromRegistry { reasons[field] = .noDevice }
            return Tagging(tags: tags, reasons: reasons)
        }
        if let held = Self.latest(containing: facts.time, in: view.assignments.filter { $0.device == device }, span: \.span) {
            tags.officer = held.officer
            reasons[.officer] = .assigned(assignment: held.id, kind: held.kind, span: held.span)
        } else {
            reasons[.officer] = .unassigned(device: device)
        }
        guard let room = view.devices[device]?.courtroom else {
            for field: TagField in [.courtroom, .hearing, .case] { reasons[field] = .notInstalled(device: device) }
            return Tagging(tags: tags, reasons: reasons)
        }
        tags.courtroom = room
        reasons[.courtroom] = .installed(device: device, courtroom: room)
        if let sitting = Self.latest(containing: facts.time, in: view.hearings.filter { $0.courtroom == room }, span: \.window) {
            tags.hearing = sitting.id
            tags.case = sitting.caseNumber
            let reason = TagReason.inSession(hearing: sitting.id, courtroom: room, window: sitting.window)
            reasons[.hearing] = reason
            reasons[.case] = reason
        } else {
            reasons[.hearing] = .noHearing(courtroom: room)
            reasons[.case] = .noHearing(courtroom: room)
        }
        return Tagging(tags: tags, reasons: reasons)
    }

    /// The clock offset to apply to a job's recordings: the device's newest clock check
    /// made at most `clockCheckValidity` before the job was created (at its dock, or by
    /// an operator at the card reader), or since; of two made at the same instant, the
    /// later recorded. Nil when none applies.
    public func clockOffset(device: String?, jobCreatedAt: Date, in view: RegistryView) -> Int? {
        guard let device else { return nil }
        let earliest = jobCreatedAt.addingTimeInterval(-clockCheckValidity)
        return view.clockChecks.filter { $0.device == device && $0.checkedAt >= earliest }
            .max { ($0.checkedAt, $0.id) < ($1.checkedAt, $1.id) }?.offsetSeconds
    }

    /// The instant a recording was made: what the device's clock said, less the
    /// device's offset (device minus station; positive when the device is ahead).
    public static func correctedTime(_ recordedAt: Date, clockOffsetSeconds: Int?) -> Date {
        recordedAt.addingTimeInterval(-Double(clockOffsetSeconds ?? 0))
    }

    /// The entry whose span contains `t`; among several (which the registry never
    /// allows for one device or courtroom), the one that started last, and of those
    /// starting together the last listed.
    static func latest<T>(containing t: Date, in entries: [T], span: (T) -> TimeSpan) -> T? {
        var best: (entry: T, start: Date)?
        for entry in entries {
            let s = span(entry)
            guard s.contains(t) else { continue }
            if best.map({ s.start >= $0.start }) ?? true { best = (entry, s.start) }
        }
        return best?.entry
    }
}

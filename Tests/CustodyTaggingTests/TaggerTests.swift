import CustodyModel
import CustodyTagging
import Foundation
import Testing

@Suite("The Tagger")
struct TaggerTests {
    static let t0 = Date(timeIntervalSince1970: 1_773_475_200)  // 2026-03-14T08:00:00Z
    let tagger = Tagger()

    func tags(_ device: String?, at t: Date, _ view: RegistryView) -> Tagging {
        tagger.tags(of: RecordingFacts(device: device, time: t), in: view)
    }

    /// BWC-1 worn by B-1 for an 8-hour shift, then by B-2, open-ended; BWC-2 issued to B-3.
    static let shifts = RegistryView(
        devices: ["BWC-1": RegisteredDevice(serial: "BWC-1", courtroom: nil)],
        assignments: [
            AssignmentSpan(id: 1, device: "BWC-1", officer: "B-1", kind: "shift", span: TimeSpan(t0, t0 + 28_800)),
            AssignmentSpan(id: 2, device: "BWC-1", officer: "B-2", kind: "shift", span: TimeSpan(t0 + 28_800, nil)),
            AssignmentSpan(id: 3, device: "BWC-2", officer: "B-3", kind: "personal", span: TimeSpan(t0 - 86_400, nil)),
        ])

    @Test("the officer is the holder whose span contains the time; at a shift change, the incoming one")
    func officerAtShiftChange() {
        let first = tags("BWC-1", at: Self.t0, Self.shifts)
        #expect(first.tags.officer == "B-1" && first.assignment == 1)
        #expect(first.reasons[.officer] == .assigned(assignment: 1, kind: "shift", span: TimeSpan(Self.t0, Self.t0 + 28_800)))
        #expect(tags("BWC-1", at: Self.t0 + 28_799.999, Self.shifts).tags.officer == "B-1")
        let change = tags("BWC-1", at: Self.t0 + 28_800, Self.shifts)
        #expect(change.tags.officer == "B-2" && change.assignment == 2)
        #expect(tags("BWC-1", at: Self.t0 + 1e8, Self.shifts).tags.officer == "B-2", "an open assignment holds on")
    }

    @Test("no assignment contains the time: no officer, and the reason says so; another device's holder is not this one's")
    func noOfficer() {
        let before = tags("BWC-1", at: Self.t0 - 0.001, Self.shifts)
        #expect(before.tags.officer == nil && before.assignment == nil)
        #expect(before.reasons[.officer] == .unassigned(device: "BWC-1"))
        #expect(before.reasons[.officer]?.description == "no assignment of BWC-1 covers the recording's time")
        let other = tags("BWC-2", at: Self.t0, Self.shifts)
        #expect(other.tags.officer == "B-3", "an unregistered device's assignment still names its holder")
        #expect(other.reasons[.courtroom] == .notInstalled(device: "BWC-2"))
        #expect(tags("BWC-9", at: Self.t0, Self.shifts).tags.officer == nil)
    }

    @Test("several assignments contain the time: the one that started last; of two starting together, the last listed")
    func severalCandidates() {
        var view = Self.shifts
        view.assignments.append(AssignmentSpan(id: 4, device: "BWC-1", officer: "B-4", kind: "personal", span: TimeSpan(Self.t0 + 3600, Self.t0 + 7200)))
        #expect(tags("BWC-1", at: Self.t0 + 3600, view).tags.officer == "B-4")
        #expect(tags("BWC-1", at: Self.t0 + 7200, view).tags.officer == "B-1", "past its end, the earlier span holds again")
        view.assignments.append(AssignmentSpan(id: 5, device: "BWC-1", officer: "B-5", kind: "personal", span: TimeSpan(Self.t0 + 3600, nil)))
        #expect(tags("BWC-1", at: Self.t0 + 3600, view).assignment == 5)
        view.assignments.swapAt(3, 4)
        #expect(tags("BWC-1", at: Self.t0 + 3600, view).assignment == 4)
    }

    /// Recorder REC-3 installed in courtroom 3; H-17 sits there 09:00–11:00 as scheduled,
    /// H-18 11:00–12:00 but actually ran 11:15–12:30; H-20 sits in courtroom 4.
    static let court = RegistryView(
        devices: ["REC-3": RegisteredDevice(serial: "REC-3", courtroom: "3"), "REC-4": RegisteredDevice(serial: "REC-4", courtroom: "4")],
        hearings: [
            HearingSitting(id: "H-17", caseNumber: "C-1", courtroom: "3", scheduled: TimeSpan(t0 + 3600, t0 + 3 * 3600)),
            HearingSitting(id: "H-18", caseNumber: "C-2", courtroom: "3", scheduled: TimeSpan(t0 + 3 * 3600, t0 + 4 * 3600),
                           actualStart: t0 + 3 * 3600 + 900, actualEnd: t0 + 4 * 3600 + 1800),
            HearingSitting(id: "H-20", caseNumber: "C-9", courtroom: "4", scheduled: TimeSpan(t0, t0 + 8 * 3600)),
        ])

    @Test("a courtroom's recorder: its courtroom, and the hearing in session there with its case, from its start up to its end")
    func hearingInSession() {
        let opening = tags("REC-3", at: Self.t0 + 3600, Self.court)
        #expect(opening.tags == ItemTags(officer: nil, hearing: "H-17", case: "C-1", category: "unclassified", courtroom: "3"))
        #expect(opening.reasons[.courtroom] == .installed(device: "REC-3", courtroom: "3"))
        let session = TagReason.inSession(hearing: "H-17", courtroom: "3", window: TimeSpan(Self.t0 + 3600, Self.t0 + 3 * 3600))
        #expect(opening.reasons[.hearing] == session && opening.reasons[.case] == session)
        #expect(tags("REC-3", at: Self.t0 + 3 * 3600 - 0.001, Self.court).tags.hearing == "H-17")
        let early = tags("REC-3", at: Self.t0 + 3600 - 0.001, Self.court)
        #expect(early.tags.hearing == nil && early.tags.case == nil && early.tags.courtroom == "3")
        #expect(early.reasons[.hearing] == .noHearing(courtroom: "3"))
        #expect(tags("REC-4", at: Self.t0 + 3600, Self.court).tags.hearing == "H-20", "each courtroom its own hearings")
    }

    @Test("a hearing's actual times, where known, replace its scheduled ones")
    func actualTimes() {
        #expect(tags("REC-3", at: Self.t0 + 3 * 3600, Self.court).tags.hearing == nil, "H-17 has ended; H-18 has not begun")
        #expect(tags("REC-3", at: Self.t0 + 3 * 3600 + 900, Self.court).tags.hearing == "H-18")
        #expect(tags("REC-3", at: Self.t0 + 4 * 3600 + 1799.999, Self.court).tags.case == "C-2")
        #expect(tags("REC-3", at: Self.t0 + 4 * 3600 + 1800, Self.court).tags.hearing == nil)
        var onlyStart = Self.court.hearings[1]
        onlyStart.actualEnd = nil
        #expect(onlyStart.window == TimeSpan(Self.t0 + 3 * 3600 + 900, Self.t0 + 4 * 3600), "an actual start alone keeps the scheduled end")
    }

    @Test("a worn camera is in no courtroom: no courtroom, hearing or case, whatever sits")
    func notInstalled() {
        var view = Self.court
        view.devices["BWC-1"] = RegisteredDevice(serial: "BWC-1", courtroom: nil)
        let worn = tags("BWC-1", at: Self.t0 + 3600, view)
        #expect(worn.tags.courtroom == nil && worn.tags.hearing == nil && worn.tags.case == nil)
        #expect(worn.reasons[.hearing] == .notInstalled(device: "BWC-1"))
    }

    @Test("no device: no tags but the category, every reason saying why; every field has a reason")
    func noDevice() {
        let none = tags(nil, at: Self.t0, Self.shifts)
        #expect(none.tags == ItemTags(officer: nil, hearing: nil, case: nil, category: "unclassified", courtroom: nil))
        #expect(TagField.fromRegistry.allSatisfy { none.reasons[$0] == .noDevice })
        #expect(none.reasons[.category] == .unclassified)
        for view in [Self.shifts, Self.court] {
            for device in ["BWC-1", "REC-3", "NONE"] {
                #expect(Set(tags(device, at: Self.t0 + 3600, view).reasons.keys) == Set(TagField.allCases))
            }
        }
    }

    @Test("the clock offset: the newest check at most a day before the job, or since; other devices' checks do not count")
    func clockOffset() {
        let created = Self.t0
        let view = RegistryView(clockChecks: [
            ClockReading(id: 1, device: "BWC-1", offsetSeconds: 90, checkedAt: created - 86_400),
            ClockReading(id: 2, device: "BWC-1", offsetSeconds: 150, checkedAt: created - 3600),
            ClockReading(id: 3, device: "BWC-2", offsetSeconds: -30, checkedAt: created),
        ])
        #expect(tagger.clockOffset(device: "BWC-1", jobCreatedAt: created, in: view) == 150)
        #expect(tagger.clockOffset(device: "BWC-1", jobCreatedAt: created + 86_400 - 3600, in: view) == 150, "a day to the millisecond still applies")
        #expect(tagger.clockOffset(device: "BWC-1", jobCreatedAt: created + 86_400 - 3599.999, in: view) == nil)
        #expect(tagger.clockOffset(device: "BWC-2", jobCreatedAt: created - 60, in: view) == -30, "a check made during the job applies")
        #expect(tagger.clockOffset(device: nil, jobCreatedAt: created, in: view) == nil)
        var twice = view
        twice.clockChecks.append(ClockReading(id: 4, device: "BWC-1", offsetSeconds: 151, checkedAt: created - 3600))
        #expect(tagger.clockOffset(device: "BWC-1", jobCreatedAt: created, in: twice) == 151, "of two at one instant, the later recorded")
        #expect(Tagger(clockCheckValidity: 1800).clockOffset(device: "BWC-1", jobCreatedAt: created, in: view) == nil)
    }

    @Test("a device clock ahead by 150 s recorded 150 s later than it says")
    func correctedTime() {
        #expect(Tagger.correctedTime(Self.t0, clockOffsetSeconds: 150) == Self.t0 - 150)
        #expect(Tagger.correctedTime(Self.t0, clockOffsetSeconds: -30) == Self.t0 + 30)
        #expect(Tagger.correctedTime(Self.t0, clockOffsetSeconds: nil) == Self.t0)
    }

    @Test("reasons read as sentences naming what decided")
    func reasonText() {
        let t = tags("BWC-1", at: Self.t0, Self.shifts)
        #expect(t.reasons[.officer]?.description == "assignment 1 (shift) held the device when it recorded")
        #expect(t.reasons[.category]?.description == "no rule classifies a recording; a person gives its category")
        #expect(tags("REC-3", at: Self.t0 + 3600, Self.court).reasons[.hearing]?.description
                == "hearing H-17 was in session in courtroom 3 when it recorded")
    }
}

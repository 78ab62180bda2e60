import CustodyCore
import CustodyModel
import Foundation

extension RecordingManager {
    /// How long before a hearing's scheduled start, and after its end, a person may
    /// start recording it by hand: a clerk sets up early and hearings run over. The
    /// schedule's own lead and margin widen it when they are longer.
    static let manualHearingWindowSeconds: TimeInterval = 3600

    /// The hearing and case a session records, from the registry alone.
    ///
    /// A hearing named in the request must be registered, sit in this courtroom, and
    /// be in session or about to be: now within an hour (or the schedule's lead and
    /// margin, if longer) of its scheduled start and of its end (scheduled, or actual
    /// where a session already ran longer). Its case is the registry's; a `case` in the
    /// request is accepted only when it is that case, never taken from it. Without a
    /// hearing, the one the schedule has in session in the courtroom, if any.
    func hearingTags(_ body: RecordingRequest, room: Room, automatic: Bool) throws(RecordingError) -> (hearing: String?, caseNumber: String?) {
        let now = clock.now()
        var chosen: ScheduledHearing?
        if let asked = body.hearing {
            guard let schedule else {
                throw RecordingError(.hearingNotFound, "no hearing registry to check hearing \(asked) against; start without a hearing")
            }
            let known: ScheduledHearing?
            do { known = try schedule.hearing(asked) } catch {
                throw RecordingError(.unavailable, "cannot read the hearing registry to check hearing \(asked): \(error)")
            }
            guard let known else {
                throw RecordingError(.hearingNotFound, "no registered hearing \(asked) (custodyctl hearings lists them; custodyctl import hearings registers the court's calendar)")
            }
            guard known.courtroom == room.id else {
                throw RecordingError(.hearingNotHere, "hearing \(asked) sits in courtroom \(known.courtroom), not \(room.id)")
            }
            let lead = max(Self.manualHearingWindowSeconds, TimeInterval(options.recording.scheduleLeadSeconds))
            let margin = max(Self.manualHearingWindowSeconds, TimeInterval(options.recording.scheduleMarginSeconds))
            let opens = known.start.addingTimeInterval(-lead)
            let closes = max(known.end, known.actualEnd ?? known.end).addingTimeInterval(margin)
            guard automatic || (opens <= now && now < closes) else {
                throw RecordingError(.hearingNotHere, "hearing \(asked) is scheduled \(RFC3339.format(known.start)) to \(RFC3339.format(known.end)) in courtroom \(room.id); it may be recorded from \(RFC3339.format(opens)) to \(RFC3339.format(closes)). To record now, start without a hearing; a supervisor can tag the segments")
            }
            chosen = known
        } else if let schedule, let inSession = try? schedule.hearings(courtroom: room.id, from: now, to: now.addingTimeInterval(1))
            .first(where: { $0.start <= now && now < $0.end }) {
            chosen = inSession
        }
        if let givenCase = body.case, givenCase != chosen?.caseNumber {
            throw RecordingError(.badRequest, chosen.map { h in
                "the case is the registry's for hearing \(h.id) (\(h.caseNumber ?? "none")), not \(givenCase); leave case out"
            } ?? "a case comes from a registered hearing's registry entry; name the hearing, not case \(givenCase)")
        }
        return (chosen?.id, chosen?.caseNumber)
    }
}

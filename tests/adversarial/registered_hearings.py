"""Hearings registered as a court's calendar registers them, for the attacks that record
a courtroom: a recording may carry only a hearing registered in its courtroom and in
session or about to be (finding 10), so such a test registers its hearing first."""

import datetime


def register_hearings(d, *hearings):
    """Registers (id, case, courtroom) hearings and their courtrooms through the real
    CLI, each hearing scheduled to start in half an hour: a clerk may record it now
    (from an hour before its start) while the hearing schedule does not start it by
    itself during the test."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    start, end = now + datetime.timedelta(minutes=30), now + datetime.timedelta(hours=2)
    folder = d.root / "registered-hearings"
    folder.mkdir(exist_ok=True)
    rooms = sorted({room for _, _, room in hearings})
    (folder / "courtrooms.csv").write_text("id,name\n" + "".join(f"{r},Courtroom {r}\n" for r in rooms))
    (folder / "hearings.csv").write_text("id,case,courtroom,judge,start,end\n" + "".join(
        f"{h},{c},{r},Judge Bench,{start.isoformat()},{end.isoformat()}\n" for h, c, r in hearings))
    d.ctl("import", "courtrooms", str(folder / "courtrooms.csv"), check=True)
    d.ctl("import", "hearings", str(folder / "hearings.csv"), check=True)

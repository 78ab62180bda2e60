"""Finding 13: retention counted from the recording time the media claims, so a camera
with a reset clock got today's evidence deleted at once.

Files whose own metadata claims 1999 (a Broadcast Wave bext date) or year 0001 (a JPEG's
EXIF DateTimeOriginal, with an offset that puts it in year 0) are ingested today and put
in a short-lived category. `retention plan` and `retention apply` keep them (the period
counts from the later of recording and ingest), and the implausible times are flagged
in the API and the CLI."""

import struct
import subprocess

from conftest import world_readable_tmp  # noqa: F401  (the harness is loaded as a plugin)


def bwf(origination_date: bytes, seconds=1, rate=8000) -> bytes:
    """A mono 16-bit Broadcast Wave file whose bext chunk states OriginationDate."""
    bext = bytearray(602)
    bext[0:11] = b"Adversarial"
    bext[320:330] = origination_date
    bext[330:338] = b"12:00:00"
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    data = bytes(seconds * rate * 2)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"bext" + struct.pack("<I", len(bext)) + bytes(bext) \
        + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def jpeg_claiming(path, when: str, offset: str):
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", str(path)],
                   check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", f"-DateTimeOriginal={when}", f"-OffsetTimeOriginal={offset}", str(path)],
                   check=True)


def test_a_reset_clock_never_makes_todays_evidence_expire(daemon):
    d = daemon
    card = d.inbox / "card"
    card.mkdir()
    (card / "RESET1999.WAV").write_bytes(bwf(b"1999-06-01"))
    (card / "YEAR0001.WAV").write_bytes(bwf(b"0001-01-01"))
    jpeg_claiming(card / "YEAR0.JPG", "0001:01:01 00:00:00", "+14:00")
    job = d.ctl_json("ingest", str(card), "--wait")
    assert job["state"] == "completed" and job["stored"] == 3, job
    items = {i["source"]["path"]: i for i in d.ctl_json("items", "--limit", "100")}
    assert items["RESET1999.WAV"]["recordedAt"] == "1999-06-01T12:00:00.000Z"
    assert items["YEAR0001.WAV"]["recordedAt"] == "0001-01-01T12:00:00.000Z"
    assert items["YEAR0.JPG"]["recordedAt"] == "0000-12-31T10:00:00.000Z", "a proleptic Gregorian year 0, not a trap"
    for item in items.values():
        assert "before 2000-01-01" in item["recordedAtImplausible"], item
        d.ctl("tag", str(item["id"]), "--category", "non-evidential", check=True)
    shown = d.ctl("item", str(items["YEAR0.JPG"]["id"]), check=True).stdout
    assert "IMPLAUSIBLE TIME" in shown and "clock was probably reset" in shown, shown
    assert "(implausible)" in d.ctl("items", check=True).stdout

    plan = d.ctl_json("retention", "plan")
    assert plan["expired"] == [] and plan["held"] == [], plan
    result = d.ctl_json("retention", "apply")
    assert result["deleted"] == [], result
    for item in d.ctl_json("items", "--limit", "100"):
        assert "deletedAt" not in item
        assert (d.state / "blobs" / "sha256" / item["sha256"][:2] / item["sha256"][2:4] / item["sha256"]).exists()
    assert d.request("GET", "/v1/gaps").status == 200
    assert d.ctl("verify", "--full").returncode == 0

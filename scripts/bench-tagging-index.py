#!/usr/bin/env python3
"""bench-tagging-index.py STATE_DIR [ITEMS]

Fills the index of a custodyd state directory (made by custodyd, so at the newest
schema, and stopped) with a station's two years: 200 officers each issued a body
camera, 20 courtrooms with a recorder, a hearing calendar (about 40,000 hearings),
and ITEMS recordings (default 1,000,000): nine in ten from body cameras, tagged to
their officer, one in ten from courtroom recorders, tagged to the hearing in
session, one in a hundred with a note. The rows go in through the real schema (its
triggers fill the full-text index as custodyd's inserts do). The items share 1,000
real blobs, written under STATE_DIR/blobs, so that custodyd's start-up check finds
every blob the index names. Prints, as JSON, what the benchmark client needs.
"""

import datetime
import hashlib
import json
import os
import random
import sqlite3
import sys

state = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(6)
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
DAYS = 731
FIRST = ["Ана", "Марко", "Јована", "Milica", "Stefan", "Ivana", "Душан", "Nikola", "Тамара", "Luka", "Jelena", "Милош",
         "Sara", "Vuk", "Маја", "Petar", "Teodora", "Lazar", "Katarina", "Andrej"]
LAST = ["Петровић", "Jovanović", "Николић", "Marković", "Ђорђевић", "Stojanović", "Илић", "Stanković", "Павловић",
        "Milošević", "Симић", "Kostić", "Томић", "Pavlović", "Ристић"]
NOTES = ["вербални сукоб", "saobraćajna nezgoda", "narušavanje javnog reda", "пријава грађанина", "domestic dispute",
         "shoplifting", "крађа бицикла", "vandalism", "нестала особа", "noise complaint"]


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def main():
    db = sqlite3.connect(os.path.join(state, "index.sqlite"), isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")
    db.execute("BEGIN")
    now = ts(datetime.datetime.now(datetime.timezone.utc))

    # Blobs: 1,000 real files, shared by the items (as duplicates from many sources are).
    blobs = []
    for n in range(1000):
        data = f"custody bench blob {n}\n".encode()
        sha = hashlib.sha256(data).hexdigest()
        d = os.path.join(state, "blobs", "sha256", sha[:2], sha[2:4])
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, sha)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o440)
        blobs.append((sha, len(data)))
    db.executemany("INSERT OR IGNORE INTO blobs (sha256, size, stored_at) VALUES (?, ?, ?)", [(s, n, now) for s, n in blobs])

    officers = [(f"B-{1000 + i}", f"{FIRST[i % 20]} {LAST[(i * 7) % 15]}", f"Unit {i % 8}") for i in range(200)]
    db.executemany("INSERT INTO officers (badge, name, unit, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                   [(b, n, u, now, now) for b, n, u in officers])
    rooms = [f"CR{r:02d}" for r in range(1, 21)]
    db.executemany("INSERT INTO courtrooms (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                   [(r, f"Courtroom {int(r[2:])}", now, now) for r in rooms])
    cameras = [f"BWC-{i + 1:04d}" for i in range(200)]
    recorders = [f"REC-{r}" for r in rooms]
    db.executemany("INSERT INTO devices (serial, model, kind, courtroom, first_seen, last_seen, registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(c, "Body camera BC-7", "bodyCamera", None, now, now, now) for c in cameras]
                   + [(r, "Courtroom recorder", "audioRecorder", r[4:], now, now, now) for r in recorders])
    db.executemany("INSERT INTO assignments (device_serial, badge, kind, starts_at, ends_at, created_at, updated_at) VALUES (?, ?, 'personal', ?, NULL, ?, ?)",
                   [(cameras[i], officers[i][0], ts(START), now, now) for i in range(200)])
    source = {}
    for serial in cameras + recorders:
        db.execute("INSERT INTO sources (kind, key, root, device_serial, created_at) VALUES ('device', ?, '/dock', ?, ?)",
                   (f"device:{serial}:/dock", serial, now))
        source[serial] = db.execute("SELECT last_insert_rowid()").fetchone()[0]

    # The calendar: four hearings a weekday in every courtroom.
    cases = [f"K-{n}/{2024 + n % 2}" for n in range(1, 10001)]
    db.executemany("INSERT INTO cases (number, created_at) VALUES (?, ?)", [(c, now) for c in cases])
    hearings = []
    for day in range(DAYS):
        date = START + datetime.timedelta(days=day)
        if date.weekday() >= 5:
            continue
        for room in rooms:
            for slot, (h, m) in enumerate(((8, 0), (9, 30), (12, 0), (13, 30))):
                start = date.replace(hour=h, minute=m)
                hearings.append((f"H-{date:%Y%m%d}-{room}-{slot}", rng.choice(cases), room, f"Judge {LAST[len(hearings) % 15]}",
                                 ts(start), ts(start + datetime.timedelta(minutes=90)), now, now))
    db.executemany("INSERT INTO hearings (id, case_number, courtroom, judge, scheduled_start, scheduled_end, created_at, updated_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", hearings)

    insert = ("INSERT INTO items (sha256, size, media_type, container, recorded_at, recorded_at_source, duration_seconds, ingested_at, "
              "source_id, source_path, officer, hearing, case_number, category, device_serial, courtroom, corrected_at, notes) "
              "VALUES (?, ?, ?, ?, ?, 'mp4.mvhd', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    court = total // 10
    batch = []
    notes = []
    for n in range(total):
        sha, size = blobs[n % 1000]
        note = None
        if n % 100 == 7:
            note = json.dumps([f"Пријава {n}: {NOTES[n % len(NOTES)]}"], ensure_ascii=False)
            notes.append(n)
        if n < court:
            h = hearings[rng.randrange(len(hearings))]
            start = datetime.datetime.strptime(h[4], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
            t = start + datetime.timedelta(minutes=15 * rng.randrange(6))
            rec = f"REC-{h[2]}"
            batch.append((sha, size, "audio/wav", "bwf", ts(t), 900.0, now, source[rec], f"{h[0]}/SEG{n:07d}.WAV", None, h[0], h[1],
                          "hearing", rec, h[2], ts(t), note))
        else:
            i = rng.randrange(200)
            t = START + datetime.timedelta(seconds=rng.randrange(DAYS * 86400))
            category = "unclassified" if n % 5 else "evidential"
            batch.append((sha, size, "video/mp4", "mp4", ts(t), 30.0 + n % 600, now, source[cameras[i]],
                          f"DCIM/{100 + n // 9999 % 900}BWC/CLIP{n:07d}.MP4", officers[i][0], None, None, category, cameras[i], None,
                          ts(t), note))
        if len(batch) == 20000:
            db.executemany(insert, batch)
            batch = []
            print(f"\r  {n + 1:,} items", end="", file=sys.stderr, flush=True)
    if batch:
        db.executemany(insert, batch)
    print(f"\r  {total:,} items", file=sys.stderr)
    db.execute("COMMIT")
    db.execute("PRAGMA optimize")
    db.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
    with_items = [h for (h,) in db.execute("SELECT DISTINCT hearing FROM items WHERE hearing IS NOT NULL LIMIT 5000")]
    db.close()
    json.dump({"officers": [o[0] for o in officers], "names": sorted({o[1] for o in officers}), "hearings": with_items,
               "notes": [f"Пријава {n}:" for n in notes[:: max(1, len(notes) // 2000)]], "phrases": NOTES,
               "from": ts(START), "days": DAYS}, sys.stdout, ensure_ascii=False)


main()

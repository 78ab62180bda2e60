import GRDB

extension IndexMigrations {
    /// v4: the registry (officers, courtrooms, cases, hearings, assignments), clock
    /// checks, holds and retention plans; the tags, notes and deletion time of items.
    ///
    /// Times are RFC 3339 UTC text with milliseconds (`RFC3339.format`), so they
    /// compare as strings. Intervals are half-open: `[starts_at, ends_at)`, a NULL
    /// end is open.
    static func v4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE officers (
                badge TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                unit TEXT NOT NULL DEFAULT '',
                rank TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE courtrooms (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                building TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE cases (
                number TEXT PRIMARY KEY,
                created_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE hearings (
                id TEXT PRIMARY KEY,
                case_number TEXT NOT NULL REFERENCES cases(number),
                courtroom TEXT NOT NULL REFERENCES courtrooms(id),
                judge TEXT NOT NULL,
                title TEXT,
                scheduled_start TEXT NOT NULL,
                scheduled_end TEXT NOT NULL,
                actual_start TEXT,               -- from the recording sessions (recordHearingActual)
                actual_end TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK (scheduled_start < scheduled_end)
            ) WITHOUT ROWID;
            CREATE INDEX hearings_courtroom ON hearings(courtroom, scheduled_start);
            CREATE INDEX hearings_case ON hearings(case_number);
            CREATE TABLE assignments (
                id INTEGER PRIMARY KEY,
                device_serial TEXT NOT NULL,
                badge TEXT NOT NULL REFERENCES officers(badge),
                kind TEXT NOT NULL CHECK (kind IN ('personal', 'shift')),
                starts_at TEXT NOT NULL,
                ends_at TEXT,                    -- NULL: open-ended (still issued, still checked out)
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (device_serial, starts_at),
                CHECK (ends_at IS NULL OR starts_at < ends_at)
            );
            CREATE INDEX assignments_badge ON assignments(badge, starts_at);
            CREATE TABLE clock_checks (
                id INTEGER PRIMARY KEY,
                device_serial TEXT NOT NULL,
                dock_id INTEGER REFERENCES docks(id),
                offset_seconds INTEGER NOT NULL, -- device clock minus station clock (positive: the device is ahead)
                source TEXT NOT NULL,            -- 'dock' (read by a driver) or 'operator'
                checked_at TEXT NOT NULL
            );
            CREATE INDEX clock_checks_device ON clock_checks(device_serial, checked_at);
            CREATE TABLE holds (
                id INTEGER PRIMARY KEY,
                item_id INTEGER REFERENCES items(id),
                case_number TEXT REFERENCES cases(number),
                reason TEXT NOT NULL,
                placed_at TEXT NOT NULL,
                placed_uid INTEGER NOT NULL,
                placed_name TEXT NOT NULL,
                released_at TEXT,
                released_uid INTEGER,
                released_name TEXT,
                release_reason TEXT,
                CHECK ((item_id IS NULL) <> (case_number IS NULL))
            );
            CREATE INDEX holds_item ON holds(item_id) WHERE released_at IS NULL;
            CREATE INDEX holds_case ON holds(case_number) WHERE released_at IS NULL;
            CREATE TABLE retention_plans (
                id INTEGER PRIMARY KEY,
                made_at TEXT NOT NULL,
                day TEXT NOT NULL,               -- the station's calendar day it was made on (YYYY-MM-DD)
                made_uid INTEGER NOT NULL,
                made_name TEXT NOT NULL,
                policy TEXT NOT NULL,            -- the retention periods in force (JSON)
                applied_at TEXT
            );
            CREATE TABLE retention_plan_items (
                plan_id INTEGER NOT NULL REFERENCES retention_plans(id),
                item_id INTEGER NOT NULL REFERENCES items(id),
                state TEXT NOT NULL CHECK (state IN ('expired', 'held')),
                category TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                reason TEXT NOT NULL,
                PRIMARY KEY (plan_id, item_id)
            ) WITHOUT ROWID;

            ALTER TABLE devices ADD COLUMN courtroom TEXT;
            ALTER TABLE devices ADD COLUMN registered_at TEXT;
            ALTER TABLE blobs ADD COLUMN deleted_at TEXT;
            ALTER TABLE items ADD COLUMN device_serial TEXT;
            ALTER TABLE items ADD COLUMN courtroom TEXT;
            ALTER TABLE items ADD COLUMN clock_offset_seconds INTEGER;
            ALTER TABLE items ADD COLUMN corrected_at TEXT;      -- recorded_at minus the clock offset; tagging uses it
            ALTER TABLE items ADD COLUMN notes TEXT;             -- every note, oldest first (JSON array of strings)
            ALTER TABLE items ADD COLUMN manual_tags TEXT NOT NULL DEFAULT '';  -- tags a person set: auto-tagging leaves them
            ALTER TABLE items ADD COLUMN deleted_at TEXT;        -- its blob deleted by retention; the record stays
            UPDATE items SET device_serial = (SELECT device_serial FROM sources WHERE sources.id = items.source_id),
                             corrected_at = recorded_at;
            UPDATE devices SET registered_at = first_seen;
            CREATE INDEX items_officer ON items(officer, recorded_at);
            CREATE INDEX items_hearing ON items(hearing, recorded_at);
            CREATE INDEX items_case ON items(case_number, recorded_at);
            CREATE INDEX items_category ON items(category, recorded_at);
            CREATE INDEX items_courtroom ON items(courtroom, corrected_at);
            CREATE INDEX items_device ON items(device_serial, corrected_at);
            CREATE INDEX jobs_device ON jobs(device_serial, created_at);

            DROP TRIGGER items_fts_insert;
            DROP TRIGGER items_fts_update;
            DROP TABLE items_fts;
            CREATE VIRTUAL TABLE items_fts USING fts5(
                source_path, media_type, officer, officer_name, hearing, case_number, category, courtroom, device, notes,
                tokenize='trigram');
            CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
                INSERT INTO items_fts(rowid, source_path, media_type, officer, officer_name, hearing, case_number, category,
                                      courtroom, device, notes)
                VALUES (new.id, new.source_path, new.media_type, new.officer,
                        (SELECT name FROM officers WHERE badge = new.officer), new.hearing, new.case_number, new.category,
                        new.courtroom, new.device_serial, new.notes);
            END;
            CREATE TRIGGER items_fts_update AFTER UPDATE OF officer, hearing, case_number, category, courtroom, notes ON items BEGIN
                UPDATE items_fts SET officer = new.officer, officer_name = (SELECT name FROM officers WHERE badge = new.officer),
                    hearing = new.hearing, case_number = new.case_number, category = new.category,
                    courtroom = new.courtroom, notes = new.notes
                WHERE rowid = new.id;
            END;
            CREATE TRIGGER officers_fts_name AFTER UPDATE OF name ON officers BEGIN
                UPDATE items_fts SET officer_name = new.name WHERE rowid IN (SELECT id FROM items WHERE officer = new.badge);
            END;
            INSERT INTO items_fts(rowid, source_path, media_type, officer, officer_name, hearing, case_number, category,
                                  courtroom, device, notes)
                SELECT id, source_path, media_type, officer, NULL, hearing, case_number, category, courtroom, device_serial, notes
                FROM items;
            """)
    }
}

import GRDB

extension IndexMigrations {
    /// v6: an item whose stored file retention deleted no longer blocks the same file
    /// from being stored again. `items` loses its table-wide UNIQUE (source, path,
    /// sha256) and gains a partial unique index over the items not deleted: a source's
    /// file is one live item, and a file taken in again after deletion is a new item
    /// (its own ingest time, its own retention) beside the deleted one's record.
    ///
    /// SQLite cannot drop a table constraint, so `items` is rebuilt (SQLite's documented
    /// procedure: new table, copy, drop, rename), keeping every id, with its indexes
    /// and triggers made again. The migrator runs it with foreign keys deferred.
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER items_fts_insert;
            DROP TRIGGER items_fts_update;
            DROP TRIGGER officers_fts_name;
            CREATE TABLE items_v6 (
                id INTEGER PRIMARY KEY,
                sha256 TEXT NOT NULL REFERENCES blobs(sha256),
                size INTEGER NOT NULL,
                media_type TEXT NOT NULL,
                container TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                recorded_at_source TEXT NOT NULL,
                utc_offset_seconds INTEGER,
                duration_seconds REAL,
                metadata_problems TEXT NOT NULL DEFAULT '[]',
                ingested_at TEXT NOT NULL,
                source_id INTEGER NOT NULL REFERENCES sources(id),
                source_path TEXT NOT NULL,
                file_modified_at TEXT,
                job_id INTEGER REFERENCES jobs(id),
                officer TEXT,
                hearing TEXT,
                case_number TEXT,
                category TEXT NOT NULL DEFAULT 'unclassified',
                device_serial TEXT,
                courtroom TEXT,
                clock_offset_seconds INTEGER,
                corrected_at TEXT,
                notes TEXT,
                manual_tags TEXT NOT NULL DEFAULT '',
                deleted_at TEXT
            );
            INSERT INTO items_v6 (id, sha256, size, media_type, container, recorded_at, recorded_at_source, utc_offset_seconds,
                                  duration_seconds, metadata_problems, ingested_at, source_id, source_path, file_modified_at, job_id,
                                  officer, hearing, case_number, category, device_serial, courtroom, clock_offset_seconds,
                                  corrected_at, notes, manual_tags, deleted_at)
                SELECT id, sha256, size, media_type, container, recorded_at, recorded_at_source, utc_offset_seconds,
                       duration_seconds, metadata_problems, ingested_at, source_id, source_path, file_modified_at, job_id,
                       officer, hearing, case_number, category, device_serial, courtroom, clock_offset_seconds,
                       corrected_at, notes, manual_tags, deleted_at
                FROM items;
            DROP TABLE items;
            ALTER TABLE items_v6 RENAME TO items;
            CREATE UNIQUE INDEX items_live_file ON items(source_id, source_path, sha256) WHERE deleted_at IS NULL;
            CREATE INDEX items_recorded_at ON items(recorded_at);
            CREATE INDEX items_sha256 ON items(sha256);
            CREATE INDEX items_source_path ON items(source_id, source_path);
            CREATE INDEX items_officer ON items(officer, recorded_at);
            CREATE INDEX items_hearing ON items(hearing, recorded_at);
            CREATE INDEX items_case ON items(case_number, recorded_at);
            CREATE INDEX items_category ON items(category, recorded_at);
            CREATE INDEX items_courtroom ON items(courtroom, corrected_at);
            CREATE INDEX items_device ON items(device_serial, corrected_at);
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
            """)
    }
}

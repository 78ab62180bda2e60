import CustodyLedger
import Foundation
import GRDB

// Schema changelog of the index (`index.sqlite`). One migration per version;
// a migration, once released, is never edited: a change is a new version.
//
//   v1  sources, devices, blobs, items (+ items_fts, trigram full-text search over
//       path and tags), jobs, job_files, and the append-only custody events table
//       (UPDATE and DELETE are refused by triggers).
//   v2  docks: one row per time a device was docked (identity as read then, bus
//       path, block device or ALSA card, catalog match, state, dock and undock
//       times, the job it started); jobs.dock_id links a job to its dock.
//   v3  ledger: the RFC 9162 leaf hash of every custody event (its canonical bytes,
//       CustodyLedger.CanonicalEntry), written in the event's own transaction, and
//       ledger_checkpoints: every signed checkpoint (tree size, root, signed note).
//       Both append-only. Events before v3 get their leaves at migration.
//   v4  registry and tagging (IndexMigrations+Registry.swift): officers, courtrooms,
//       cases, hearings (scheduled and actual times), assignments of a device to an
//       officer (personal issue or shift checkout), clock_checks (a device's clock
//       against the station's), holds, retention_plans (+ their items); devices
//       gain a courtroom and a registration time; items gain device, courtroom,
//       clock offset and corrected time, notes, which tags a person set, and the
//       time retention deleted their blob (blobs too); items_fts is rebuilt to
//       search notes, officers' names, courtroom and device as well.
//   v5  courtroom recording: recording_sessions (one per capture session) and
//       recording_segments (each Broadcast Wave segment on its way into the store:
//       closed, filing, filed or failed, with its summary and item).
//   v6  items: the table-wide UNIQUE (source, path, sha256) becomes a unique index
//       over items not deleted, so a file retention deleted can be stored again as
//       a new item (IndexMigrations+Reacquisition.swift; items rebuilt, ids kept).
//   v7  media (IndexMigrations+Media.swift): docks may wait for a medium (state
//       waitingForMedium, waiting_since); dock_slots: each logical unit of a docked
//       mass-storage device with its block device, state, medium and job; jobs.medium:
//       the identity of the medium a dock's job reads, to resume it when it returns.
//   v8  jobs.root_device, jobs.root_inode: the identity of a job's root when it was
//       checked, compared whenever the job opens its root again (IndexMigrations+Ingest.swift).
//   v9  jobs.driver, jobs.location: which driver reads a job's source and what it opens,
//       taken for older jobs from their root (IndexMigrations+Drivers.swift).

/// The index's migrations, in order.
enum IndexMigrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4-registry", migrate: v4)
        migrator.registerMigration("v5", migrate: v5)
        migrator.registerMigration("v6-store", migrate: v6)
        migrator.registerMigration("v7-media", migrate: v7Media)
        migrator.registerMigration("v8-ingest", migrate: v8Ingest)
        migrator.registerMigration("v9-drivers", migrate: v9Drivers)
        return migrator
    }

    /// v1: the foundation schema.
    static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sources (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('path', 'device')),
                key TEXT NOT NULL UNIQUE,            -- 'path:<root>' or 'device:<serial>:<root>'
                root TEXT NOT NULL,
                device_serial TEXT,
                created_at TEXT NOT NULL
            );
            CREATE TABLE devices (
                id INTEGER PRIMARY KEY,
                serial TEXT NOT NULL UNIQUE,
                vendor_id INTEGER,
                product_id INTEGER,
                manufacturer TEXT,
                product TEXT,
                model TEXT,
                kind TEXT,
                first_seen TEXT NOT NULL,
                last_seen TEXT NOT NULL
            );
            CREATE TABLE blobs (
                sha256 TEXT PRIMARY KEY,
                size INTEGER NOT NULL,
                stored_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                source_id INTEGER NOT NULL REFERENCES sources(id),
                root TEXT NOT NULL,
                device_serial TEXT,
                state TEXT NOT NULL,
                requested_uid INTEGER NOT NULL,
                requested_name TEXT NOT NULL,
                requested_roles TEXT NOT NULL DEFAULT '',  -- the requester's roles then, comma-separated
                created_at TEXT NOT NULL,
                finished_at TEXT,
                total_files INTEGER NOT NULL DEFAULT 0,
                stored INTEGER NOT NULL DEFAULT 0,
                duplicates INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0,
                bytes_stored INTEGER NOT NULL DEFAULT 0,
                message TEXT
            );
            CREATE INDEX jobs_state ON jobs(state);
            CREATE TABLE items (
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
                UNIQUE (source_id, source_path, sha256)
            );
            CREATE INDEX items_recorded_at ON items(recorded_at);
            CREATE INDEX items_sha256 ON items(sha256);
            CREATE INDEX items_source_path ON items(source_id, source_path);
            CREATE TABLE job_files (
                job_id INTEGER NOT NULL REFERENCES jobs(id),
                path TEXT NOT NULL,
                size INTEGER NOT NULL,
                modified_at TEXT,
                state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'duplicate', 'failed')),
                item_id INTEGER REFERENCES items(id),
                sha256 TEXT,
                message TEXT,
                PRIMARY KEY (job_id, path)
            ) WITHOUT ROWID;
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                time TEXT NOT NULL,
                actor_uid INTEGER NOT NULL,
                actor_name TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL DEFAULT '{}'
            );
            CREATE INDEX events_subject ON events(subject);
            CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                BEGIN SELECT RAISE(ABORT, 'custody events are append-only'); END;

            CREATE VIRTUAL TABLE items_fts USING fts5(
                source_path, media_type, officer, hearing, case_number, category,
                content='items', content_rowid='id', tokenize='trigram');
            CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
                INSERT INTO items_fts(rowid, source_path, media_type, officer, hearing, case_number, category)
                VALUES (new.id, new.source_path, new.media_type, new.officer, new.hearing, new.case_number, new.category);
            END;
            CREATE TRIGGER items_fts_update AFTER UPDATE ON items BEGIN
                INSERT INTO items_fts(items_fts, rowid, source_path, media_type, officer, hearing, case_number, category)
                VALUES ('delete', old.id, old.source_path, old.media_type, old.officer, old.hearing, old.case_number, old.category);
                INSERT INTO items_fts(rowid, source_path, media_type, officer, hearing, case_number, category)
                VALUES (new.id, new.source_path, new.media_type, new.officer, new.hearing, new.case_number, new.category);
            END;
            """)
    
    }

    /// v2: docks.
    static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE docks (
                id INTEGER PRIMARY KEY,
                device_serial TEXT,
                vendor_id INTEGER NOT NULL,
                product_id INTEGER NOT NULL,
                manufacturer TEXT,
                product TEXT,
                model TEXT,
                kind TEXT,
                driver TEXT,
                catalog_entry TEXT,              -- 'file:line' of the matching entry, NULL when unsupported
                bus_path TEXT NOT NULL,
                block_device TEXT,
                alsa_card TEXT,
                state TEXT NOT NULL CHECK (state IN ('docked', 'ingesting', 'done', 'error', 'removed', 'unsupported')),
                message TEXT,
                docked_at TEXT NOT NULL,
                undocked_at TEXT,
                job_id INTEGER REFERENCES jobs(id)
            );
            CREATE INDEX docks_serial ON docks(device_serial);
            ALTER TABLE jobs ADD COLUMN dock_id INTEGER REFERENCES docks(id);
            """)
    }

    /// v3: the ledger.
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE ledger (
                seq INTEGER PRIMARY KEY REFERENCES events(seq),
                leaf BLOB NOT NULL CHECK (length(leaf) = 32)
            );
            CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
                BEGIN SELECT RAISE(ABORT, 'the custody ledger is append-only'); END;
            CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
                BEGIN SELECT RAISE(ABORT, 'the custody ledger is append-only'); END;
            CREATE TABLE ledger_checkpoints (
                tree_size INTEGER PRIMARY KEY,
                root BLOB NOT NULL CHECK (length(root) = 32),
                note TEXT NOT NULL,
                made_at TEXT NOT NULL
            );
            CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints
                BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as made'); END;
            CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints
                BEGIN SELECT RAISE(ABORT, 'checkpoints are kept as made'); END;
            """)
        // Events recorded before the ledger existed become its first leaves.
        for row in try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY seq") {
            let event = LocalStore.eventRecord(row)
            try db.execute(sql: "INSERT INTO ledger (seq, leaf) VALUES (?, ?)",
                           arguments: [event.seq, Data(MerkleTree.leafHash(CanonicalEntry.bytes(of: event)))])
        }
    }
}

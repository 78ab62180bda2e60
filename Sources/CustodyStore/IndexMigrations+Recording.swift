import GRDB

extension IndexMigrations {
    /// v5: courtroom recording. `recording_sessions`: one row per capture session
    /// (courtroom, hearing, case, PCM and format, who started it and when its first
    /// frame was taken; how and when it ended). `recording_segments`: one row per
    /// Broadcast Wave segment on its way into the store, keyed by its working file
    /// (closed → filing → filed, or failed), with its summary (gaps, dropped frames,
    /// alarms, levels) and, once filed, its item. Both are working state; the custody
    /// record of every step is in `events`.
    static func v5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE recording_sessions (
                reference TEXT PRIMARY KEY,          -- 12 hex digits; segments' OriginatorReference begins with it
                courtroom TEXT NOT NULL,
                hearing TEXT,
                case_number TEXT,
                pcm TEXT NOT NULL,
                pcm_type TEXT,
                interface_serial TEXT,               -- the audio interface's USB serial, when known
                sample_format TEXT NOT NULL,
                channels INTEGER NOT NULL,
                rate INTEGER NOT NULL,
                channel_names TEXT NOT NULL,         -- JSON array of strings
                segment_frames INTEGER NOT NULL,
                duration_frames INTEGER,
                automatic INTEGER NOT NULL DEFAULT 0,
                started_uid INTEGER NOT NULL,
                started_name TEXT NOT NULL,
                first_sample_time TEXT NOT NULL,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                stop_reason TEXT,
                frames_captured INTEGER,
                dropped_frames INTEGER
            ) WITHOUT ROWID;
            CREATE INDEX recording_sessions_courtroom ON recording_sessions(courtroom, first_sample_time);
            CREATE TABLE recording_segments (
                path TEXT PRIMARY KEY,               -- the working file under <state>/recordings/<courtroom>/
                session TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                courtroom TEXT NOT NULL,
                hearing TEXT,
                case_number TEXT,
                first_frame INTEGER NOT NULL,
                frames INTEGER NOT NULL,
                rate INTEGER NOT NULL,
                first_sample INTEGER NOT NULL,       -- samples since 1970-01-01T00:00:00Z at its rate (bext date + TimeReference)
                first_sample_time TEXT NOT NULL,
                dropped_frames INTEGER NOT NULL DEFAULT 0,
                gaps INTEGER NOT NULL DEFAULT 0,
                alarms INTEGER NOT NULL DEFAULT 0,
                repaired INTEGER NOT NULL DEFAULT 0,
                summary TEXT NOT NULL DEFAULT '{}',  -- JSON: the segment's gaps, alarms and levels
                device_serial TEXT,
                requested_uid INTEGER NOT NULL,
                requested_name TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('closed', 'filing', 'filed', 'failed')),
                job_id INTEGER REFERENCES jobs(id),
                item_id INTEGER REFERENCES items(id),
                closed_at TEXT NOT NULL,
                filed_at TEXT,
                message TEXT,
                UNIQUE (session, sequence)
            ) WITHOUT ROWID;
            CREATE INDEX recording_segments_time ON recording_segments(courtroom, first_sample_time);
            CREATE INDEX recording_segments_hearing ON recording_segments(hearing, first_sample_time);
            CREATE INDEX recording_segments_state ON recording_segments(state);
            """)
    }
}

import GRDB

extension IndexMigrations {
    /// v8: a job remembers which file its root was when the job was checked
    /// (`jobs.root_device`, `jobs.root_inode`: `st_dev` and `st_ino` of the directory,
    /// file or image), so that a job run later, or resumed after a restart, reads that
    /// root and never whatever was put at its path since. NULL for docked devices' jobs
    /// and jobs from before v8.
    static func v8Ingest(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN root_device INTEGER;
            ALTER TABLE jobs ADD COLUMN root_inode INTEGER;
            """)
    }
}

import GRDB

extension IndexMigrations {
    /// v9: a job records which driver reads its source and what that driver opens
    /// (`jobs.driver`, `jobs.location`; ``SourceAddress``), so that nothing needs to read
    /// the kind of a source out of its root. Jobs from before v9 get theirs from their
    /// root, the one place its old form is read: `volume:` and a path (a block device or
    /// an image, read by the mass-storage driver), or the path of a directory or file.
    static func v9Drivers(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN driver TEXT;
            ALTER TABLE jobs ADD COLUMN location TEXT;
            UPDATE jobs SET driver = 'massStorage', location = substr(root, 8) WHERE substr(root, 1, 7) = 'volume:';
            UPDATE jobs SET driver = 'directory', location = root WHERE driver IS NULL;
            """)
    }
}

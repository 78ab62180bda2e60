import GRDB

extension IndexMigrations {
    /// v7: media in docked devices. `docks` is rebuilt (SQLite cannot alter a CHECK) so
    /// that its state may be `waitingForMedium`, with `waiting_since`; `dock_slots` holds
    /// each logical unit of a docked mass-storage device (a camera's storage, a card
    /// reader's slots) with its block device, state, medium and job; `jobs.medium` is the
    /// identity of the medium a dock's job reads (its volumes' types, serials and labels),
    /// by which an interrupted job is found again when that medium comes back, at
    /// whatever device node.
    static func v7Media(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE docks_v7 (
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
                state TEXT NOT NULL CHECK (state IN ('docked', 'waitingForMedium', 'ingesting', 'done', 'error', 'removed',
                                                     'unsupported')),
                message TEXT,
                docked_at TEXT NOT NULL,
                undocked_at TEXT,
                job_id INTEGER REFERENCES jobs(id),
                waiting_since TEXT               -- while waitingForMedium: since when
            );
            INSERT INTO docks_v7 (id, device_serial, vendor_id, product_id, manufacturer, product, model, kind, driver,
                                  catalog_entry, bus_path, block_device, alsa_card, state, message, docked_at, undocked_at, job_id)
                SELECT id, device_serial, vendor_id, product_id, manufacturer, product, model, kind, driver,
                       catalog_entry, bus_path, block_device, alsa_card, state, message, docked_at, undocked_at, job_id FROM docks;
            DROP TABLE docks;
            ALTER TABLE docks_v7 RENAME TO docks;
            CREATE INDEX docks_serial ON docks(device_serial);
            CREATE TABLE dock_slots (
                dock_id INTEGER NOT NULL REFERENCES docks(id),
                slot INTEGER NOT NULL,           -- the logical unit number
                block_device TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('waitingForMedium', 'ingesting', 'error', 'removed')),
                since TEXT NOT NULL,
                medium TEXT,                     -- the medium as shown: volumes' types, labels and serials
                job_id INTEGER REFERENCES jobs(id),
                message TEXT,
                PRIMARY KEY (dock_id, slot)
            ) WITHOUT ROWID;
            ALTER TABLE jobs ADD COLUMN medium TEXT;
            CREATE INDEX jobs_medium ON jobs(medium) WHERE medium IS NOT NULL;
            """)
    }
}

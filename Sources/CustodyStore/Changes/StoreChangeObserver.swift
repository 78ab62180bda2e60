import CustodyModel
import GRDB
import Synchronization

/// Watches the index's writer connection and hands what each transaction changed to the
/// ``ChangePublisher`` once it committed (nothing of a transaction rolled back): the
/// custody events ``LocalStore/insertEvent`` wrote, in `seq` order, and which kinds of
/// state rows changed. Commits are serial on the one writer, so subscribers see events
/// in `seq` order and never one that is not durable.
final class StoreChangeObserver: TransactionObserver, Sendable {
    /// The kinds of state each table's rows make up. A dock's and a slot's state as shown
    /// follow their job's (`DockStore.following`), so a job's rows are the devices' too.
    static let topics: [String: [StateTopic]] = [
        "docks": [.devices], "dock_slots": [.devices],
        "jobs": [.jobs, .devices], "job_files": [.jobs],
        "recording_sessions": [.recordings], "recording_segments": [.recordings],
    ]

    struct Pending {
        var events: [CustodyEvent] = []
        var topics: Set<StateTopic> = []
    }

    let publisher: ChangePublisher
    private let pending = Mutex(Pending())

    init(publisher: ChangePublisher) { self.publisher = publisher }

    /// A custody event written in the current transaction (published if it commits).
    func inserted(_ event: CustodyEvent) {
        pending.withLock { $0.events.append(event) }
    }

    /// Asked before each statement of a write runs, with what it may change: a statement
    /// that may write a state table counts as a change to it. (GRDB reports the rows of an
    /// upsert, `INSERT … ON CONFLICT DO UPDATE`, to no observer of its table, so rows are
    /// not waited for: at worst a reader looks again at rows that did not change.)
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        guard let topics = Self.topics[eventKind.tableName] else { return false }
        pending.withLock { $0.topics.formUnion(topics) }
        return true
    }

    func databaseDidChange(with event: DatabaseEvent) {}

    func databaseDidCommit(_ db: Database) {
        let done = pending.withLock { p in
            defer { p = Pending() }
            return p
        }
        publisher.publish(done.events.map(StoreChange.event) + done.topics.sorted().map(StoreChange.state))
    }

    func databaseDidRollback(_ db: Database) {
        pending.withLock { $0 = Pending() }
    }
}

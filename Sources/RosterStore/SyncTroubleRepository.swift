import Foundation
import RosterCore
import SQLKit

/// What each event's sync last met on its way to Salesforce (``SyncTrouble``), shared by every
/// process on the database. Written on changes only: the sync records a trouble when it begins
/// or is seen again after a while, and clears it at the first call that goes through.
public struct SyncTroubleRepository: Sendable {
    let database: RosterDatabase

    /// Troubles in `database`.
    public init(database: RosterDatabase) { self.database = database }

    /// Records a trouble of the event at `at`: a new kind starts its `since` there, the same kind
    /// keeps it and takes the new reason.
    public func record(eventId: String, kind: SyncTrouble.Kind, reason: String, at: Date) async throws {
        let millis = StoreTime.millis(at)
        try await database.writer.raw("""
            INSERT INTO sync_troubles (event_id, kind, since, reason, seen_at)
            VALUES (\(bind: eventId), \(bind: kind.rawValue), \(bind: millis), \(bind: reason), \(bind: millis))
            ON CONFLICT (event_id) DO UPDATE SET
                since = CASE WHEN sync_troubles.kind = excluded.kind THEN sync_troubles.since ELSE excluded.since END,
                kind = excluded.kind, reason = excluded.reason, seen_at = excluded.seen_at
            """).run()
    }

    /// Forgets the event's trouble of the given kinds (all when `nil`).
    public func clear(eventId: String, kinds: Set<SyncTrouble.Kind>? = nil) async throws {
        if let kinds {
            guard !kinds.isEmpty else { return }
            let list = SQLList(kinds.sorted { $0.rawValue < $1.rawValue }.map { SQLBind($0.rawValue) })
            try await database.writer.raw("DELETE FROM sync_troubles WHERE event_id = \(bind: eventId) AND kind IN (\(list))").run()
        } else {
            try await database.writer.raw("DELETE FROM sync_troubles WHERE event_id = \(bind: eventId)").run()
        }
    }

    /// The event's trouble, if one is recorded.
    public func trouble(eventId: String) async throws -> SyncTrouble? {
        guard let row = try await database.reader.raw("SELECT kind, since, reason, seen_at FROM sync_troubles WHERE event_id = \(bind: eventId)").first(),
              let kind = SyncTrouble.Kind(rawValue: try row.decode(column: "kind", as: String.self)) else { return nil }
        return SyncTrouble(kind: kind, since: StoreTime.date(try row.decode(column: "since", as: Int64.self)),
                           reason: try row.decode(column: "reason", as: String.self),
                           seenAt: StoreTime.date(try row.decode(column: "seen_at", as: Int64.self)))
    }
}

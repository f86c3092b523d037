import Foundation
import SQLKit

/// Event leases: one holder at a time writes an event's campaign, across processes.
extension SyncRepository {
    /// Takes (or renews) the event's lease for `holder` until `seconds` from now, unless another
    /// holder's lease is still running. One holder at a time writes an event's campaign, across
    /// processes: the lease is a row, taken in one conditional upsert.
    public func acquireLease(eventId: String, holder: String, seconds: Double) async throws -> Bool {
        try await Self.lease(eventId: eventId, holder: holder, seconds: seconds, at: StoreTime.millis(now()), on: database.writer)
    }

    /// The lease's conditional upsert: taken (or renewed) unless another holder's still runs.
    private static func lease(eventId: String, holder: String, seconds: Double, at time: Int64, on db: any SQLDatabase) async throws -> Bool {
        let rows = try await db.raw("""
            INSERT INTO salesforce_event_leases (event_id, holder, expires_at) VALUES (\(bind: eventId), \(bind: holder), \(bind: time + Int64(seconds * 1000)))
            ON CONFLICT (event_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE salesforce_event_leases.holder = excluded.holder OR salesforce_event_leases.expires_at < \(bind: time)
            RETURNING holder
            """).all()
        return rows.contains { (try? $0.decode(column: "holder", as: String.self)) == holder }
    }

    /// Claims the oldest forced run any worker may take, with its event's lease for `holder`:
    /// a queued run, or a running one whose worker died (its lease expired or was released at
    /// shutdown), of an event no one else holds, skipping the events in `excluding` (this worker
    /// is already on them). On PostgreSQL the candidate row is locked `FOR UPDATE SKIP LOCKED`, so
    /// workers claiming at the same moment take different runs instead of queueing on one; on
    /// SQLite the single writer serialises claims. The lease's conditional upsert decides in
    /// both: one event, one worker.
    ///
    /// - Returns: the claimed run, or `nil` when there is none to take.
    public func claimRun(holder: String, seconds: Double, excluding: Set<String> = []) async throws -> SyncRun? {
        let time = StoreTime.millis(now())
        let dialect = database.dialect
        return try await database.transaction { db in
            var candidates: SQLQueryString = """
                SELECT r.* FROM salesforce_sync_runs r
                WHERE r.state IN ('queued', 'running')
                AND NOT EXISTS (SELECT 1 FROM salesforce_event_leases l WHERE l.event_id = r.event_id AND l.expires_at >= \(bind: time))
                """
            for eventId in excluding { candidates += " AND r.event_id <> \(bind: eventId)" }
            candidates += " ORDER BY r.created_at, r.id LIMIT 1"
            if dialect == .postgres { candidates += " FOR UPDATE OF r SKIP LOCKED" }
            guard let row = try await db.raw(candidates).first() else { return nil }
            let run = try Self.run(from: row)
            return try await Self.lease(eventId: run.eventId, holder: holder, seconds: seconds, at: time, on: db) ? run : nil
        }
    }

    /// Gives up the event's lease if `holder` holds it; another holder's lease is left alone.
    public func releaseLease(eventId: String, holder: String) async throws {
        try await database.writer.delete(from: "salesforce_event_leases").where("event_id", .equal, eventId).where("holder", .equal, holder).run()
    }
}

/// The event's lease is another holder's now: this one's ran out (it stalled longer than a lease
/// lasts) and someone took the event, and with it any run on it. Whatever this holder was doing
/// there stops without writing more.
public struct LeaseNotHeld: Error, Sendable, CustomStringConvertible {
    /// The event whose lease was lost.
    public var eventId: String
    /// Makes the error for the event whose lease was lost.
    public init(eventId: String) { self.eventId = eventId }
    /// Says that another process holds the event now.
    public var description: String { "the lease on event \(eventId) ran out and another process holds it now" }
}

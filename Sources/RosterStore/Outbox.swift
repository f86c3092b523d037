import Foundation
import RosterCore
import SQLKit

/// The outbox the live sync consumes: one row per participant change (`participant_changes`),
/// appended in the change's own transaction, completed once the change reached Salesforce.
///
/// Every query of the change log is here. A write that appended to it announces its commit
/// (``changesCommitted(in:)``), so the live sync starts at once and an idle server runs no query;
/// changes another process wrote are found by the live sync's slow fallback poll.
public struct Outbox: Sendable {
    let database: RosterDatabase
    let now: @Sendable () -> Date

    /// The outbox of `database`; `now` stamps completed changes and times how long pending ones wait.
    public init(database: RosterDatabase, now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.now = now
    }

    /// Why a change was logged.
    public enum Kind: String, Sendable {
        case created
        case updated
    }

    /// Appends changes in the transaction of the write that made them. The committer then calls
    /// ``changesCommitted(in:)``.
    static func append(_ changes: [(Participant, Int64, Kind)], on db: any SQLDatabase) async throws {
        try await changeRows.run(document: document(changes), on: db)
    }

    /// The change-log rows of `changes` as one value for ``BulkInsert/run(document:on:)``.
    static func document(_ changes: [(Participant, Int64, Kind)]) -> String? {
        changeRows.document(changes.map { participant, version, kind in
            // The change's own time (the repository's injected clock), not the wall clock.
            [.text(participant.eventId), .text(participant.id), .integer(version), .text(kind.rawValue), .integer(StoreTime.millis(participant.updatedAt))]
        })
    }

    static let changeRows = BulkInsert(table: "participant_changes", columns: [
        ("event_id", .text), ("participant_id", .text), ("participant_version", .integer), ("kind", .text), ("changed_at", .integer),
    ])

    /// Announces that a transaction which appended changes to `database`'s outbox has committed.
    static func changesCommitted(in database: RosterDatabase) {
        database.changeSignal.signal()
    }

    /// Returns once changes were committed since the last wait (at once if some were), or after
    /// `timeout` on `clock`, whichever comes first.
    public func waitForChanges<C: Clock>(upTo timeout: Duration, on clock: C) async where C.Duration == Duration {
        await database.changeSignal.wait(upTo: timeout, on: clock)
    }

    /// Events with changes not yet synced, oldest change first.
    public func eventsWithPendingChanges(limit: Int = 20) async throws -> [String] {
        try await database.reader.raw("""
            SELECT event_id, MIN(seq) AS first FROM participant_changes WHERE processed_at IS NULL
            GROUP BY event_id ORDER BY first LIMIT \(bind: limit)
            """).all(decodingColumn: "event_id", as: String.self)
    }

    /// The event's oldest changes not yet synced, in order.
    public func pending(eventId: String, limit: Int) async throws -> PendingChanges {
        let rows = try await database.reader.select().columns("seq", "participant_id", "participant_version", "kind").from("participant_changes")
            .where("event_id", .equal, eventId).where("processed_at", .is, SQLLiteral.null).orderBy("seq").limit(limit).all()
        return PendingChanges(changes: try rows.map { row in
            ChangeRecord(seq: try row.decode(column: "seq", as: Int64.self), eventId: eventId,
                         participantId: try row.decode(column: "participant_id", as: String.self),
                         participantVersion: try row.decode(column: "participant_version", as: Int64.self),
                         kind: try row.decode(column: "kind", as: String.self))
        })
    }

    /// Sends people in error again (issue 29): a change is queued for each of the event's
    /// participants whose last sync failed (only `participantId`, when given), and the live sync
    /// takes them at once (the full path: matched again, never the check-in shortcut). Their error
    /// stays until a sync succeeds. Answers how many were queued.
    public func retryErrors(eventId: String, participantId: String? = nil) async throws -> Int {
        var select: SQLQueryString = """
            SELECT event_id, id, version, 'updated', \(bind: StoreTime.millis(now())) FROM participants
            WHERE event_id = \(bind: eventId) AND sf_error IS NOT NULL
            """
        if let participantId { select += " AND id = \(bind: participantId)" }
        let rows = try await database.writer.raw(
            "INSERT INTO participant_changes (event_id, participant_id, participant_version, kind, changed_at) " + select + " RETURNING seq"
        ).all()
        if !rows.isEmpty { Self.changesCommitted(in: database) }
        return rows.count
    }

    /// Marks the event's changes up to `seq` done.
    public func complete(eventId: String, upTo seq: Int64) async throws {
        try await database.writer.update("participant_changes").set("processed_at", to: StoreTime.millis(now()))
            .where("event_id", .equal, eventId).where("seq", .lessThanOrEqual, seq).where("processed_at", .is, SQLLiteral.null).run()
    }

    /// The event's live queue: changes waiting to be synced and how long the oldest has waited.
    public func queue(eventId: String) async throws -> (pending: Int, lagSeconds: Double) {
        let row = try await database.reader.raw("""
            SELECT COUNT(*) AS n, MIN(changed_at) AS oldest FROM participant_changes
            WHERE event_id = \(bind: eventId) AND processed_at IS NULL
            """).first()
        let pending = try row?.decode(column: "n", as: Int.self) ?? 0
        guard let oldest = try row?.decode(column: "oldest", as: Int64?.self) else { return (pending, 0) }
        return (pending, max(0, Double(StoreTime.millis(now()) - oldest) / 1000))
    }

    /// Seconds the oldest unsynced change of any event has waited (0 when none waits): the live sync's lag.
    public func oldestPendingAge() async throws -> Double {
        let oldest = try await database.reader.select().column(SQLFunction("MIN", args: SQLColumn("changed_at")), as: "oldest")
            .from("participant_changes").where("processed_at", .is, SQLLiteral.null).first(decodingColumn: "oldest", as: Int64?.self)
        guard let oldest = oldest ?? nil else { return 0 }
        return max(0, Double(StoreTime.millis(now()) - oldest) / 1000)
    }
}

/// One logged change.
public struct ChangeRecord: Sendable, Hashable {
    /// The change's place in the log, increasing across events; ``Outbox/complete(eventId:upTo:)`` takes one.
    public var seq: Int64
    /// The event of the participant changed.
    public var eventId: String
    /// The participant changed.
    public var participantId: String
    /// The participant's version after the change (1 for a creation).
    public var participantVersion: Int64
    /// `created` or `updated`: an ``Outbox/Kind`` raw value.
    public var kind: String
}

/// An event's changes waiting for the live sync, oldest first.
public struct PendingChanges: Sendable, Hashable {
    /// The changes, in log order.
    public var changes: [ChangeRecord]

    /// Whether no change is waiting.
    public var isEmpty: Bool { changes.isEmpty }
    /// The people they concern, each once, in the order of their first change.
    public var participantIds: [String] {
        var seen: Set<String> = []
        return changes.map(\.participantId).filter { seen.insert($0).inserted }
    }
    /// The last change read: completing up to it leaves later ones pending.
    public var upTo: Int64? { changes.last?.seq }
}

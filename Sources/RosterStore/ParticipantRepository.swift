import Foundation
import Logging
import RosterCore
import SQLKit

/// Stores participants. Every change also appends to the change log (`participant_changes`) in
/// the same transaction, so the live sync can never miss or invent a change.
public struct ParticipantRepository: Sendable {
    let database: RosterDatabase
    let ids: any IDGenerator
    let now: @Sendable () -> Date

    /// Participants in `database`; `ids` makes new participants' ids, `now` stamps their changes.
    public init(database: RosterDatabase, ids: any IDGenerator = UUIDv7Generator(), now: @escaping @Sendable () -> Date = Date.init) {
        self.database = database
        self.ids = ids
        self.now = now
    }

    /// Runs `body` in its own transaction and, once it committed, tells the live sync (``Outbox``).
    func writing<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let result = try await database.transaction(body)
        Outbox.changesCommitted(in: database)
        return result
    }

    /// What an upsert did.
    public enum UpsertOutcome: Sendable {
        case created(Participant)
        case updated(Participant)

        /// The participant as the upsert left it, in either case.
        public var participant: Participant {
            switch self { case .created(let p), .updated(let p): p }
        }
    }

    /// The upsert's steps inside a transaction the caller holds: a batch of one.
    public func upsert(into event: Event, _ draft: ParticipantDraft, on db: any SQLDatabase) async throws -> UpsertOutcome {
        try await upsertBatch(into: event, [draft], on: db)[0].get()
    }

    /// The update's steps inside a transaction the caller holds.
    public func update(in event: Event, participantId: String, _ draft: ParticipantDraft, on db: any SQLDatabase) async throws -> Participant {
        guard let (current, version) = try await find(eventId: event.id, id: participantId, on: db) else {
            throw StoreError.notFound("no participant \(participantId) in event \(event.id)")
        }
        let changes = try ParticipantRules.check(draft, schema: event.fields, isNew: false)
        do {
            return try await write(changes, over: current, version: version, on: db)
        } catch where error.isUniqueViolation {
            throw StoreError.conflict("another participant of this event already has the email \(draft.email ?? "")")
        }
    }

    /// The participant with this id in this event, or `nil`.
    public func find(eventId: String, id: String) async throws -> Participant? {
        try await participants(eventId: eventId, ids: [id]).first
    }

    /// The event's participant with this email (in any case), or `nil`.
    public func find(eventId: String, email: String) async throws -> Participant? {
        try await ParticipantRow.read("""
            SELECT \(unsafeRaw: ParticipantRow.columns.joined(separator: ", ")) FROM participants
            WHERE event_id = \(bind: eventId) AND email_key = \(bind: EmailAddress.normalized(email))
            """, on: database).first
    }

    /// The event's participants with these ids (those that exist), in one query.
    public func participants(eventId: String, ids: [String]) async throws -> [Participant] {
        guard !ids.isEmpty else { return [] }
        var sql: SQLQueryString = "SELECT \(unsafeRaw: ParticipantRow.columns.joined(separator: ", ")) FROM participants WHERE event_id = \(bind: eventId) AND id IN ("
        for (index, id) in ids.enumerated() { sql += index == 0 ? "\(bind: id)" : ", \(bind: id)" }
        sql += ")"
        return try await ParticipantRow.read(sql, on: database)
    }

    /// The participant and its version, read inside the write's own transaction `db` and locked
    /// until it ends (PostgreSQL): a concurrent update of the same person waits for this one.
    func find(eventId: String, id: String, on db: any SQLDatabase) async throws -> (Participant, Int64)? {
        try await db.select().columns(ParticipantRow.columns.map { SQLIdentifier($0) }).from("participants")
            .where("event_id", .equal, eventId).where("id", .equal, id).for(.update)
            .first().map(ParticipantRow.participant(from:))
    }

    /// A participant made from checked changes, with defaults for what the input left out.
    func new(in event: Event, _ changes: ParticipantChanges) -> Participant {
        let time = StoreTime.truncated(now())
        let blank = Participant(id: ids.next(), eventId: event.id, email: "", firstName: "", lastName: "", createdAt: time, updatedAt: time)
        return changes.applied(to: blank, at: time)
    }

    /// Writes `changes` over `current` unless they change nothing; logs the change.
    func write(_ changes: ParticipantChanges, over current: Participant, version: Int64, on db: any SQLDatabase) async throws -> Participant {
        try await save(changes.applied(to: current, at: StoreTime.truncated(now())), over: current, version: version, on: db)
    }

    /// Stores `next` in place of `current` (same id) unless nothing differs; logs the change.
    /// Optimistic: the row is written only if it is still at `version`, so an update another
    /// request or process made since it was read is never overwritten.
    ///
    /// - Throws: ``StoreError/versionConflict(_:)`` when the participant changed meanwhile.
    @discardableResult
    func save(_ next: Participant, over current: Participant, version: Int64, on db: any SQLDatabase) async throws -> Participant {
        guard next != current else { return current }
        var next = next
        next.updatedAt = max(StoreTime.truncated(now()), current.updatedAt)
        let keys = SearchKeys(next)
        let written = try await db.update("participants")
            .set("first_key", to: keys.firstName).set("last_key", to: keys.lastName).set("company_key", to: keys.company).set("domain_key", to: keys.domain)
            .set("email", to: next.email).set("email_key", to: next.normalizedEmail)
            .set("first_name", to: next.firstName).set("last_name", to: next.lastName)
            .set("company", to: next.company).set("job_title", to: next.jobTitle)
            .set("is_registered", to: next.isRegistered).set("has_attended", to: next.hasAttended)
            .set("checked_in_at", to: next.checkedInAt.map(StoreTime.millis))
            .set("allow_networking", to: next.allowNetworking)
            .set("fields_json", to: try ParticipantRow.encodeFields(next.fields))
            .set("version", to: version + 1)
            .set("updated_at", to: StoreTime.millis(next.updatedAt))
            .where("id", .equal, next.id)
            .where("version", .equal, version)
            .returning("id")
            .all()
        guard !written.isEmpty else {
            throw StoreError.versionConflict("the participant \(next.id) was changed by another request meanwhile; read it again and retry")
        }
        try await Outbox.append([(next, version + 1, .updated)], on: db)
        return next
    }

    /// New participants ready to insert: their rows and change-log rows as the one value each
    /// statement binds, made apart from the transaction (an import makes them ahead).
    struct PreparedInsert: Sendable {
        let participants: [Participant]
        let rows: String?
        let changes: String?
    }

    func prepareInsert(_ participants: [Participant]) throws -> PreparedInsert {
        PreparedInsert(participants: participants,
                       rows: ParticipantRow.bulkInsert.document(try participants.map { try ParticipantRow.bulkValues($0, version: 1) }),
                       changes: Outbox.document(participants.map { ($0, 1, .created) }))
    }

    /// Inserts new participants in one statement, and their change-log rows in another.
    func insert(_ prepared: PreparedInsert, on db: any SQLDatabase) async throws {
        guard !prepared.participants.isEmpty else { return }
        try await ParticipantRow.bulkInsert.run(document: prepared.rows, on: db)
        try await ParticipantCounters.added(prepared.participants.map { ($0.eventId, $0.salesforce.syncedAt != nil) }, on: db)
        try await Outbox.changeRows.run(document: prepared.changes, on: db)
    }
}

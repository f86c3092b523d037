import Foundation
import RosterCore
import SQLiteReader
import SQLKit

/// One input row of an import, numbered as the user sees it.
public struct ImportRow: Sendable {
    /// 1-based: the n-th JSON element, or the n-th data row of a file (the header is not counted).
    public var number: Int
    /// The row as a spreadsheet shows it (the header is row 1); `nil` for JSON.
    public var sheetRow: Int?
    /// The participant's fields as the row gives them.
    public var draft: ParticipantDraft

    /// Makes a row with the numbers the user sees.
    public init(number: Int, sheetRow: Int? = nil, draft: ParticipantDraft) {
        self.number = number
        self.sheetRow = sheetRow
        self.draft = draft
    }
}

/// A row an import refused, and why.
public struct RejectedRow: Sendable, Hashable {
    /// The row's number, as ``ImportRow/number`` counts.
    public var row: Int
    /// The row as a spreadsheet shows it, as ``ImportRow/sheetRow`` counts.
    public var sheetRow: Int?
    /// The field at fault, `nil` when the whole row is (an unreadable CSV row).
    public var field: String?
    /// Why the row was refused, in words for the user.
    public var error: String

    /// Makes a refused row.
    public init(row: Int, sheetRow: Int? = nil, field: String?, error: String) {
        self.row = row
        self.sheetRow = sheetRow
        self.field = field
        self.error = error
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    /// Rows that added a participant.
    public var created = 0
    /// Rows that matched a participant by email, whether or not anything changed.
    public var updated = 0
    /// The rows refused, with why; the others were imported.
    public var rejected: [RejectedRow] = []

    /// An empty summary.
    public init() {}

    /// Adds another chunk's counts and refused rows to these.
    public mutating func add(_ other: ImportSummary) {
        created += other.created
        updated += other.updated
        rejected += other.rejected
    }
}

extension ParticipantRepository {
    /// How many rows one import transaction holds: large enough that few commits are made, small
    /// enough that the emails they look up stay under SQLite's and PostgreSQL's bind limits and
    /// that the chunk read ahead stays small.
    public static let importChunkSize = 2000

    /// Imports rows of any number, ``importChunkSize`` to a transaction.
    public func importRows(into event: Event, _ rows: [ImportRow]) async throws -> ImportSummary {
        var summary = ImportSummary()
        for start in stride(from: 0, to: rows.count, by: Self.importChunkSize) {
            summary.add(try await importChunk(into: event, Array(rows[start..<min(start + Self.importChunkSize, rows.count)])))
        }
        return summary
    }

    /// Imports one chunk of rows in one transaction: each row creates or updates by email; a bad
    /// row is rejected on its own and never drops the others.
    public func importChunk(into event: Event, _ rows: [ImportRow]) async throws -> ImportSummary {
        try await importChunk(plan(into: event, rows))
    }

    /// A chunk of an import planned ahead of its transaction, from what was stored when it was
    /// read: the transaction takes the plan as it is when nobody changed those people meanwhile
    /// (the usual case), so planning the next chunk overlaps with writing this one.
    public struct PlannedChunk: Sendable {
        /// The event the rows go to.
        public let event: Event
        /// The rows, in order.
        public let rows: [ImportRow]
        fileprivate let stored: People
        fileprivate let plan: Plan
        /// The plan's new participants, ready to insert.
        fileprivate let insertion: PreparedInsert

        /// What each row would do (a preview's answer): created or updated, or why refused.
        public var outcomes: [Result<UpsertOutcome, ValidationFailure>] { plan.outcomes }
    }

    /// Plans a chunk from what is stored now (read on the read connections, nothing locked or
    /// written): what importing it would do.
    public func plan(into event: Event, _ rows: [ImportRow]) async throws -> PlannedChunk {
        let drafts = rows.map(\.draft)
        // This read is part of a write: in the foreground lane, not below the writes (at nice
        // 19, while the chunk before is being written, it waited behind the very import it serves).
        let stored = try await ReadLane.$current.withValue(.foreground) {
            try await storedPeople(Self.keys(of: drafts), in: event, on: database.reader, locking: false)
        }
        let plan = plan(drafts, into: event, stored: stored)
        return PlannedChunk(event: event, rows: rows, stored: stored, plan: plan, insertion: try prepareInsert(Self.created(by: plan)))
    }

    /// Imports a planned chunk in one transaction, planned again if its people changed since.
    public func importChunk(_ planned: PlannedChunk) async throws -> ImportSummary {
        for attempt in 1...ParticipantWriter.raceAttempts {
            do {
                return try await writing { db in
                    let outcomes = try await upsertBatch(into: planned.event, planned.rows.map(\.draft), on: db,
                                                         planned: (planned.stored, planned.plan, planned.insertion))
                    var summary = ImportSummary()
                    for (row, outcome) in zip(planned.rows, outcomes) {
                        switch outcome {
                        case .success(.created): summary.created += 1
                        case .success(.updated): summary.updated += 1
                        case .failure(let failure):
                            summary.rejected.append(RejectedRow(row: row.number, sheetRow: row.sheetRow, field: failure.issues.first?.field, error: failure.description))
                        }
                    }
                    return summary
                }
            } catch where error.isRace && attempt < ParticipantWriter.raceAttempts {
                continue // another request created or changed one of these people meanwhile: read again
            }
        }
        throw StoreError.conflict("participants of this import were changed by another request; send the import again")
    }

    /// Upserts many drafts in a transaction the caller holds, in bulk: one query reads every
    /// participant the drafts name, one statement inserts the new ones, one logs the changes.
    /// Drafts apply in order, so a second draft for the same email updates the first.
    ///
    /// - Returns: each draft's outcome, in order; a refused draft writes nothing.
    public func upsertBatch(into event: Event, _ drafts: [ParticipantDraft], on db: any SQLDatabase) async throws -> [Result<UpsertOutcome, ValidationFailure>] {
        try await upsertBatch(into: event, drafts, on: db, planned: nil)
    }

    /// ``upsertBatch(into:_:on:)`` with a plan made ahead, from what was stored then: taken as
    /// it is when the same people are stored at the same versions now.
    private func upsertBatch(into event: Event, _ drafts: [ParticipantDraft], on db: any SQLDatabase,
                             planned: (stored: People, plan: Plan, insertion: PreparedInsert)?) async throws -> [Result<UpsertOutcome, ValidationFailure>] {
        // Locked until the transaction ends (PostgreSQL; SQLite's writer is alone anyway), in id
        // order: another process upserting the same people waits, then reads what this wrote.
        let stored = try await storedPeople(Self.keys(of: drafts), in: event, on: db, locking: true)
        let plan: Plan, insertion: PreparedInsert
        if let planned, Self.sameVersions(planned.stored, stored) {
            (plan, insertion) = (planned.plan, planned.insertion)
        } else {
            plan = self.plan(drafts, into: event, stored: stored)
            insertion = try prepareInsert(Self.created(by: plan))
        }
        try await insert(insertion, on: db)
        for (_, person) in plan.people.sorted(by: { $0.key < $1.key }) {
            if let (stored, version) = person.stored { try await save(person.current, over: stored, version: version, on: db) }
        }
        return plan.outcomes
    }

    /// Each email's state as a batch goes: what is stored (nil for a new person) and where it stands now.
    typealias People = [String: (stored: (Participant, Int64)?, current: Participant)]

    /// What drafts do to the people they name: each draft's outcome, the emails of the people it
    /// creates (in order), and where every person ends.
    typealias Plan = (outcomes: [Result<UpsertOutcome, ValidationFailure>], created: [String], people: People)

    /// The people a plan creates, in order.
    static func created(by plan: Plan) -> [Participant] { plan.created.compactMap { plan.people[$0]?.current } }

    /// The same people, at the same versions.
    static func sameVersions(_ before: People, _ now: People) -> Bool {
        before.count == now.count && before.allSatisfy { key, person in
            guard let current = now[key] else { return false }
            return person.stored?.0.id == current.stored?.0.id && person.stored?.1 == current.stored?.1
        }
    }

    /// What drafts do to the people they name, given what is stored.
    func plan(_ drafts: [ParticipantDraft], into event: Event, stored: People) -> Plan {
        var people = stored
        var created: [String] = []
        var outcomes: [Result<UpsertOutcome, ValidationFailure>] = []
        outcomes.reserveCapacity(drafts.count)
        let time = StoreTime.truncated(now())
        for draft in drafts {
            let key = draft.email.map(EmailAddress.normalized) ?? ""
            let person = key.isEmpty ? nil : people[key]
            switch Result(catching: { () throws(ValidationFailure) in try ParticipantRules.check(draft, schema: event.fields, isNew: person == nil) }) {
            case .success(let changes):
                if let person {
                    var next = changes.applied(to: person.current, at: time)
                    if next != person.current { next.updatedAt = max(time, person.current.updatedAt) }
                    people[key] = (person.stored, next)
                    outcomes.append(.success(.updated(next)))
                } else {
                    let new = new(in: event, changes)
                    people[key] = (nil, new)
                    created.append(key)
                    outcomes.append(.success(.created(new)))
                }
            case .failure(let failure):
                outcomes.append(.failure(failure))
            }
        }
        return (outcomes, created, people)
    }

    private static func keys(of drafts: [ParticipantDraft]) -> [String] {
        Array(Set(drafts.compactMap { $0.email.map(EmailAddress.normalized) }.filter { !$0.isEmpty }))
    }

    /// The stored participants with these email keys, with their versions; `locking` holds them
    /// until the transaction of `db` ends (PostgreSQL).
    private func storedPeople(_ keys: [String], in event: Event, on db: any SQLDatabase, locking: Bool) async throws -> People {
        guard !keys.isEmpty else { return [:] }
        var query = db.select().columns(ParticipantRow.columns.map { SQLIdentifier($0) }).from("participants")
            .where("event_id", .equal, event.id).where("email_key", .in, keys)
        // PostgreSQL locks the rows in id order, so two processes upserting the same people never
        // deadlock. SQLite has one writer; ordered by id it would walk the whole event by the
        // (event_id, id) index instead of finding the emails by the (event_id, email_key) one.
        if locking, db.dialect.name != "sqlite" { query = query.orderBy("id").for(.update) }
        var people: People = [:]
        for stored in try await query.all().map(ParticipantRow.participant(from:)) { people[stored.0.normalizedEmail] = (stored, stored.0) }
        return people
    }
}

import Foundation
import RosterCore
import SQLKit

/// One input row of an import, numbered as the user sees it.
public struct ImportRow: Sendable {
    /// 1-based: the n-th JSON element, or the n-th CSV data row (the header is not counted).
    public var number: Int
    public var draft: ParticipantDraft

    public init(number: Int, draft: ParticipantDraft) {
        self.number = number
        self.draft = draft
    }
}

/// A row an import refused, and why.
public struct RejectedRow: Sendable, Hashable {
    public var row: Int
    public var field: String?
    public var error: String

    public init(row: Int, field: String?, error: String) {
        self.row = row
        self.field = field
        self.error = error
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    public var created = 0
    public var updated = 0
    public var rejected: [RejectedRow] = []

    public init() {}

    public mutating func add(_ other: ImportSummary) {
        created += other.created
        updated += other.updated
        rejected += other.rejected
    }
}

extension ParticipantRepository {
    /// How many rows one import transaction holds: large enough that 100,000 rows take seconds,
    /// small enough that binds stay under SQLite's and PostgreSQL's limits.
    public static let importChunkSize = 500

    /// Imports one chunk of rows in one transaction: each row creates or updates by email; a bad
    /// row is rejected on its own and never drops the others.
    public func importChunk(into event: Event, _ rows: [ImportRow]) async throws -> ImportSummary {
        for attempt in 1...2 {
            do {
                return try await database.transaction { db in try await self.importChunk(event, rows, on: db) }
            } catch where error.isUniqueViolation && attempt == 1 {
                continue // another request created one of these emails meanwhile: read again
            }
        }
        throw StoreError.conflict("participants of this import were changed by another request; send the import again")
    }

    private func importChunk(_ event: Event, _ rows: [ImportRow], on db: any SQLDatabase) async throws -> ImportSummary {
        var summary = ImportSummary()
        // Each email's state as the chunk goes: what is stored (nil for a new person) and where it stands now.
        var people: [String: (stored: (Participant, Int64)?, current: Participant)] = [:]
        let keys = Set(rows.compactMap { $0.draft.email.map(EmailAddress.normalized) }.filter { !$0.isEmpty })
        if !keys.isEmpty {
            let existing = try await db.select().columns(ParticipantRow.columns.map { SQLIdentifier($0) }).from("participants")
                .where("event_id", .equal, event.id).where("email_key", .in, Array(keys))
                .all().map(ParticipantRow.participant(from:))
            for stored in existing { people[stored.0.normalizedEmail] = (stored, stored.0) }
        }
        var newKeys: [String] = []
        for row in rows {
            let key = row.draft.email.map(EmailAddress.normalized) ?? ""
            let person = key.isEmpty ? nil : people[key]
            switch Result(catching: { () throws(ValidationFailure) in try ParticipantRules.check(row.draft, schema: event.fields, isNew: person == nil) }) {
            case .success(let changes):
                if let person {
                    people[key] = (person.stored, changes.applied(to: person.current))
                    summary.updated += 1
                } else {
                    people[key] = (nil, new(in: event, changes))
                    newKeys.append(key)
                    summary.created += 1
                }
            case .failure(let failure):
                summary.rejected.append(RejectedRow(row: row.number, field: failure.issues.first?.field, error: failure.description))
            }
        }
        try await insert(newKeys.compactMap { people[$0]?.current }, on: db)
        for (_, person) in people.sorted(by: { $0.key < $1.key }) {
            if let (stored, version) = person.stored { try await save(person.current, over: stored, version: version, on: db) }
        }
        return summary
    }
}

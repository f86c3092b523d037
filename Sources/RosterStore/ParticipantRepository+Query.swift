import Foundation
import RosterCore
import SQLKit

/// One page of participants.
public struct ParticipantPage: Sendable {
    public var items: [Participant]
    /// How many participants match the filter, across all pages.
    public var total: Int
    /// The id after which the next page starts; `nil` on the last page.
    public var nextAfter: String?
}

extension ParticipantRepository {
    /// A page of an event's participants in creation order (ids are time-ordered), starting after
    /// the id `after`. Keyset paging: a participant added while a client pages never makes another
    /// appear twice or be skipped.
    ///
    /// - Parameter synced: `true` only synced people (S4: "sync date is not empty"), `false` only the others.
    public func page(eventId: String, synced: Bool?, limit: Int, after: String?) async throws -> ParticipantPage {
        func filtered<Builder: SQLPredicateBuilder>(_ query: Builder) -> Builder {
            query.where("event_id", .equal, eventId)
            switch synced {
            case true?: query.where("sf_synced_at", .isNot, SQLLiteral.null)
            case false?: query.where("sf_synced_at", .is, SQLLiteral.null)
            case nil: break
            }
            return query
        }
        let select = filtered(database.sql.select().columns(ParticipantRow.columns.map { SQLIdentifier($0) }).from("participants"))
        if let after { select.where("id", .greaterThan, after) }
        let rows = try await select.orderBy("id").limit(limit + 1).all().map { try ParticipantRow.participant(from: $0).0 }
        let total = try await filtered(database.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("participants"))
            .first(decodingColumn: "n", as: Int.self) ?? 0
        let items = Array(rows.prefix(limit))
        return ParticipantPage(items: items, total: total, nextAfter: rows.count > limit ? items.last?.id : nil)
    }

    /// Up to `limit` participants of the event created after the id `after`, in creation order:
    /// the building block of exports, so 100,000 people never sit in memory at once.
    public func batch(eventId: String, after: String?, limit: Int) async throws -> [Participant] {
        let select = database.sql.select().columns(ParticipantRow.columns.map { SQLIdentifier($0) }).from("participants")
            .where("event_id", .equal, eventId)
        if let after { select.where("id", .greaterThan, after) }
        return try await select.orderBy("id").limit(limit).all().map { try ParticipantRow.participant(from: $0).0 }
    }

    /// How many participants the event has.
    public func count(eventId: String) async throws -> Int {
        try await database.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("participants")
            .where("event_id", .equal, eventId).first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

/// One change-log row, as the live sync will read it.
public struct ChangeRecord: Sendable, Hashable {
    public var seq: Int64
    public var eventId: String
    public var participantId: String
    public var participantVersion: Int64
    public var kind: String
}

extension ChangeLog {
    /// The oldest unprocessed changes, in order.
    public static func pending(in database: RosterDatabase, limit: Int = 1000) async throws -> [ChangeRecord] {
        try await database.sql.select().columns("seq", "event_id", "participant_id", "participant_version", "kind")
            .from("participant_changes").where("processed_at", .is, SQLLiteral.null)
            .orderBy("seq").limit(limit).all()
            .map {
                ChangeRecord(
                    seq: try $0.decode(column: "seq", as: Int64.self),
                    eventId: try $0.decode(column: "event_id", as: String.self),
                    participantId: try $0.decode(column: "participant_id", as: String.self),
                    participantVersion: try $0.decode(column: "participant_version", as: Int64.self),
                    kind: try $0.decode(column: "kind", as: String.self)
                )
            }
    }
}

/// How far an event's sync has come.
public struct SyncCounts: Sendable, Hashable {
    public var total: Int
    /// Never synced, or changed since their last sync.
    public var pending: Int
    /// With a campaign member Id.
    public var members: Int
}

extension ParticipantRepository {
    /// Counts for the sync-cost estimate, in one pass over the event.
    public func syncCounts(eventId: String) async throws -> SyncCounts {
        let row = try await database.sql.raw("""
            SELECT COUNT(*) AS total,
                   SUM(CASE WHEN sf_synced_at IS NULL OR updated_at > sf_synced_at THEN 1 ELSE 0 END) AS pending,
                   SUM(CASE WHEN sf_campaign_member_id IS NOT NULL THEN 1 ELSE 0 END) AS members
            FROM participants WHERE event_id = \(bind: eventId)
            """).first()
        return SyncCounts(
            total: try row?.decode(column: "total", as: Int?.self) ?? 0,
            pending: try row?.decode(column: "pending", as: Int?.self) ?? 0,
            members: try row?.decode(column: "members", as: Int?.self) ?? 0
        )
    }
}

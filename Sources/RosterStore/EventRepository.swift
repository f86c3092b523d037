import Foundation
import RosterCore
import SQLKit

/// Stores events and their participant schemas.
public struct EventRepository: Sendable {
    let database: RosterDatabase

    /// Events in `database`.
    public init(database: RosterDatabase) { self.database = database }

    /// Whether any of the event's participants has been synced (kept by the writes, one row read).
    public func hasSynced(eventId: String) async throws -> Bool {
        let synced = try await database.reader.select().column("synced").from("event_participant_counts")
            .where("event_id", .equal, eventId).first(decodingColumn: "synced", as: Int.self)
        return (synced ?? 0) > 0
    }

    /// Stores a new event.
    public func create(_ event: Event) async throws {
        try await database.writer.insert(into: "events")
            .columns("id", "name", "starts_at", "ends_at", "time_zone", "fields_json", "created_at")
            .values(
                SQLBind(event.id), SQLBind(event.name),
                SQLBind(event.startsAt.map(StoreTime.millis)), SQLBind(event.endsAt.map(StoreTime.millis)), SQLBind(event.timeZone),
                SQLBind(try StoreJSON.encode(event.fields)), SQLBind(StoreTime.millis(event.createdAt))
            )
            .run()
    }

    /// Changes the event in one transaction: `change` is given the event as stored (its row
    /// locked on PostgreSQL; SQLite's writer is alone anyway) and answers what it becomes, so two
    /// edits of different properties both land; the participants' use of the fields must allow
    /// the new schema (``Event/conflicts(replacing:with:usage:)``).
    ///
    /// - Returns: the event as stored now.
    /// - Throws: what `change` throws (a ``ValidationFailure``); ``EventEditConflict`` when
    ///   participants hold values the change would break; ``StoreError/notFound(_:)``.
    public func update(id: String, _ change: @escaping @Sendable (Event) throws -> Event) async throws -> Event {
        let dialect = database.dialect
        return try await database.transaction { db in
            var read = db.select().column("*").from("events").where("id", .equal, id)
            if dialect == .postgres { read = read.for(.update) }
            guard let current = try await read.first().map(Self.event(from:)) else { throw StoreError.notFound("no event with id '\(id)'") }
            let event = try change(current)
            // Only the fields the rule could refuse were every participant to use them at full
            // length are counted (a pass over the event each).
            let everyoneEverything = FieldUsage(participants: 1, longest: Int.max)
            let touched = Set(Event.conflicts(replacing: current.fields, with: event.fields,
                                              usage: Dictionary(uniqueKeysWithValues: current.fields.map { ($0.code, everyoneEverything) })).map(\.field))
            var usage: [String: FieldUsage] = [:]
            for code in touched { usage[code] = try await Self.usage(of: code, eventId: id, dialect: dialect, on: db) }
            let conflicts = Event.conflicts(replacing: current.fields, with: event.fields, usage: usage)
            guard conflicts.isEmpty else { throw EventEditConflict(conflicts) }
            try await db.update("events")
                .set("name", to: event.name).set("starts_at", to: event.startsAt.map(StoreTime.millis))
                .set("ends_at", to: event.endsAt.map(StoreTime.millis)).set("time_zone", to: event.timeZone)
                .set("fields_json", to: try StoreJSON.encode(event.fields))
                .where("id", .equal, id).run()
            return event
        }
    }

    /// How many of the event's participants hold a value for the field, and the longest text.
    static func usage(of code: String, eventId: String, dialect: StoreDialect, on db: any SQLDatabase) async throws -> FieldUsage {
        let query: SQLQueryString
        switch dialect {
        case .sqlite:
            let path = "$.\"\(code)\""
            query = """
                SELECT COUNT(*) AS n, COALESCE(MAX(CASE WHEN json_type(fields_json, \(bind: path)) = 'text'
                    THEN length(json_extract(fields_json, \(bind: path))) ELSE 0 END), 0) AS longest
                FROM participants WHERE event_id = \(bind: eventId) AND json_type(fields_json, \(bind: path)) IS NOT NULL
                """
        case .postgres:
            query = """
                SELECT COUNT(*) AS n, COALESCE(MAX(CASE WHEN jsonb_typeof(fields_json::jsonb -> \(bind: code)) = 'string'
                    THEN length(fields_json::jsonb ->> \(bind: code)) ELSE 0 END), 0) AS longest
                FROM participants WHERE event_id = \(bind: eventId) AND jsonb_exists(fields_json::jsonb, \(bind: code))
                """
        }
        guard let row = try await db.raw(query).first() else { return FieldUsage(participants: 0, longest: 0) }
        return FieldUsage(participants: try row.decode(column: "n", as: Int.self), longest: try row.decode(column: "longest", as: Int.self))
    }

    /// The event with this id, or `nil`.
    public func find(id: String) async throws -> Event? {
        try await database.reader.select().column("*").from("events").where("id", .equal, id).first().map(Self.event(from:))
    }

    /// Every event, newest first.
    public func all() async throws -> [Event] {
        try await database.reader.select().column("*").from("events").orderBy("created_at", .descending).orderBy("id", .descending)
            .all().map(Self.event(from:))
    }

    /// The events over at `time` (an end at or before it) that no run started by `runner` has
    /// been queued for, soonest ended first: where the no-show pass may be due, in one read
    /// rather than one per event.
    public func endedWithoutRun(startedBy runner: String, at time: Date) async throws -> [Event] {
        try await database.reader.raw("""
            SELECT e.* FROM events e WHERE e.ends_at IS NOT NULL AND e.ends_at <= \(bind: StoreTime.millis(time))
            AND NOT EXISTS (SELECT 1 FROM salesforce_sync_runs r WHERE r.event_id = e.id AND r.started_by = \(bind: runner))
            ORDER BY e.ends_at, e.id
            """).all().map(Self.event(from:))
    }

    /// How many participants each event has, by event id.
    public func participantCounts() async throws -> [String: Int] {
        // The kept counts (ParticipantCounters): one row an event.
        let rows = try await database.reader.select().columns("event_id", "participants").from("event_participant_counts").all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "event_id", as: String.self)] = try row.decode(column: "participants", as: Int.self) }
        return counts
    }

    static func event(from row: any SQLRow) throws -> Event {
        Event(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            startsAt: try row.decode(column: "starts_at", as: Int64?.self).map(StoreTime.date),
            endsAt: try row.decode(column: "ends_at", as: Int64?.self).map(StoreTime.date),
            timeZone: try row.decode(column: "time_zone", as: String?.self),
            fields: try StoreJSON.decode([FieldDefinition].self, from: row.decode(column: "fields_json", as: String.self)),
            createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self))
        )
    }
}

/// JSON columns: compact, keys sorted so equal values store equal text.
enum StoreJSON {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(text.utf8)) }
        catch { throw StoreError.corrupt("a stored JSON column could not be read: \(error)") }
    }

}

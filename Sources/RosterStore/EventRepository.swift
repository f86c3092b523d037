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
            .columns("id", "name", "starts_at", "ends_at", "fields_json", "created_at")
            .values(
                SQLBind(event.id), SQLBind(event.name),
                SQLBind(event.startsAt.map(StoreTime.millis)), SQLBind(event.endsAt.map(StoreTime.millis)),
                SQLBind(try StoreJSON.encode(event.fields)), SQLBind(StoreTime.millis(event.createdAt))
            )
            .run()
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

import Foundation
import RosterCore
import SQLKit

/// One import an event received, as its history shows it.
public struct ImportRecord: Sendable, Hashable {
    /// When the import ended.
    public var at: Date
    /// Who sent it: the API token's name or the signed-in user's email; `nil` when unknown.
    public var by: String?
    /// The file's name as the sender gave it, if it did.
    public var fileName: String?
    /// `csv`, `xlsx` or `json`.
    public var format: String
    /// The character set a CSV file was read in (`utf-8`, `windows-1252`…); `nil` for other formats.
    public var encoding: String?
    /// Participants created.
    public var created: Int
    /// Participants updated (matched by email).
    public var updated: Int
    /// Rows refused.
    public var rejected: Int
    /// `false` when the import stopped before the end of the file (body or row limit, an unreadable part).
    public var complete: Bool
    /// The first row not imported, when it stopped early.
    public var stoppedAtRow: Int?

    /// Makes a record.
    public init(at: Date, by: String?, fileName: String?, format: String, encoding: String?, created: Int, updated: Int,
                rejected: Int, complete: Bool, stoppedAtRow: Int?) {
        self.at = at
        self.by = by
        self.fileName = fileName
        self.format = format
        self.encoding = encoding
        self.created = created
        self.updated = updated
        self.rejected = rejected
        self.complete = complete
        self.stoppedAtRow = stoppedAtRow
    }
}

/// The imports each event received: the last ``kept`` per event.
public struct ImportHistory: Sendable {
    /// How many imports an event's history keeps.
    public static let kept = 50

    let database: RosterDatabase
    let ids: any IDGenerator

    /// Imports in `database`; `ids` makes their row ids.
    public init(database: RosterDatabase, ids: any IDGenerator = UUIDv7Generator()) {
        self.database = database
        self.ids = ids
    }

    /// Records an import, and forgets the event's imports past the last ``kept``.
    public func record(_ record: ImportRecord, eventId: String) async throws {
        try await database.transaction { db in
            try await db.insert(into: "participant_imports")
                .columns("id", "event_id", "at", "by_name", "file_name", "format", "encoding", "created", "updated", "rejected", "complete", "stopped_at_row")
                .values(SQLBind(ids.next()), SQLBind(eventId), SQLBind(StoreTime.millis(record.at)), SQLBind(record.by), SQLBind(record.fileName),
                        SQLBind(record.format), SQLBind(record.encoding), SQLBind(record.created), SQLBind(record.updated),
                        SQLBind(record.rejected), SQLBind(record.complete), SQLBind(record.stoppedAtRow))
                .run()
            try await db.raw("""
                DELETE FROM participant_imports WHERE event_id = \(bind: eventId) AND id NOT IN
                (SELECT id FROM participant_imports WHERE event_id = \(bind: eventId) ORDER BY at DESC, id DESC LIMIT \(unsafeRaw: String(Self.kept)))
                """).run()
        }
    }

    /// The event's last imports, newest first.
    public func recent(eventId: String) async throws -> [ImportRecord] {
        try await database.reader.raw("""
            SELECT at, by_name, file_name, format, encoding, created, updated, rejected, complete, stopped_at_row
            FROM participant_imports WHERE event_id = \(bind: eventId) ORDER BY at DESC, id DESC LIMIT \(unsafeRaw: String(Self.kept))
            """).all().map { row in
            ImportRecord(
                at: StoreTime.date(try row.decode(column: "at", as: Int64.self)), by: try row.decode(column: "by_name", as: String?.self),
                fileName: try row.decode(column: "file_name", as: String?.self), format: try row.decode(column: "format", as: String.self),
                encoding: try row.decode(column: "encoding", as: String?.self), created: try row.decode(column: "created", as: Int.self),
                updated: try row.decode(column: "updated", as: Int.self), rejected: try row.decode(column: "rejected", as: Int.self),
                complete: try row.decode(column: "complete", as: Bool.self), stoppedAtRow: try row.decode(column: "stopped_at_row", as: Int?.self))
        }
    }
}

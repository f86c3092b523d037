import Foundation
import RosterCore
import SQLiteKit
import SQLKit

/// How participants map to the `participants` table.
enum ParticipantRow {
    static let columns = [
        "id", "event_id", "email", "email_key", "first_name", "last_name", "company", "job_title",
        "is_registered", "has_attended", "allow_networking", "fields_json", "version", "created_at", "updated_at",
        "sf_synced_at", "sf_contact_id", "sf_lead_id", "sf_campaign_member_id", "sf_error", "sf_hash",
    ]

    /// The values of ``columns`` for a participant, in order.
    static func values(_ p: Participant, version: Int64) throws -> [any SQLExpression] {
        [
            SQLBind(p.id), SQLBind(p.eventId), SQLBind(p.email), SQLBind(p.normalizedEmail),
            SQLBind(p.firstName), SQLBind(p.lastName), SQLBind(p.company), SQLBind(p.jobTitle),
            SQLBind(p.isRegistered), SQLBind(p.hasAttended), SQLBind(p.allowNetworking),
            SQLBind(try encodeFields(p.fields)), SQLBind(version),
            SQLBind(StoreTime.millis(p.createdAt)), SQLBind(StoreTime.millis(p.updatedAt)),
            SQLBind(p.salesforce.syncedAt.map(StoreTime.millis)), SQLBind(p.salesforce.contactId),
            SQLBind(p.salesforce.leadId), SQLBind(p.salesforce.campaignMemberId), SQLBind(p.salesforce.error),
            SQLBind(p.salesforce.dataHash),
        ]
    }

    static func participant(from row: any SQLRow) throws -> (Participant, version: Int64) {
        try participant(columns: SQLKitColumns(row: row))
    }

    static func participant(columns row: some ColumnValues) throws -> (Participant, version: Int64) {
        let participant = Participant(
            id: try row.string("id"),
            eventId: try row.string("event_id"),
            email: try row.string("email"),
            firstName: try row.string("first_name"),
            lastName: try row.string("last_name"),
            company: try row.string("company"),
            jobTitle: try row.string("job_title"),
            isRegistered: try row.bool("is_registered"),
            hasAttended: try row.bool("has_attended"),
            allowNetworking: try row.bool("allow_networking"),
            fields: try decodeFields(row.string("fields_json")),
            createdAt: StoreTime.date(try row.integer("created_at")),
            updatedAt: StoreTime.date(try row.integer("updated_at")),
            salesforce: SalesforceState(
                syncedAt: try row.optionalInteger("sf_synced_at").map(StoreTime.date),
                contactId: try row.optionalString("sf_contact_id"),
                leadId: try row.optionalString("sf_lead_id"),
                campaignMemberId: try row.optionalString("sf_campaign_member_id"),
                error: try row.optionalString("sf_error"),
                dataHash: try row.optionalString("sf_hash")
            )
        )
        return (participant, try row.integer("version"))
    }

    /// The participants `query` selects (``columns``), read on the read connections. On SQLite
    /// the rows are SQLite's own, read value by value: SQLKit's rows decode each value through
    /// `Decodable` and a dynamic cast, 15 % of the server's CPU when 8 readers page the grid.
    static func read(_ query: SQLQueryString, on database: RosterDatabase) async throws -> [Participant] {
        guard let sqlite = database.sqliteReader else {
            return try await database.reader.raw(query).all().map { try participant(from: $0).0 }
        }
        let (sql, binds) = database.reader.serialize(query)
        let encoder = SQLiteDataEncoder()
        // `columns:`, not `from:`: SQLiteRow also has a deprecated SQLKit conformance.
        return try await sqlite.rows(sql, binds.map { try encoder.encode($0) }) { try participant(columns: $0).0 }
    }

    /// Field values as JSON; dates are tagged (`{"$date": "2026-03-01"}`) so they read back as dates, not text.
    static func encodeFields(_ fields: [String: FieldValue]) throws -> String {
        if fields.isEmpty { return "{}" }
        return try StoreJSON.encode(fields.mapValues(StoredFieldValue.init))
    }

    static func decodeFields(_ text: String) throws -> [String: FieldValue] {
        // Most participants of a big event have no custom field: no decoder for them.
        if text == "{}" { return [:] }
        return try StoreJSON.decode([String: StoredFieldValue].self, from: text).mapValues(\.value)
    }
}

/// A ``FieldValue`` as it is kept in a JSON column.
struct StoredFieldValue: Codable {
    let value: FieldValue

    init(_ value: FieldValue) { self.value = value }

    private struct TaggedDate: Codable {
        let date: String
        enum CodingKeys: String, CodingKey { case date = "$date" }
    }

    init(from decoder: any Decoder) throws {
        if let tagged = try? TaggedDate(from: decoder) { value = .date(tagged.date) }
        else { value = try FieldValue(from: decoder) }
    }

    func encode(to encoder: any Encoder) throws {
        if case .date(let day) = value { try TaggedDate(date: day).encode(to: encoder) }
        else { try value.encode(to: encoder) }
    }
}

import Foundation
import RosterCore
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
        let participant = Participant(
            id: try row.decode(column: "id", as: String.self),
            eventId: try row.decode(column: "event_id", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            firstName: try row.decode(column: "first_name", as: String.self),
            lastName: try row.decode(column: "last_name", as: String.self),
            company: try row.decode(column: "company", as: String.self),
            jobTitle: try row.decode(column: "job_title", as: String.self),
            isRegistered: try row.decode(column: "is_registered", as: Bool.self),
            hasAttended: try row.decode(column: "has_attended", as: Bool.self),
            allowNetworking: try row.decode(column: "allow_networking", as: Bool.self),
            fields: try decodeFields(row.decode(column: "fields_json", as: String.self)),
            createdAt: StoreTime.date(try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: StoreTime.date(try row.decode(column: "updated_at", as: Int64.self)),
            salesforce: SalesforceState(
                syncedAt: try optional(row, "sf_synced_at", as: Int64.self).map(StoreTime.date),
                contactId: try optional(row, "sf_contact_id", as: String.self),
                leadId: try optional(row, "sf_lead_id", as: String.self),
                campaignMemberId: try optional(row, "sf_campaign_member_id", as: String.self),
                error: try optional(row, "sf_error", as: String.self),
                dataHash: try optional(row, "sf_hash", as: String.self)
            )
        )
        return (participant, try row.decode(column: "version", as: Int64.self))
    }

    /// A nullable column. Asking for `T?` sends SQLite's decoder through a nested `Decoder` per
    /// value (six per row, most of them null); asking whether it is null, then for a `T`, does not.
    private static func optional<T: Decodable>(_ row: any SQLRow, _ column: String, as type: T.Type) throws -> T? {
        try row.decodeNil(column: column) ? nil : row.decode(column: column, as: type)
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

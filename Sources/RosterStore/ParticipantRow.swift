import Foundation
import RosterCore
import SQLiteKit
import SQLKit

/// How participants map to the `participants` table.
enum ParticipantRow {
    static let columns = Column.allCases.map(\.name)

    /// The columns a participant is read from, in the order of ``columns``.
    enum Column: Int32, CaseIterable {
        case id, eventId, email, emailKey, firstName, lastName, company, jobTitle
        case isRegistered, hasAttended, allowNetworking, fieldsJSON, version, createdAt, updatedAt
        case syncedAt, contactId, leadId, campaignMemberId, syncError, syncHash, checkedInAt

        var name: String {
            switch self {
            case .id: "id"
            case .eventId: "event_id"
            case .email: "email"
            case .emailKey: "email_key"
            case .firstName: "first_name"
            case .lastName: "last_name"
            case .company: "company"
            case .jobTitle: "job_title"
            case .isRegistered: "is_registered"
            case .hasAttended: "has_attended"
            case .allowNetworking: "allow_networking"
            case .fieldsJSON: "fields_json"
            case .version: "version"
            case .createdAt: "created_at"
            case .updatedAt: "updated_at"
            case .syncedAt: "sf_synced_at"
            case .contactId: "sf_contact_id"
            case .leadId: "sf_lead_id"
            case .campaignMemberId: "sf_campaign_member_id"
            case .syncError: "sf_error"
            case .syncHash: "sf_hash"
            case .checkedInAt: "checked_in_at"
            }
        }
    }

    /// The participants table's columns for ``BulkInsert``: those of ``columns``, in order, then
    /// the ``SearchKeys`` (written, never read back).
    static let bulkInsert = BulkInsert(table: "participants", columns: Column.allCases.map { column in
        switch column {
        case .isRegistered, .hasAttended, .allowNetworking: (column.name, .boolean)
        case .version, .createdAt, .updatedAt, .syncedAt, .checkedInAt: (column.name, .integer)
        default: (column.name, .text)
        }
    } + SearchKeys.columns.map { ($0, .text) })

    /// A participant's values for ``bulkInsert``, in its columns' order.
    static func bulkValues(_ p: Participant, version: Int64) throws -> [BulkInsert.Value] {
        try rowValues(p, version: version) + SearchKeys(p).values.map { .text($0) }
    }

    private static func rowValues(_ p: Participant, version: Int64) throws -> [BulkInsert.Value] {
        [
            .text(p.id), .text(p.eventId), .text(p.email), .text(p.normalizedEmail),
            .text(p.firstName), .text(p.lastName), .text(p.company), .text(p.jobTitle),
            .boolean(p.isRegistered), .boolean(p.hasAttended), .boolean(p.allowNetworking),
            .text(try encodeFields(p.fields)), .integer(version),
            .integer(StoreTime.millis(p.createdAt)), .integer(StoreTime.millis(p.updatedAt)),
            .integer(p.salesforce.syncedAt.map(StoreTime.millis)), .text(p.salesforce.contactId),
            .text(p.salesforce.leadId), .text(p.salesforce.campaignMemberId), .text(p.salesforce.error),
            .text(p.salesforce.dataHash), .integer(p.checkedInAt.map(StoreTime.millis)),
        ]
    }

    static func participant(from row: any SQLRow) throws -> (Participant, version: Int64) {
        try participant(columns: SQLKitColumns(row: row))
    }

    static func participant(columns row: some ColumnValues) throws -> (Participant, version: Int64) {
        let participant = Participant(
            id: try row.string(.id),
            eventId: try row.string(.eventId),
            email: try row.string(.email),
            firstName: try row.string(.firstName),
            lastName: try row.string(.lastName),
            company: try row.string(.company),
            jobTitle: try row.string(.jobTitle),
            isRegistered: try row.bool(.isRegistered),
            hasAttended: try row.bool(.hasAttended),
            allowNetworking: try row.bool(.allowNetworking),
            fields: try decodeFields(row.string(.fieldsJSON)),
            createdAt: StoreTime.date(try row.integer(.createdAt)),
            updatedAt: StoreTime.date(try row.integer(.updatedAt)),
            checkedInAt: try row.optionalInteger(.checkedInAt).map(StoreTime.date),
            salesforce: SalesforceState(
                syncedAt: try row.optionalInteger(.syncedAt).map(StoreTime.date),
                contactId: try row.optionalString(.contactId),
                leadId: try row.optionalString(.leadId),
                campaignMemberId: try row.optionalString(.campaignMemberId),
                error: try row.optionalString(.syncError),
                dataHash: try row.optionalString(.syncHash)
            )
        )
        return (participant, try row.integer(.version))
    }

    /// The participants `query` selects (``columns``, in order), read on the read connections.
    /// On SQLite the values are read by position straight from SQLite's statement: SQLKit's rows
    /// decode each value through `Decodable` and a dynamic cast, 15 % of the server's CPU when 8
    /// readers page the grid.
    static func read(_ query: SQLQueryString, on database: RosterDatabase) async throws -> [Participant] {
        try await database.reader.rows(query, selecting: columns) { try participant(columns: $0).0 }
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

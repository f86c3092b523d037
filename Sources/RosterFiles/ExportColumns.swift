import Foundation
import RosterCore

/// A typed spreadsheet cell.
public enum Cell: Sendable, Hashable {
    case empty
    case text(String)
    case number(Double)
    case bool(Bool)
    /// A calendar day.
    case date(CalendarDate)
    /// An instant (shown in UTC).
    case dateTime(Date)

    /// The cell as CSV text: ISO 8601 dates, `true`/`false`.
    public var csvText: String {
        switch self {
        case .empty: ""
        case .text(let text): text
        case .number(let number): FieldValue.number(number).text
        case .bool(let value): value ? "true" : "false"
        case .date(let day): day.iso
        case .dateTime(let instant): RFC3339.string(from: instant)
        }
    }
}

/// The columns of a participant export: the built-in properties, each custom field, then the
/// Salesforce state (S5: the Ids make post-event imports into Salesforce possible).
public struct ExportColumns: Sendable {
    /// One column: its header and how a participant's cell is made.
    public struct Column: Sendable {
        /// The header: a built-in property, a custom field code, or a Salesforce state name
        /// (`salesforceContactId`…).
        public var header: String
        /// Makes this column's cell for a participant.
        public var cell: @Sendable (Participant) -> Cell
    }

    /// The columns, in export order.
    public let columns: [Column]

    /// The columns for this event: the built-ins, its custom fields in schema order, then the
    /// timestamps and the Salesforce state.
    public init(event: Event) {
        func text(_ header: String, _ value: @escaping @Sendable (Participant) -> String?) -> Column {
            Column(header: header) { value($0).map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
        }
        func flag(_ header: String, _ value: @escaping @Sendable (Participant) -> Bool) -> Column {
            Column(header: header) { .bool(value($0)) }
        }
        var columns: [Column] = [
            text("id") { $0.id }, text("email") { $0.email }, text("firstName") { $0.firstName },
            text("lastName") { $0.lastName }, text("company") { $0.company }, text("jobTitle") { $0.jobTitle },
            flag("isRegistered") { $0.isRegistered }, flag("hasAttended") { $0.hasAttended },
            Column(header: "checkedInAt") { $0.checkedInAt.map(Cell.dateTime) ?? .empty },
            flag("allowNetworking") { $0.allowNetworking },
        ]
        for field in event.fields {
            let code = field.code
            columns.append(Column(header: code) { Self.cell($0.fields[code]) })
        }
        columns += [
            Column(header: "createdAt") { .dateTime($0.createdAt) },
            Column(header: "updatedAt") { .dateTime($0.updatedAt) },
            Column(header: "salesforceSyncDate") { $0.salesforce.syncedAt.map(Cell.dateTime) ?? .empty },
            text("salesforceContactId") { $0.salesforce.contactId },
            text("salesforceLeadId") { $0.salesforce.leadId },
            text("salesforceCampaignMemberId") { $0.salesforce.campaignMemberId },
            text("salesforceError") { $0.salesforce.error },
        ]
        self.columns = columns
    }

    /// The header row.
    public var headers: [String] { columns.map(\.header) }

    /// One participant's row, a cell per column.
    public func cells(_ participant: Participant) -> [Cell] { columns.map { $0.cell(participant) } }

    static func cell(_ value: FieldValue?) -> Cell {
        switch value {
        case nil: .empty
        case .text(let text)?: .text(text)
        case .number(let number)?: .number(number)
        case .bool(let flag)?: .bool(flag)
        case .date(let iso)?: CalendarDate(iso: iso).map(Cell.date) ?? .text(iso)
        case .list(let values)?: .text(values.joined(separator: ";"))
        }
    }
}

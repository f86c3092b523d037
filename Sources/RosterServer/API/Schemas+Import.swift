import Foundation
import OpenAPIRuntime
import RosterCore
import RosterStore

extension Components.Schemas.ImportResult {
    /// What an import did (or a preview would do), as the API answers it.
    init(_ tally: ImportTally) throws {
        let preview = tally.isPreview ? tally.preview : nil
        self.init(
            created: tally.created, updated: tally.updated,
            rejected: tally.rejected.map { .init(row: $0.row, sheetRow: $0.sheetRow, error: $0.error, field: $0.field) },
            rejectedCount: tally.rejectedCount,
            format: .init(rawValue: tally.format.rawValue),
            encoding: tally.encoding,
            separator: tally.separator.map(String.init),
            columns: tally.columns.map { .init(header: $0.header, field: $0.field) },
            ignoredColumns: tally.columns.filter { $0.field == nil && !$0.header.isEmpty }.map(\.header),
            stoppedAtRow: tally.stoppedAtRow,
            rows: try preview.map { rows in try rows.map(Components.Schemas.ImportPreviewRow.init) },
            total: preview == nil ? nil : tally.rowsRead
        )
    }
}

extension Components.Schemas.ImportPreviewRow {
    init(_ row: ImportTally.PreviewRow) throws {
        self.init(row: row.row, sheetRow: row.sheetRow, outcome: .init(rawValue: row.outcome) ?? .rejected,
                  participant: try row.participant.map { .init(additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: Self.values(of: $0))) },
                  error: row.error)
    }

    /// A participant's values as an import writes them (no ids, times or Salesforce state).
    static func values(of participant: Participant) -> [String: (any Sendable)?] {
        [
            "email": participant.email, "firstName": participant.firstName, "lastName": participant.lastName,
            "company": participant.company, "jobTitle": participant.jobTitle, "isRegistered": participant.isRegistered,
            "hasAttended": participant.hasAttended, "allowNetworking": participant.allowNetworking,
            "fields": participant.fields.mapValues { $0.jsonObject },
        ]
    }
}

extension Components.Schemas.ImportRecord {
    init(_ record: ImportRecord) {
        self.init(at: record.at, by: record.by, fileName: record.fileName, format: .init(rawValue: record.format) ?? .csv,
                  encoding: record.encoding, created: record.created, updated: record.updated, rejected: record.rejected,
                  complete: record.complete, stoppedAtRow: record.stoppedAtRow)
    }
}

extension Components.Schemas.ImportColumn: EncodesEveryKey {
    /// `"field": null` for an ignored column.
    func encode(to encoder: any Encoder) throws { try encodeEveryKey(to: encoder) }
}

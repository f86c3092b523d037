import SQLiteKit
import SQLiteReader
import SQLKit

/// A participant row's values, whichever driver read it: the few types the store keeps.
protocol ColumnValues {
    func string(_ column: ParticipantRow.Column) throws -> String
    func optionalString(_ column: ParticipantRow.Column) throws -> String?
    func integer(_ column: ParticipantRow.Column) throws -> Int64
    func optionalInteger(_ column: ParticipantRow.Column) throws -> Int64?
    /// A boolean: PostgreSQL has its own type, SQLite keeps 0 or 1.
    func bool(_ column: ParticipantRow.Column) throws -> Bool
}

extension ColumnValues {
    func string(_ column: ParticipantRow.Column) throws -> String {
        guard let text = try optionalString(column) else { throw StoreError.corrupt("the column \(column.name) is null") }
        return text
    }

    func integer(_ column: ParticipantRow.Column) throws -> Int64 {
        guard let number = try optionalInteger(column) else { throw StoreError.corrupt("the column \(column.name) is null") }
        return number
    }

    func bool(_ column: ParticipantRow.Column) throws -> Bool { try integer(column) != 0 }
}

/// Any database's row, through SQLKit's `Decodable` interface, by column name.
struct SQLKitColumns: ColumnValues {
    let row: any SQLRow

    func string(_ column: ParticipantRow.Column) throws -> String { try row.decode(column: column.name, as: String.self) }
    func integer(_ column: ParticipantRow.Column) throws -> Int64 { try row.decode(column: column.name, as: Int64.self) }
    func bool(_ column: ParticipantRow.Column) throws -> Bool { try row.decode(column: column.name, as: Bool.self) }
    // Asking for `T?` sends SQLite's decoder through a nested `Decoder` per value; asking
    // whether it is null, then for a `T`, does not.
    func optionalString(_ column: ParticipantRow.Column) throws -> String? {
        try row.decodeNil(column: column.name) ? nil : string(column)
    }
    func optionalInteger(_ column: ParticipantRow.Column) throws -> Int64? {
        try row.decodeNil(column: column.name) ? nil : integer(column)
    }
}

/// SQLite's statement, by column position (the read selects ``ParticipantRow/columns`` in order).
/// A text column holds text and an integer one an integer: SQLite converts any other value, so a
/// hand-edited row reads as what SQLite makes of it rather than failing.
extension SQLiteStatementRow: ColumnValues {
    func optionalString(_ column: ParticipantRow.Column) throws -> String? { text(column.rawValue) }
    func optionalInteger(_ column: ParticipantRow.Column) throws -> Int64? { integer(column.rawValue) }
}

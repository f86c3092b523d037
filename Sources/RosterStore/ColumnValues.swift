import SQLiteKit
import SQLKit

/// A row's values by column name, whichever driver read it: the few types the store keeps.
protocol ColumnValues {
    func string(_ column: String) throws -> String
    func optionalString(_ column: String) throws -> String?
    func integer(_ column: String) throws -> Int64
    func optionalInteger(_ column: String) throws -> Int64?
    func bool(_ column: String) throws -> Bool
}

/// Any database's row, through SQLKit's `Decodable` interface.
struct SQLKitColumns: ColumnValues {
    let row: any SQLRow

    func string(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
    func integer(_ column: String) throws -> Int64 { try row.decode(column: column, as: Int64.self) }
    func bool(_ column: String) throws -> Bool { try row.decode(column: column, as: Bool.self) }
    // Asking for `T?` sends SQLite's decoder through a nested `Decoder` per value; asking
    // whether it is null, then for a `T`, does not.
    func optionalString(_ column: String) throws -> String? { try row.decodeNil(column: column) ? nil : string(column) }
    func optionalInteger(_ column: String) throws -> Int64? { try row.decodeNil(column: column) ? nil : integer(column) }
}

/// SQLite's own row: each value is already text, an integer or null; anything else is a row
/// that does not hold what the schema says (``StoreError/corrupt(_:)``).
extension SQLiteRow: ColumnValues {
    func string(_ column: String) throws -> String {
        guard let text = try optionalString(column) else { throw StoreError.corrupt("the column \(column) is null") }
        return text
    }

    func optionalString(_ column: String) throws -> String? {
        switch try value(column) {
        case .text(let text): text
        case .null: nil
        case let other: throw StoreError.corrupt("the column \(column) holds \(other), not text")
        }
    }

    func integer(_ column: String) throws -> Int64 {
        guard let number = try optionalInteger(column) else { throw StoreError.corrupt("the column \(column) is null") }
        return number
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        switch try value(column) {
        case .integer(let number): Int64(number)
        case .null: nil
        case let other: throw StoreError.corrupt("the column \(column) holds \(other), not an integer")
        }
    }

    func bool(_ column: String) throws -> Bool { try integer(column) != 0 }

    private func value(_ column: String) throws -> SQLiteData {
        guard let value = self.column(column) else { throw StoreError.corrupt("the row has no column \(column)") }
        return value
    }
}

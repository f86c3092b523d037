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

/// SQLite's own row: each value is already text, an integer or null.
extension SQLiteRow: ColumnValues {
    func string(_ column: String) throws -> String {
        guard let text = try optionalString(column) else { throw ColumnValueError.unexpectedNull(column) }
        return text
    }

    func optionalString(_ column: String) throws -> String? {
        switch try value(column) {
        case .text(let text): text
        case .null: nil
        case let other: throw ColumnValueError.typeMismatch(column, expected: "text", found: other.description)
        }
    }

    func integer(_ column: String) throws -> Int64 {
        guard let number = try optionalInteger(column) else { throw ColumnValueError.unexpectedNull(column) }
        return number
    }

    func optionalInteger(_ column: String) throws -> Int64? {
        switch try value(column) {
        case .integer(let number): Int64(number)
        case .null: nil
        case let other: throw ColumnValueError.typeMismatch(column, expected: "an integer", found: other.description)
        }
    }

    func bool(_ column: String) throws -> Bool { try integer(column) != 0 }

    private func value(_ column: String) throws -> SQLiteData {
        guard let value = self.column(column) else { throw ColumnValueError.missing(column) }
        return value
    }
}

/// A row that does not hold what the schema says: a bug or a damaged file, never user input.
enum ColumnValueError: Error, CustomStringConvertible {
    case missing(String)
    case unexpectedNull(String)
    case typeMismatch(String, expected: String, found: String)

    var description: String {
        switch self {
        case .missing(let column): "the row has no column \(column)"
        case .unexpectedNull(let column): "the column \(column) is null"
        case .typeMismatch(let column, let expected, let found): "the column \(column) holds \(found), not \(expected)"
        }
    }
}

import SQLKit

/// Inserts many rows with one statement and one bound value: the rows as a JSON array of arrays,
/// unpacked by the database itself (SQLite's `json_each`, PostgreSQL's `json_array_elements`).
///
/// Written because SQLKit's insert builder binds each value on its own: a thousand imported
/// participants are 21,000 binds, each serialized, type-checked and encoded through `Encodable`
/// one at a time, and an SQL text the database parses anew for every chunk; in the import's
/// profile that was a fifth of the time. The JSON is written here, byte by byte (RFC 8259).
struct BulkInsert {
    /// How the database reads a column's JSON value.
    enum ColumnType { case text, integer, boolean }

    /// One value of a row.
    enum Value {
        case text(String?), integer(Int64?), boolean(Bool?)
    }

    let table: String
    let columns: [(name: String, type: ColumnType)]

    /// Rows, each with one value per column in the columns' order, as the one value
    /// ``run(document:on:)`` binds (`nil` for none): made apart from the statement, so it can be
    /// made before the transaction that runs it.
    func document(_ rows: [[Value]]) -> String? {
        guard !rows.isEmpty else { return nil }
        var json: [UInt8] = [UInt8(ascii: "[")]
        json.reserveCapacity(rows.count * columns.count * 24)
        for (index, row) in rows.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "["))
            for (position, value) in row.enumerated() {
                if position > 0 { json.append(UInt8(ascii: ",")) }
                Self.write(value, into: &json)
            }
            json.append(UInt8(ascii: "]"))
        }
        json.append(UInt8(ascii: "]"))
        return String(decoding: json, as: UTF8.self)
    }

    /// Inserts the rows of a ``document(_:)``.
    func run(document: String?, on db: any SQLDatabase) async throws {
        guard let document else { return }
        let names = columns.map { SQLIdentifier($0.name) }
        if db.dialect.name == "sqlite" {
            // `->>` gives SQL values: text, integers, 1/0 for booleans, NULL for null. `jsonb_each`
            // hands each row over as JSONB, which `->>` reads without parsing the row again per column.
            let values = columns.indices.map { "value ->> \($0)" }.joined(separator: ", ")
            try await db.raw("INSERT INTO \(ident: table) (\(SQLList(names))) SELECT \(unsafeRaw: values) FROM jsonb_each(\(bind: document))").run()
        } else {
            let values = columns.enumerated().map { index, column in
                switch column.type {
                case .text: "(e ->> \(index))"
                case .integer: "(e ->> \(index))::bigint"
                case .boolean: "(e ->> \(index))::boolean"
                }
            }.joined(separator: ", ")
            try await db.raw("INSERT INTO \(ident: table) (\(SQLList(names))) SELECT \(unsafeRaw: values) FROM json_array_elements(\(bind: document)::json) AS e").run()
        }
    }

    private static func write(_ value: Value, into json: inout [UInt8]) {
        switch value {
        case .text(let text?): writeString(text, into: &json)
        case .integer(let number?): json.append(contentsOf: String(number).utf8)
        case .boolean(let flag?): json.append(contentsOf: (flag ? "true" : "false").utf8)
        case .text(nil), .integer(nil), .boolean(nil): json.append(contentsOf: "null".utf8)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string: `"` and `\` escaped, control characters as `\u00XX`, the rest as its UTF-8.
    private static func writeString(_ text: String, into json: inout [UInt8]) {
        json.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                json.append(UInt8(ascii: "\\"))
                json.append(byte)
            case ..<0x20:
                json.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default:
                json.append(byte)
            }
        }
        json.append(UInt8(ascii: "\""))
    }
}

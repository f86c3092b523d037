// A read-only SQLite connection driven through SQLite's C API, for the read threads.
//
// Written by hand over the SQLite that sqlite-nio embeds (`VaporCSQLite`) because sqlite-nio keeps
// its handle to itself and prepares every statement anew, builds each row as an enum per value
// and a dictionary lookup per column, and completes each statement on an event loop: under 8 grid
// readers, statement preparation alone was 6 % of the server's CPU and thread switches 10 %
// (perf; docs/performance.md, "What makes it so"). GRDB, the one package here with a statement cache, links a
// second copy of SQLite, and two copies in one process release each other's POSIX locks
// (sqlite.org/howtocorrupt.html, 2.2.1): this uses the very copy sqlite-nio writes with.
import CSQLiteSettings
import SQLiteNIO
import VaporCSQLite

/// Why a read on SQLite failed: SQLite's own result code and message.
struct SQLiteReadError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
}

/// One read-only connection, used by one thread at a time (a read thread owns it), with the
/// statements it has prepared kept for the next read of the same SQL.
final class SQLiteReadConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text; a grid reads a handful of shapes over and over.
    private var statements: [String: KeptStatement] = [:]

    /// How many prepared statements a connection keeps; past it, all are dropped and the hot ones
    /// prepared again. A search's SQL depends on which keys it tests and a page's length is written
    /// into it, so shapes are many but few are hot.
    static let keptStatements = 64

    /// Opens the database file at `path` (made and migrated by the writer) for reading only.
    init(path: String) throws(SQLiteReadError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var opened: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(opened)
            throw SQLiteReadError(code: status, message: "\(message) (\(path))")
        }
        handle = opened
        // Wait for a checkpoint's lock instead of failing; plans that do not depend on bound
        // values, so a kept statement is not prepared again for each new binding; never write;
        // a 16 MB page cache per connection.
        sqlite_nio_sqlite3_busy_timeout(opened, 10_000)
        do {
            try check(roster_sqlite_enable_qpsg(UnsafeMutableRawPointer(opened)))
            try execute("PRAGMA query_only = ON")
            try execute("PRAGMA cache_size = -16000")
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Finalizes the kept statements and closes the connection; reads after it fail.
    func close() {
        for kept in statements.values { sqlite_nio_sqlite3_finalize(kept.statement) }
        statements = [:]
        if let handle { sqlite_nio_sqlite3_close(handle) }
        handle = nil
    }

    /// Runs `sql` with `binds`, calling `onRow` for each row as SQLite steps to it; when `columns`
    /// is given, the statement must select exactly those, in that order (checked once per
    /// prepared statement: the SQL decides what it selects).
    func query(_ sql: String, _ binds: [SQLiteData], selecting columns: [String]? = nil, _ onRow: (SQLiteStatementRow) throws -> Void) throws {
        let kept = try prepared(sql)
        let statement = kept.statement
        let row = SQLiteStatementRow(statement: statement)
        if let columns, !kept.selectionChecked {
            if row.columnCount != columns.count || columns.indices.contains(where: { row.name(Int32($0)) != columns[$0] }) {
                let selected = (0..<row.columnCount).map(row.name).joined(separator: ", ")
                throw SQLiteReadError(code: SQLITE_MISUSE, message: "the statement selects \(selected), not \(columns.joined(separator: ", "))")
            }
            kept.selectionChecked = true
        }
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try check(bind(value, at: Int32(index + 1), of: statement))
        }
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status) }
            try onRow(row)
        }
    }

    /// How many times SQLite has prepared the kept statement for `sql` again (`nil`: none kept).
    func repreparations(of sql: String) -> Int32? {
        statements[sql].map { sqlite_nio_sqlite3_stmt_status($0.statement, SQLITE_STMTSTATUS_REPREPARE, 0) }
    }

    private func execute(_ sql: String) throws(SQLiteReadError) {
        let status = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status) }
    }

    private func prepared(_ sql: String) throws(SQLiteReadError) -> KeptStatement {
        if let kept = statements[sql] { return kept }
        guard let handle else { throw SQLiteReadError(code: SQLITE_MISUSE, message: "the read connection is closed") }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status) }
        if statements.count >= Self.keptStatements {
            for old in statements.values { sqlite_nio_sqlite3_finalize(old.statement) }
            statements = [:]
        }
        let kept = KeptStatement(statement)
        statements[sql] = kept
        return kept
    }

    /// A prepared statement, and whether what it selects has been checked.
    private final class KeptStatement {
        let statement: OpaquePointer
        var selectionChecked = false

        init(_ statement: OpaquePointer) { self.statement = statement }
    }

    private func bind(_ value: SQLiteData, at index: Int32, of statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let number): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(number))
        case .float(let number): return sqlite_nio_sqlite3_bind_double(statement, index, number)
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        case .text(var text):
            return text.withUTF8 { bytes in
                sqlite_nio_sqlite3_bind_text64(statement, index, bytes.baseAddress.map(UnsafeRawPointer.init)?.assumingMemoryBound(to: CChar.self),
                                               UInt64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
            }
        case .blob(let buffer):
            return buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), sqliteTransient)
            }
        }
    }

    private func check(_ status: Int32) throws(SQLiteReadError) {
        guard status == SQLITE_OK else { throw error(status) }
    }

    private func error(_ status: Int32) -> SQLiteReadError {
        SQLiteReadError(code: status, message: handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown")
    }
}

/// SQLite copies a bound value at once (the C header's `SQLITE_TRANSIENT`, a macro Swift cannot import).
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The row a statement stands on, read by column position; valid only inside the `onRow` call.
public struct SQLiteStatementRow {
    fileprivate let statement: OpaquePointer

    /// How many columns the statement selects.
    public var columnCount: Int32 { sqlite_nio_sqlite3_column_count(statement) }

    /// The name of the column at `column`.
    public func name(_ column: Int32) -> String {
        sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
    }

    /// Whether the column at `column` is null.
    public func isNull(_ column: Int32) -> Bool {
        sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    /// The column's text, `nil` when it is null (SQLite converts a number to its text).
    public func text(_ column: Int32) -> String? {
        guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column's integer, `nil` when it is null.
    public func integer(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite_nio_sqlite3_column_int64(statement, column)
    }

    /// The column's value as sqlite-nio gives it, for SQLKit's decoders.
    public func value(_ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT: .text(text(column) ?? "")
        case SQLITE_BLOB:
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                .blob(ByteBuffer(bytes: UnsafeRawBufferPointer(start: bytes, count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))))
            } else {
                .blob(ByteBuffer())
            }
        default: .null
        }
    }
}

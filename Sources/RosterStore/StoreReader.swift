import Logging
import NIOCore
import SQLiteReader
import SQLKit

/// Where every read outside a write's transaction goes, and the one place that decides how it
/// runs: on SQLite, on the read connections beside the single writer (WAL lets them read while it
/// writes), one per read thread, through SQLite's C API (``SQLiteReadDatabase``), so a read never
/// holds the connection a commit needs; on PostgreSQL, on the pool.
///
/// It is an `SQLDatabase`, so repositories read with SQLKit's builders on either database; rows
/// a page reads by the thousand take ``rows(_:selecting:_:)``, which on SQLite skips SQLKit's
/// `Decodable` rows.
public final class StoreReader: SQLDatabase, Sendable {
    enum Connections: Sendable {
        case sqlite(SQLiteReadDatabase)
        case pool(any SQLDatabase)
    }

    private let connections: Connections
    private let base: any SQLDatabase

    init(_ connections: Connections) {
        self.connections = connections
        switch connections {
        case .sqlite(let database): base = database
        case .pool(let database): base = database
        }
    }

    /// The rows `query` selects, each made by `decode` from the row's values by column: on SQLite
    /// straight from the statement by position (`query` must select exactly `columns`, in order),
    /// elsewhere from SQLKit's row by name.
    func rows<Row: Sendable>(_ query: SQLQueryString, selecting columns: [String],
                             _ decode: @escaping @Sendable (any ColumnValues) throws -> Row) async throws -> [Row] {
        switch connections {
        case .sqlite(let sqlite): try await sqlite.rows(query, selecting: columns) { try decode($0) }
        case .pool(let pool): try await pool.raw(query).all().map { try decode(SQLKitColumns(row: $0)) }
        }
    }

    /// Closes SQLite's read connections; the read threads must have stopped.
    func close() {
        if case .sqlite(let sqlite) = connections { sqlite.close() }
    }

    // MARK: SQLDatabase

    /// The logger of the connections behind the reader.
    public var logger: Logger { base.logger }
    /// The event loop of the connections behind the reader.
    public var eventLoop: any EventLoop { base.eventLoop }
    /// The SQL dialect of the database behind the reader: SQLite's or PostgreSQL's.
    public var dialect: any SQLDialect { base.dialect }
    /// The level queries are logged at, as the connections behind the reader set it.
    public var queryLogLevel: Logger.Level? { base.queryLogLevel }
    /// The version the database reports; `nil` until a connection has read it.
    public var version: (any SQLDatabaseReportedVersion)? { base.version }

    /// Runs `query` on the read connections (the pool on PostgreSQL), calling `onRow` for each row.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    /// Runs `query` on the read connections (the pool on PostgreSQL), calling `onRow` for each row.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: query, onRow)
    }
}

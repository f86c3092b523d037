import Logging
import NIOCore
import NIOPosix
import SQLiteKit
import SQLKit
import Synchronization

/// SQLite's reads, beside the single writer (WAL lets them read while it writes): each read thread
/// of each ``ReadLane`` holds a read connection of its own (``SQLiteReadConnection``), and a read
/// runs on a thread of its task's lane. A request already on such a thread (``ReadPriorityMiddleware``
/// in Roster's server puts reads there) runs its statements right where it is, with no hand-off.
///
/// RosterStore's repositories reach it only through its `StoreReader`, which decides between its
/// SQLKit face (`SQLDatabase`) and the faster ``rows(_:selecting:_:)``, by column position.
public final class SQLiteReadDatabase: SQLDatabase, Sendable {
    private let background: Lane
    private let foreground: Lane
    /// Where each statement is logged, at trace level.
    public let logger: Logger

    /// Reads the database file at `path` (made and migrated by its writer) on two sets of threads,
    /// one per ``ReadLane``; each thread opens its connection at its first read.
    public init(path: String, background: ReadThreads, foreground: ReadThreads, logger: Logger) {
        self.background = Lane(path: path, threads: background)
        self.foreground = Lane(path: path, threads: foreground)
        self.logger = logger
    }

    /// The rows `query` selects, each made by `transform` as SQLite steps to it, on a read
    /// thread of the current task's lane; when `columns` is given, the statement must select
    /// exactly those, in that order (the transform reads them by position).
    public func rows<Row: Sendable>(_ query: any SQLExpression, selecting columns: [String]? = nil,
                             _ transform: @escaping @Sendable (SQLiteStatementRow) throws -> Row) async throws -> [Row] {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        let values = try binds.map { try encoder.encode($0) }
        logger.trace("\(sql) \(values)")
        let lane = ReadLane.current == .foreground ? foreground : background
        return try await lane.threads.perform {
            var rows: [Row] = []
            try lane.connection().query(sql, values, selecting: columns) { rows.append(try transform($0)) }
            return rows
        }
    }

    /// Closes every read connection; the read threads must have stopped.
    public func close() {
        background.close()
        foreground.close()
    }

    // MARK: SQLDatabase

    /// An event loop of NIO's shared group: the reads themselves run on the read threads.
    public var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    /// SQLite's.
    public var dialect: any SQLDialect { SQLiteDialect() }
    /// Statements are logged at trace level.
    public var queryLogLevel: Logger.Level? { .trace }

    /// Runs `query` for SQLKit, handing each row to `onRow`.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try await self.execute(sql: query, onRow) }
        return promise.futureResult
    }

    /// Runs `query` for SQLKit, handing each row to `onRow`.
    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        // One list of names for all the rows of a statement.
        nonisolated(unsafe) var names: [String]?
        let rows = try await rows(query) { row in
            let count = row.columnCount
            let columns = names ?? (0..<count).map(row.name)
            names = columns
            return SQLiteReadRow(columns: columns, values: (0..<count).map(row.value))
        }
        for row in rows { onRow(row) }
    }

    /// The read connections of one lane's threads, opened on each thread's first read.
    private final class Lane: Sendable {
        let path: String
        let threads: ReadThreads
        private let current = ThreadSpecificVariable<SQLiteReadConnection>()
        /// Every connection opened, to close them at shutdown.
        private let opened = Mutex<[SQLiteReadConnection]>([])

        init(path: String, threads: ReadThreads) {
            self.path = path
            self.threads = threads
        }

        /// The calling read thread's connection.
        func connection() throws -> SQLiteReadConnection {
            if let connection = current.currentValue { return connection }
            let connection = try SQLiteReadConnection(path: path)
            current.currentValue = connection
            opened.withLock { $0.append(connection) }
            return connection
        }

        func close() {
            opened.withLock { connections in
                for connection in connections { connection.close() }
                connections = []
            }
        }
    }
}

/// A row read through ``SQLiteReadDatabase`` for SQLKit: its values as sqlite-nio gives them,
/// decoded by SQLiteKit's decoder.
struct SQLiteReadRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool { try value(column) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        try SQLiteDataDecoder().decode(D.self, from: value(column))
    }

    private func value(_ column: String) throws -> SQLiteData {
        guard let index = columns.firstIndex(of: column) else {
            throw DecodingError.keyNotFound(SQLiteReadRowKey(column), .init(codingPath: [], debugDescription: "no column \(column) in the row"))
        }
        return values[index]
    }
}

private struct SQLiteReadRowKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

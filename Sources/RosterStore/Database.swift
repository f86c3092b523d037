@preconcurrency import AsyncKit
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import ServiceLifecycle
import SQLiteKit
import SQLiteReader
import SQLKit

/// The SQL flavour behind the store; repositories stay portable and ask only where the two differ.
public enum StoreDialect: Sendable {
    case sqlite
    case postgres
}

/// Roster's database: a connection pool over SQLite or PostgreSQL, exposed through SQLKit.
///
/// It is a `Service`: it runs for the life of the application and closes its connections on
/// graceful shutdown, after the services that use it have stopped.
public final class RosterDatabase: Service, Sendable {
    /// Writes: statements that change the database, transactions (``transaction(_:)``), and the
    /// reads a write makes inside its own transaction. On SQLite the single writer connection, so
    /// nothing else may queue on it; on PostgreSQL the pool.
    public let writer: any SQLDatabase
    /// Every other read: see ``StoreReader``.
    public let reader: StoreReader
    /// Where read work runs, below the priority of writes: the SQLite read connections' statements,
    /// and any task that prefers it as its executor (see ``ReadThreads``).
    public let readThreads: ReadThreads
    /// On SQLite, read threads at the default priority, with read connections of their own, for
    /// reads in the ``ReadLane/foreground`` lane (while no write is in flight); `nil` on
    /// PostgreSQL, whose statements run in its own server processes.
    public let foregroundReadThreads: ReadThreads?
    /// Whether the store is SQLite or PostgreSQL, for the few queries that differ.
    public let dialect: StoreDialect
    /// The database the store was opened on.
    public let url: DatabaseURL
    /// Whether the database answers, as requests found it; an outage is logged once.
    public let availability: DatabaseAvailability
    /// Signs page cursors.
    let cursorKey = CursorKey()
    /// Rung when a write that appended to the outbox commits (``Outbox``).
    let changeSignal = ChangeSignal()
    private let shutdownPool: @Sendable () async throws -> Void

    /// Opens the pool (connections are made lazily, on first use).
    public init(url: DatabaseURL, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws(StoreError) {
        self.url = url
        availability = DatabaseAvailability(logger: logger)
        switch url {
        case .sqlite(let path):
            // One connection: SQLite has one writer at a time anyway. Requests queue in the pool
            // without holding a thread. Its statements run on a thread of this database's own:
            // on NIO's shared pool, another database open on the same file (a command, a test)
            // waiting out the busy timeout there would hold the thread this one needs to commit,
            // and, in a test run, one app's work would queue behind every other's.
            let statementThread = NIOThreadPool(numberOfThreads: 1)
            statementThread.start()
            let pool = EventLoopGroupConnectionPool(
                source: SQLiteConnectionSetup(path: path, threadPool: statementThread),
                maxConnectionsPerEventLoop: 1,
                requestTimeout: .seconds(60),
                logger: logger,
                on: eventLoopGroup.next()
            )
            writer = PooledSQLiteDatabase(pool: pool, logger: logger).sql(queryLogLevel: .trace)
            let readThreads = ReadThreads(count: Self.sqliteReaders)
            let foregroundThreads = ReadThreads(count: Self.sqliteReaders, lowerPriority: false)
            self.readThreads = readThreads
            foregroundReadThreads = foregroundThreads
            let sqliteReader = SQLiteReadDatabase(path: path, background: readThreads, foreground: foregroundThreads, logger: logger)
            let reader = StoreReader(.sqlite(sqliteReader))
            self.reader = reader
            dialect = .sqlite
            shutdownPool = {
                try await pool.shutdownAsync()
                try await statementThread.shutdownGracefully()
                try await foregroundThreads.shutdown()
                try await readThreads.shutdown()
                reader.close()
            }
        case .postgres(let text):
            let configuration: SQLPostgresConfiguration
            do { configuration = try SQLPostgresConfiguration(url: text) }
            catch { throw .configuration("the database URL '\(url)' is not a PostgreSQL URL: \(error)") }
            // The pool logs an error for each connection it fails to open and each request that
            // waited too long: while PostgreSQL is away that is one per request. The outage is
            // told once instead (``availability``); the pool speaks only with `--log-level trace`.
            var poolLogger = logger
            if logger.logLevel > .trace { poolLogger.logLevel = .critical }
            let pool = EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: 4,
                requestTimeout: .seconds(30),
                logger: poolLogger,
                on: eventLoopGroup
            )
            writer = pool.database(logger: poolLogger).sql(queryLogLevel: .trace)
            reader = StoreReader(.pool(writer))
            let readThreads = ReadThreads(count: System.coreCount)
            self.readThreads = readThreads
            foregroundReadThreads = nil
            dialect = .postgres
            shutdownPool = {
                try await pool.shutdownAsync()
                try await readThreads.shutdown()
            }
        }
    }

    /// SQLite read threads (each with its read connection) in each lane: one per core, at least
    /// two. More threads than cores add no capacity, only time-slicing: 8 readers' pages then
    /// share the cores and a heavy page (a search's first count, a long walk) is stretched by all
    /// the others, where with one thread per core it runs to its end while the rest wait their
    /// turn. Measured under 8 readers on 2 cores, side by side with 4 threads: p99 11.1–13.3 ms
    /// against 13.2–15.5 in four pairs, pages per second no lower, registrations unchanged.
    static let sqliteReaders = max(2, System.coreCount)

    /// Waits for graceful shutdown, then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Closes every connection; for commands and tests that run without a service group.
    public func shutdown() async throws {
        try await shutdownPool()
    }

    /// Runs `body` in one transaction on one connection: committed if it returns, rolled back if it throws.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let dialect = self.dialect
        return try await writer.withSession { session in try await Self.transaction(on: session, dialect: dialect, body) }
    }

    /// Runs `body` in one transaction on a session the caller already holds (e.g. the migrator's,
    /// which keeps an advisory lock across transactions).
    static func transaction<Result>(on session: any SQLDatabase, dialect: StoreDialect, _ body: (any SQLDatabase) async throws -> Result) async throws -> Result {
        // SQLite: take the write lock up front, so two writers queue on the busy timeout instead of
        // deadlocking when both try to upgrade a read lock.
        try await session.raw(SQLQueryString(dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN")).run()
        do {
            let result = try await body(session)
            try await session.raw("COMMIT").run()
            return result
        } catch {
            try? await session.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Answers when the database does (for `/healthz`).
    public func ping() async throws {
        try await reader.raw("SELECT 1").run()
    }
}

extension Error {
    /// PostgreSQL chose this transaction to break a deadlock (two writers locking the same rows
    /// in different orders); run again, it goes through.
    var isDeadlock: Bool {
        (self as? PSQLError)?.serverInfo?[.sqlState] == PostgresError.Code.deadlockDetected.raw
    }

    /// The error is a database uniqueness violation, on either SQLite or PostgreSQL.
    var isUniqueViolation: Bool {
        if let error = self as? SQLiteError {
            return error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed
                || (error.reason == .constraint && error.message.contains("UNIQUE"))
        }
        if let error = self as? PSQLError {
            return error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw
        }
        return false
    }
}

@preconcurrency import AsyncKit
import Logging
import NIOCore
import SQLiteKit

import NIOPosix

/// Opens SQLite connections set up for a server: write-ahead logging so readers never wait for
/// the writer, a busy timeout so concurrent writers queue instead of failing, full sync so a
/// registration answered 201 survives a crash, and foreign keys enforced. Read connections are
/// `query_only`, so nothing can write through them.
struct SQLiteConnectionSetup: ConnectionPoolSource {
    let source: SQLiteConnectionSource
    let readOnly: Bool

    init(path: String, readOnly: Bool = false, threadPool: NIOThreadPool = .singleton) {
        source = SQLiteConnectionSource(configuration: .init(storage: .file(path: path), enableForeignKeys: true), threadPool: threadPool)
        self.readOnly = readOnly
    }

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let readOnly = self.readOnly
        return source.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            connection.query("PRAGMA busy_timeout = 10000")
                .flatMap { _ in connection.query(readOnly ? "PRAGMA query_only = ON" : "PRAGMA journal_mode = WAL") }
                .flatMap { _ in connection.query(readOnly ? "PRAGMA cache_size = -16000" : "PRAGMA synchronous = FULL") }
                .map { _ in connection }
        }
    }
}

/// An `SQLiteDatabase` backed by a connection pool, so `sql().withSession` pins one connection
/// for a transaction while other queries use the rest of the pool. The read pools come in two
/// lanes: each query takes its connection from the pool of the task's ``ReadLane``.
struct PooledSQLiteDatabase: SQLiteDatabase {
    private let background: EventLoopGroupConnectionPool<SQLiteConnectionSetup>
    private let foreground: EventLoopGroupConnectionPool<SQLiteConnectionSetup>
    let logger: Logger

    /// `foregroundPool` serves the ``ReadLane/foreground`` lane; without one, `pool` serves both.
    init(pool: EventLoopGroupConnectionPool<SQLiteConnectionSetup>, foregroundPool: EventLoopGroupConnectionPool<SQLiteConnectionSetup>? = nil, logger: Logger) {
        background = pool
        foreground = foregroundPool ?? pool
        self.logger = logger
    }

    /// The pool of the current task's lane.
    var pool: EventLoopGroupConnectionPool<SQLiteConnectionSetup> { ReadLane.current == .foreground ? foreground : background }

    var eventLoop: any EventLoop { pool.eventLoopGroup.any() }

    func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
        pool.withConnection(logger: logger) { $0.query(query, binds, logger: logger, onRow) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        pool.withConnection(logger: logger, closure)
    }

    /// A read's rows, each made into a `Row` on the connection's thread as SQLite steps.
    ///
    /// `SQLiteDatabase.query(_:_:)` goes through sqlite-nio's future-based query, which hands
    /// every row to the event loop as a task of its own: for a page of 50, 51 hand-offs from the
    /// statement's thread to the loop's and as many wake-ups. sqlite-nio's `async` query on the
    /// connection itself calls back on the statement's thread instead, and this takes the
    /// connection from the pool for it.
    func rows<Row: Sendable>(_ query: String, _ binds: [SQLiteData], _ transform: @escaping @Sendable (SQLiteRow) throws -> Row) async throws -> [Row] {
        let pool = self.pool
        let connection = try await pool.requestConnection(logger: logger).get()
        defer { pool.releaseConnection(connection, logger: logger) }
        // Written only by the statement's thread, read once the query has returned.
        nonisolated(unsafe) var rows: [Row] = []
        nonisolated(unsafe) var failure: (any Error)?
        try await connection.query(query, binds) { row in
            guard failure == nil else { return }
            do { rows.append(try transform(row)) } catch { failure = error }
        }
        if let failure { throw failure }
        return rows
    }
}


@preconcurrency import AsyncKit
import Logging
import NIOCore
import SQLiteKit

import NIOPosix

/// Opens SQLite connections set up for a server: write-ahead logging so readers never wait for
/// the writer, a busy timeout so concurrent writers queue instead of failing, full sync so a
/// registration answered 201 survives a crash, and foreign keys enforced. (Reads have
/// connections of their own, ``SQLiteReadConnection``.)
struct SQLiteConnectionSetup: ConnectionPoolSource {
    let source: SQLiteConnectionSource

    /// - Parameter threadPool: where the connection runs its statements (sqlite-nio's calls block).
    init(path: String, threadPool: NIOThreadPool) {
        source = SQLiteConnectionSource(configuration: .init(storage: .file(path: path), enableForeignKeys: true), threadPool: threadPool)
    }

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        source.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            connection.query("PRAGMA busy_timeout = 10000")
                .flatMap { _ in connection.query("PRAGMA journal_mode = WAL") }
                .flatMap { _ in connection.query("PRAGMA synchronous = FULL") }
                // 32 MB of pages (the default is 2 MB): an import's inserts walk the participants'
                // eight indexes, which outgrow 2 MB at some tens of thousands of people.
                .flatMap { _ in connection.query("PRAGMA cache_size = -32000") }
                // Checkpoints every 16 MB of log rather than 4: an index page changed by many
                // commits in a row is copied back to the database once, not at every 4 MB.
                .flatMap { _ in connection.query("PRAGMA wal_autocheckpoint = 4000") }
                // A person erased on request leaves no bytes in the pages their rows freed (`FAST`
                // zeroes them in the pages written anyway: no extra I/O).
                .flatMap { _ in connection.query("PRAGMA secure_delete = FAST") }
                .map { _ in connection }
        }
    }
}

/// An `SQLiteDatabase` backed by a connection pool, so `sql().withSession` pins one connection
/// for a transaction while other queries use the rest of the pool.
struct PooledSQLiteDatabase: SQLiteDatabase {
    let pool: EventLoopGroupConnectionPool<SQLiteConnectionSetup>
    let logger: Logger

    var eventLoop: any EventLoop { pool.eventLoopGroup.any() }

    func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
        pool.withConnection(logger: logger) { $0.query(query, binds, logger: logger, onRow) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        pool.withConnection(logger: logger, closure)
    }
}

import Foundation
import NIOCore
import RosterCore
@testable import RosterStore
import SQLiteNIO
@testable import SQLiteReader
import SQLKit
import Testing

/// SQLite's reads on the read threads' own connections: what they read back, the lane they run
/// in, and that a kept statement never hides a later commit.
@Suite struct SQLiteReadTests {
    /// The nice value of the calling thread, and the thread itself.
    static func here() -> (niceness: Int32, thread: UInt) {
        (ReadThreadsTests.currentNiceness(), UInt(bitPattern: Int(pthread_self())))
    }

    @Test func aReadAfterACommitSeesItThoughItsStatementIsKept() async throws {
        try await withTestDatabase(.sqlite) { database in
            func events() async throws -> Int {
                try await database.reader.raw("SELECT COUNT(*) AS n FROM events").first(decodingColumn: "n", as: Int.self) ?? -1
            }
            #expect(try await events() == 0)
            let repository = EventRepository(database: database)
            func event(_ number: Int) -> Event {
                Event(id: "01900000-0000-7000-8000-00000000000\(number)", name: "Event \(number)", createdAt: Date(timeIntervalSince1970: 1_800_000_000))
            }
            try await repository.create(event(1))
            #expect(try await events() == 1)
            try await repository.create(event(2))
            // Both lanes, each with its own connections.
            #expect(try await ReadLane.$current.withValue(.foreground) { try await events() } == 2)
            #expect(try await events() == 2)
        }
    }

    @Test func aReadRunsInItsLaneRightWhereARequestOnThoseThreadsAlreadyIs() async throws {
        try await withTestDatabase(.sqlite) { database in
            let foreground = try #require(database.foregroundReadThreads)
            func reading() async throws -> (niceness: Int32, thread: UInt) {
                try await database.reader.rows("SELECT 1 AS one", selecting: ["one"]) { _ in Self.here() }[0]
            }
            // Outside any read thread: handed to the lane's threads.
            let caller = Self.here()
            let background = try await reading()
            #expect(background.niceness > caller.niceness || !database.readThreads.belowProcess)
            #expect(background.thread != caller.thread)
            // A request already on a foreground thread reads on that very thread.
            let (before, read) = try await ReadLane.$current.withValue(.foreground) {
                try await withTaskExecutorPreference(foreground) { (Self.here(), try await reading()) }
            }
            #expect(before.niceness == caller.niceness)
            #expect(read.niceness == caller.niceness)
            #expect(read.thread == before.thread)
        }
    }

    @Test func everyKindOfValueIsBoundAndReadBack() throws {
        try withConnection { (connection: SQLiteReadConnection) throws in
            var rows: [[SQLiteData]] = []
            try connection.query("SELECT ? AS i, ? AS f, ? AS t, ? AS n, ? AS b",
                                 [.integer(-42), .float(1.5), .text("Zoë \"quoted\""), .null, .blob(ByteBuffer(bytes: [0, 1, 255]))]) { row in
                rows.append((0..<row.columnCount).map(row.value))
            }
            #expect(rows == [[.integer(-42), .float(1.5), .text("Zoë \"quoted\""), .null, .blob(ByteBuffer(bytes: [0, 1, 255]))]])
        }
    }

    @Test func keptStatementsAnswerForTheirOwnBindsAndSurviveBeingDropped() throws {
        try withConnection { (connection: SQLiteReadConnection) throws in
            func square(_ number: Int, shape: Int) throws -> Int64? {
                var result: Int64?
                try connection.query("SELECT ? * ? AS n, \(shape) AS shape", [.integer(number), .integer(number)]) { result = $0.integer(0) }
                return result
            }
            // More shapes than are kept, twice over: each answer is its own.
            for round in 0..<2 {
                for shape in 0..<(SQLiteReadConnection.keptStatements + 10) {
                    #expect(try square(shape + round, shape: shape) == Int64((shape + round) * (shape + round)))
                }
            }
        }
    }

    @Test func aKeptStatementIsNotPreparedAgainForNewBindings() async throws {
        try await withTestDatabase(.sqlite) { database in
            guard case .sqlite(let path) = database.url else { throw StoreError.configuration("not SQLite") }
            let connection = try SQLiteReadConnection(path: path)
            defer { connection.close() }
            // The grid's plainest page: without the planner's stability guarantee SQLite prepares
            // this again after each new binding.
            let sql = "SELECT id FROM participants WHERE event_id = ?1 ORDER BY id LIMIT 51"
            for event in ["a", "b", "c"] { try connection.query(sql, [.text(event)]) { _ in } }
            #expect(connection.repreparations(of: sql) == 0)
        }
    }

    @Test func aStatementSelectingOtherColumnsThanExpectedIsRefused() throws {
        try withConnection { (connection: SQLiteReadConnection) throws in
            let error = #expect(throws: SQLiteReadError.self) {
                try connection.query("SELECT 1 AS id, 2 AS email", [], selecting: ["id", "event_id"]) { _ in }
            }
            #expect(error?.description.contains("selects id, email, not id, event_id") == true)
        }
    }

    @Test func aReadConnectionNeverWritesAndAClosedOneSaysSo() throws {
        try withConnection { (connection: SQLiteReadConnection) throws in
            let write = #expect(throws: SQLiteReadError.self) {
                try connection.query("CREATE TABLE t (x INTEGER)", []) { _ in }
            }
            #expect(write?.message.contains("readonly") == true)
            connection.close()
            let closed = #expect(throws: SQLiteReadError.self) { try connection.query("SELECT 1", []) { _ in } }
            #expect(closed?.message == "the read connection is closed")
        }
    }

    /// A read connection on a new database file, made in WAL mode as the writer makes it.
    private func withConnection(_ body: (SQLiteReadConnection) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("roster_read_\(UUID().uuidString.prefix(8)).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try #require(FileManager.default.createFile(atPath: path, contents: nil))
        let connection = try SQLiteReadConnection(path: path)
        defer { connection.close() }
        try body(connection)
    }
}

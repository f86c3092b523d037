import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import RosterStore
import SQLiteReader
import Testing

/// Reads run below the priority of writes while writes are in flight, at the default priority
/// otherwise; writes and probes stay where they are.
@Suite struct ReadPriorityTests {
    /// The nice value of the calling thread.
    static func niceness() -> Int32 { ReadThreads.currentNiceness ?? 0 }

    @Test func readsYieldToWritesOnlyWhileAWriteIsInFlight() async throws {
        let background = ReadThreads(count: 2)
        let foreground = ReadThreads(count: 2, lowerPriority: false)
        let process = Self.niceness()
        let router = Router()
        router.add(middleware: ReadPriorityMiddleware(readThreads: background, foregroundThreads: foreground))
        // Each route answers the nice value of the thread that ran it, and the read lane.
        @Sendable func niceness(_ request: Request, _ context: BasicRequestContext) async -> String {
            "\(Self.niceness()) \(ReadLane.current)"
        }
        // A write that stays in flight until the test lets it go.
        let (entered, enter) = AsyncStream<Void>.makeStream()
        let (released, release) = AsyncStream<Void>.makeStream()
        router.get("/api/v1/events", use: niceness)
        router.post("/api/v1/events", use: niceness)
        router.post("/api/v1/held") { _, _ -> String in
            enter.yield()
            for await _ in released { break }
            return "done"
        }
        router.get("/healthz", use: niceness)
        try await Application(router: router).test(.router) { client in
            func answer(_ method: HTTPRequest.Method, _ path: String) async throws -> String {
                try await client.execute(uri: path, method: method) { String(buffer: $0.body) }
            }
            let write = try await answer(.post, "/api/v1/events")
            #expect(try await answer(.get, "/api/v1/events") == "\(process) foreground", "no write in flight: the process's priority")
            #expect(write.hasSuffix("background"), "outside a read the lane is the default")
            #expect(try await answer(.get, "/healthz") == write)

            async let held = answer(.post, "/api/v1/held")
            for await _ in entered { break }
            let read = try await answer(.get, "/api/v1/events").split(separator: " ")
            #expect(read.last == "background")
            #expect(Int32(read[0])! > process || process == 19, "a read while a write is in flight runs below it")
            release.yield()
            #expect(try await held == "done")
            #expect(try await answer(.get, "/api/v1/events") == "\(process) foreground")
        }
        try await background.shutdown()
        try await foreground.shutdown()
    }
}

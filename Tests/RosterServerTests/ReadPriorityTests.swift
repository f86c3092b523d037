import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import RosterStore
import Testing

/// Reads run below the priority of writes while writes are in flight, at the default priority
/// otherwise; writes and probes stay where they are.
@Suite struct ReadPriorityTests {
    @Test func readsYieldToWritesOnlyWhileAWriteIsInFlight() async throws {
        let background = ReadThreads(count: 2, niceness: 15)
        let foreground = ReadThreads(count: 2, niceness: 3)
        let router = Router()
        router.add(middleware: ReadPriorityMiddleware(readThreads: background, foregroundThreads: foreground))
        // Each route answers the nice value of the thread that ran it, and the read lane.
        @Sendable func niceness(_ request: Request, _ context: BasicRequestContext) async -> String {
            errno = 0
            return "\(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)) \(ReadLane.current)"
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
            #expect(try await answer(.get, "/api/v1/events") == "3 foreground")
            #expect(write.hasSuffix("background"), "outside a read the lane is the default")
            #expect(try await answer(.get, "/healthz") == write)

            async let held = answer(.post, "/api/v1/held")
            for await _ in entered { break }
            #expect(try await answer(.get, "/api/v1/events") == "15 background")
            release.yield()
            #expect(try await held == "done")
            #expect(try await answer(.get, "/api/v1/events") == "3 foreground")
        }
        try await background.shutdown()
        try await foreground.shutdown()
    }
}

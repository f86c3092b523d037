import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RosterServer
import RosterStore
import Testing

/// Reads run on the read threads, below the priority of writes; writes and probes do not.
@Suite struct ReadPriorityTests {
    @Test func getsRunAtTheReadThreadsPriorityWhileWritesAndProbesKeepTheDefault() async throws {
        let threads = ReadThreads(count: 2, niceness: 15)
        let router = Router()
        router.add(middleware: ReadPriorityMiddleware(readThreads: threads))
        // Each route answers the nice value of the thread that ran it.
        @Sendable func niceness(_ request: Request, _ context: BasicRequestContext) async -> String {
            errno = 0
            return String(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
        }
        router.get("/api/v1/events", use: niceness)
        router.post("/api/v1/events", use: niceness)
        router.get("/healthz", use: niceness)
        try await Application(router: router).test(.router) { client in
            func answer(_ method: HTTPRequest.Method, _ path: String) async throws -> Int32? {
                try await client.execute(uri: path, method: method) { Int32(String(buffer: $0.body)) }
            }
            let read = try await answer(.get, "/api/v1/events")
            let write = try await answer(.post, "/api/v1/events")
            let probe = try await answer(.get, "/healthz")
            #expect(read == 15)
            #expect(write != nil && write! < 15)
            #expect(probe == write)
        }
        try await threads.shutdown()
    }
}

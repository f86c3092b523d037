import Foundation
import RosterStore
import Testing

@Suite struct ReadThreadsTests {
    /// The nice value of the thread running this code (Linux keeps one per thread).
    static func currentNiceness() -> Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    @Test func workPreferringTheReadThreadsRunsThereAtTheirLowerPriority() async throws {
        let threads = ReadThreads(count: 2, niceness: 12)
        let outside = Self.currentNiceness()
        let inside = await withTaskExecutorPreference(threads) {
            // Both threads, several times: every one of them was set, not just the first.
            await withTaskGroup(of: Int32.self) { group in
                for _ in 0..<16 { group.addTask { Self.currentNiceness() } }
                return await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
        }
        #expect(inside == [12])
        #expect(outside < 12, "the rest of the process keeps its priority")
        #expect(Self.currentNiceness() == outside)
        try await threads.shutdown()
    }
}

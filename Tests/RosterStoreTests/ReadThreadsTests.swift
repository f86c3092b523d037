import Foundation
import RosterStore
import SQLiteReader
import Testing

@Suite struct ReadThreadsTests {
    /// The nice value of the thread running this code.
    static func currentNiceness() -> Int32 { ReadThreads.currentNiceness ?? 0 }

    @Test(.enabled(if: currentNiceness() < 19, "a process already at the lowest priority has nothing below it"))
    func workPreferringTheReadThreadsRunsThereBelowTheCaller() async throws {
        let outside = Self.currentNiceness()
        let threads = ReadThreads(count: 2)
        let inside = await withTaskExecutorPreference(threads) {
            // Both threads, several times: every one of them was set, not just the first.
            await withTaskGroup(of: Int32.self) { group in
                for _ in 0..<16 { group.addTask { Self.currentNiceness() } }
                return await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
        }
        #expect(threads.belowProcess)
        #expect(inside.count == 1 && inside.allSatisfy { $0 > outside }, "every read thread runs below the caller")
        #expect(Self.currentNiceness() == outside, "the rest of the process keeps its priority")
        try await threads.shutdown()
    }

    @Test func threadsAskedToKeepThePriorityKeepTheCallers() async throws {
        let outside = Self.currentNiceness()
        let threads = ReadThreads(count: 2, lowerPriority: false)
        let inside = await withTaskExecutorPreference(threads) { Self.currentNiceness() }
        #expect(!threads.belowProcess)
        #expect(inside == outside)
        try await threads.shutdown()
    }
}

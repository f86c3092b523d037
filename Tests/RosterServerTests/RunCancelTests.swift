import Foundation
import Testing

@Suite("Cancelling a forced run")
struct RunCancelTests {
    @Test("a running run stops at its next batch boundary, what it wrote counted; a paused one is cancelled at once and never resumed")
    func cancel() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "apiBudgetShare": 0.5"#)
            for chunk in stride(from: 0, to: 4_500, by: 300) {
                try await fixture.importPeople((chunk..<chunk + 300).map { ConnectorFixture.person("p\($0)@example.org") })
            }
            try await fixture.connect()
            let sandbox = fixture.running.sandbox
            sandbox.setLatency(.milliseconds(40))
            let started = try await app.send(.post, "\(fixture.base)/sync", json: "{}").json()
            let runId = try #require(started["runId"] as? String)
            _ = try await fixture.waitForRun(runId, until: ["running"])
            let asked = try await app.send(.post, "\(fixture.base)/runs/\(runId)/cancel")
            #expect(asked.status == .ok)
            #expect(try asked.json()["state"] as? String == "cancelled", "shown cancelled at once")
            let ended = try await fixture.waitForRun(runId, until: ["succeeded", "failed", "paused", "cancelled"])
            #expect(ended["state"] as? String == "cancelled", "\(ended)")
            let processed = try #require(ended["processed"] as? Int)
            #expect(processed < 4_500 && processed % 2_000 == 0, "stopped at a batch boundary: \(processed)")
            #expect(ended["finishedAt"] is String)
            #expect(try fixture.members().count == processed, "what the run wrote before stopping is counted, nothing more was sent")

            // Paused by the budget: cancelled at once; the next Force sync is a new run.
            sandbox.setLatency(.zero)
            sandbox.setAPIUsage(7_600, max: 15_000)
            _ = try await fixture.check()
            let paused = try await fixture.forceSync()
            #expect(paused["state"] as? String == "paused", "\(paused)")
            let pausedId = try #require(paused["id"] as? String)
            #expect(try await app.send(.post, "\(fixture.base)/runs/\(pausedId)/cancel").json()["state"] as? String == "cancelled")
            sandbox.setAPIUsage(100)
            _ = try await fixture.check()
            let next = try await fixture.forceSync()
            #expect(next["id"] as? String != pausedId, "a cancelled run is never resumed")
            #expect(next["state"] as? String == "succeeded", "\(next)")
            #expect(try fixture.members().count == 4_500)
            #expect(try await app.send(.get, "\(fixture.base)/runs/\(pausedId)").json()["state"] as? String == "cancelled")

            #expect(try await app.send(.post, "\(fixture.base)/runs/no-such-run/cancel").status == .notFound)
        }
    }
}

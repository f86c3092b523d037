import Foundation
import HummingbirdTesting
import Testing
@testable import RosterServer

@Suite("Process roles: web processes answer people, workers sync and answer their orchestrator")
struct RoleTests {
    @Test("a worker answers /healthz and /metrics only; the back office and the API are the web processes'")
    func worker() async throws {
        try await TestApp.run(role: .worker) { app in
            #expect(try await app.send(.get, "/healthz", authorized: false).status == .ok)
            let metrics = try await app.send(.get, "/metrics", authorized: false)
            #expect(metrics.status == .ok && String(buffer: metrics.body).contains("# TYPE"))
            for path in ["/api/v1/events", "/events", "/", "/openapi.yaml"] {
                let refused = try await app.send(.get, path)
                #expect(refused.status == .notFound, "\(path)")
                #expect(try refused.apiError().message.contains("--role worker"), "\(path)")
            }
        }
    }

    @Test("a web process answers the API and queues forced runs for the workers")
    func web() async throws {
        try await TestApp.run(role: .web) { app in
            let eventId = try await app.createEvent()
            let queued = try await app.send(.post, "/api/v1/events/\(eventId)/connectors/salesforce/sync", json: "{}")
            #expect(queued.status == .accepted)
            let runId = try #require(try queued.json()["runId"] as? String)
            let run = try await app.send(.get, "/api/v1/events/\(eventId)/connectors/salesforce/runs/\(runId)").json()
            #expect(run["state"] as? String == "queued", "no sync in a web process: a worker takes it")
        }
    }
}

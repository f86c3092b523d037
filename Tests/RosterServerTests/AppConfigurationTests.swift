import NIOCore
import Testing
@testable import RosterServer

@Suite("Configuration from the environment")
struct AppConfigurationTests {
    @Test("ROSTER_PAUSED_RUN_RETRY_SECONDS sets how often paused runs look again; a minute by default")
    func pausedRunRetry() throws {
        let standard = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: [:])
        #expect(standard.pausedRunRetry == .seconds(60))
        let quick = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: ["ROSTER_PAUSED_RUN_RETRY_SECONDS": "2"])
        #expect(quick.pausedRunRetry == .seconds(2))
    }

    @Test("A paused-run interval that is not 1–3600 seconds is refused, naming the variable", arguments: ["0", "soon", "86400"])
    func pausedRunRetryRefused(text: String) {
        #expect {
            _ = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: ["ROSTER_PAUSED_RUN_RETRY_SECONDS": text])
        } throws: { error in
            "\(error)".contains("ROSTER_PAUSED_RUN_RETRY_SECONDS='\(text)'")
        }
    }

    @Test("--role and --max-events (or ROSTER_ROLE, ROSTER_MAX_EVENTS) say what a process does: everything and one event per core by default")
    func roles() throws {
        let standard = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: [:])
        #expect(standard.role == .all && standard.maxEvents == System.coreCount && standard.syncLeaseSeconds == 120)
        let worker = try AppConfiguration.resolve(host: nil, port: nil, database: nil, role: "worker", maxEvents: 3, environment: [:])
        #expect(worker.role == .worker && !worker.role.servesRequests && worker.role.syncs && worker.maxEvents == 3)
        let web = try AppConfiguration.resolve(host: nil, port: nil, database: nil,
                                               environment: ["ROSTER_ROLE": "WEB", "ROSTER_MAX_EVENTS": "8", "ROSTER_SYNC_LEASE_SECONDS": "10"])
        #expect(web.role == .web && web.role.servesRequests && !web.role.syncs && web.maxEvents == 8 && web.syncLeaseSeconds == 10)
    }

    @Test("A role, an event count or a lease that makes no sense is refused, naming the setting",
          arguments: [["ROSTER_ROLE": "scheduler"], ["ROSTER_MAX_EVENTS": "0"], ["ROSTER_MAX_EVENTS": "many"], ["ROSTER_SYNC_LEASE_SECONDS": "1"]])
    func rolesRefused(environment: [String: String]) {
        #expect {
            _ = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: environment)
        } throws: { error in
            "\(error)".contains(environment.keys.first!)
        }
    }
}

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
}

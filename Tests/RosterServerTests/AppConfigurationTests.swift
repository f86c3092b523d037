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

    @Test("Connection limits: 256 per address and 10 s for a request's head by default; trusted proxies are not capped")
    func connectionLimits() throws {
        let standard = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: [:])
        #expect(standard.connectionLimits == ConnectionLimits())
        #expect(standard.connectionLimits.perAddress == 256 && standard.connectionLimits.requestHeadSeconds == 10)
        let set = try AppConfiguration.resolve(host: nil, port: nil, database: nil, trustedProxies: "10.0.0.5, 10.0.0.6", environment: [
            "ROSTER_MAX_CONNECTIONS_PER_ADDRESS": "32", "ROSTER_REQUEST_HEAD_SECONDS": "3",
        ])
        #expect(set.connectionLimits.perAddress == 32 && set.connectionLimits.requestHeadSeconds == 3)
        #expect(set.connectionLimits.exempt == ["10.0.0.5", "10.0.0.6"])
    }

    @Test("A connection limit that makes no sense is refused, naming the variable",
          arguments: [["ROSTER_MAX_CONNECTIONS_PER_ADDRESS": "0"], ["ROSTER_MAX_CONNECTIONS_PER_ADDRESS": "lots"],
                      ["ROSTER_REQUEST_HEAD_SECONDS": "0"], ["ROSTER_REQUEST_HEAD_SECONDS": "3600"]])
    func connectionLimitsRefused(environment: [String: String]) {
        #expect {
            _ = try AppConfiguration.resolve(host: nil, port: nil, database: nil, environment: environment)
        } throws: { error in
            "\(error)".contains(environment.keys.first!)
        }
    }

    @Test("The connection counter admits up to its limit per address and counts released connections out")
    func connectionCounter() {
        let counter = ConnectionCounter(limit: 2)
        #expect(counter.admit("192.0.2.1") && counter.admit("192.0.2.1"))
        #expect(!counter.admit("192.0.2.1"), "a third connection from the address")
        #expect(counter.admit("192.0.2.2"), "another address has its own count")
        counter.release("192.0.2.1")
        #expect(counter.count("192.0.2.1") == 1)
        #expect(counter.admit("192.0.2.1"))
        counter.release("192.0.2.2")
        #expect(counter.count("192.0.2.2") == 0)
    }

    @Test("Clients are counted by IPv4 address, or by the /64 of an IPv6 one (an IPv4-mapped one is its IPv4)")
    func connectionKeys() throws {
        #expect(ConnectionCounter.key(of: try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == "192.0.2.7")
        let one = ConnectionCounter.key(of: try SocketAddress(ipAddress: "2001:db8:1:2:aaaa::1", port: 1))
        let other = ConnectionCounter.key(of: try SocketAddress(ipAddress: "2001:db8:1:2:ffff:1:2:3", port: 1))
        #expect(one == "2001:db8:1:2::/64" && other == one)
        #expect(ConnectionCounter.key(of: try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1)) == "2001:db8:1:3::/64")
        #expect(ConnectionCounter.key(of: try SocketAddress(ipAddress: "::ffff:192.0.2.9", port: 1)) == "192.0.2.9")
        #expect(ConnectionCounter.key(of: nil) == "")
    }
}

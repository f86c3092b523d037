import Foundation
import RosterCore
import SalesforceSandbox
import Testing

@Suite("Sync health: one state per connector, in the API and as the banner on every page of the event")
struct SyncHealthTests {
    static let email = "organiser@example.org"
    static let password = "a long enough password"

    @Test("503s turn the health unreachable at the first failed call, with since, reason and what waits, on the API and the banner; an answer ends it")
    func unreachableThenOK() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("ada@example.org")])
            try await fixture.eventually("the live sync of a registration") { try fixture.members().values.contains("Registered") }
            try await fixture.eventually("the health to be ok, nothing waiting") {
                let calm = try #require(try await fixture.settings()["health"] as? [String: Any])
                return calm["state"] as? String == "ok" && calm["pending"] as? Int == 0 && calm["since"] is NSNull && calm["reason"] is NSNull
            }

            fixture.running.sandbox.setFaults(rate: 1, kinds: [.serverUnavailable])
            let person = try await fixture.participant("ada@example.org")
            #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(person["id"] as! String)", json: #"{"hasAttended": true}"#).status == .ok)
            var health: [String: Any] = [:]
            try await fixture.eventually("the health to say unreachable") {
                health = try #require(try await fixture.settings()["health"] as? [String: Any])
                return health["state"] as? String == "unreachable"
            }
            #expect(health["pending"] as? Int == 1, "\(health)")
            #expect((health["reason"] as? String)?.contains("SERVER_UNAVAILABLE") == true, "\(health)")
            let since = try #require(health["since"] as? String)

            try await app.createUser(Self.email, Self.password)
            let browser = Browser(app)
            _ = try await browser.signIn(Self.email, Self.password)
            let page = try await browser.get("/events/\(fixture.eventId)/participants").text
            #expect(page.contains(#"data-state="unreachable""#))
            #expect(page.contains("Salesforce has been unreachable since <time datetime=\"\(since)\">"), "the time in the reader's zone")
            #expect(page.contains("1 changes wait"))

            // 500s: Salesforce answers, with a passing error.
            fixture.running.sandbox.setFaults(rate: 1, kinds: [.internalServerError])
            try await fixture.eventually("the health to say retrying") {
                (try await fixture.settings()["health"] as? [String: Any])?["state"] as? String == "retrying"
            }

            fixture.running.sandbox.setFaults(rate: 0, kinds: [])
            try await fixture.eventually("the check-in to reach Salesforce") { try fixture.members().values.first == "Attended" }
            try await fixture.eventually("the health to be ok again, nothing waiting") {
                let health = try await fixture.settings()["health"] as? [String: Any]
                return health?["state"] as? String == "ok" && health?["pending"] as? Int == 0
            }
            #expect(!(try await browser.get("/events/\(fixture.eventId)/participants").text).contains("sync-banner"))
        }
    }

    @Test("the budget holds the live sync: paused with its figures; a lost connection: disconnected; connected again, the changes leave")
    func pausedThenDisconnected() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""apiBudgetShare": 0.5"#)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("ada@example.org")])
            try await fixture.eventually("the live sync of a registration") { try fixture.members().values.contains("Registered") }

            fixture.running.sandbox.setAPIUsage(7_600, max: 15_000)
            _ = try await fixture.check() // the client learns the usage
            try await fixture.importPeople([ConnectorFixture.person("grace@example.org")])
            var health: [String: Any] = [:]
            try await fixture.eventually("the health to say paused") {
                health = try #require(try await fixture.settings()["health"] as? [String: Any])
                return health["state"] as? String == "paused"
            }
            #expect((health["reason"] as? String)?.contains("of 15000 daily calls") == true, "\(health)")
            #expect(health["pending"] as? Int == 1)

            fixture.running.sandbox.setAPIUsage(100)
            #expect(try await app.send(.delete, "\(fixture.base)/connection").status == .ok)
            let disconnected = try #require(try await fixture.settings()["health"] as? [String: Any])
            #expect(disconnected["state"] as? String == "disconnected", "the connection first: nothing goes without it")

            try await fixture.connect()
            try await fixture.eventually("the waiting registration to leave once connected, the pause over") {
                let health = try await fixture.settings()["health"] as? [String: Any]
                return health?["state"] as? String == "ok" && health?["pending"] as? Int == 0
            }
            #expect(try fixture.members().count == 2)
        }
    }

    @Test("a Salesforce failure met by a screen's request answers 502 with Salesforce's words, never 500")
    func screenRequestsFailAsSalesforce() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            fixture.running.sandbox.setFaults(rate: 1, kinds: [.serverUnavailable])
            let answer = try await app.send(.get, "\(fixture.base)/lead-assignment-rules")
            #expect(answer.status == .badGateway)
            let error = try answer.apiError()
            #expect(error.code == "salesforce_error" && error.message.contains("SERVER_UNAVAILABLE"), "\(error)")
        }
    }

    @Test("the one state shown: the connection first, then failing calls (while recent), then a pause")
    func evaluation() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let connected = SalesforceConnection(state: .connected)
        let failing = SyncTrouble(kind: .unreachable, since: now.addingTimeInterval(-30), reason: "SERVER_UNAVAILABLE", seenAt: now.addingTimeInterval(-2))
        let old = SyncTrouble(kind: .unreachable, since: now.addingTimeInterval(-600), reason: "gone", seenAt: now.addingTimeInterval(-SyncTrouble.staleAfter))
        let run = (reason: "budget", since: Date?.none)

        #expect(SyncHealth.evaluate(enabled: false, connection: SalesforceConnection(state: .broken), trouble: failing, pausedRun: run, pending: 3, now: now)
                == SyncHealth(state: .ok, pending: 3), "switched off: nobody asked for Salesforce")
        #expect(SyncHealth.evaluate(enabled: true, connection: SalesforceConnection(state: .broken, error: "revoked"), trouble: failing, pausedRun: run, pending: 3, now: now)
                == SyncHealth(state: .broken, reason: "revoked", pending: 3))
        #expect(SyncHealth.evaluate(enabled: true, connection: SalesforceConnection(), trouble: failing, pausedRun: nil, pending: 0, now: now).state == .disconnected)
        #expect(SyncHealth.evaluate(enabled: true, connection: connected, trouble: failing, pausedRun: run, pending: 2, now: now)
                == SyncHealth(state: .unreachable, since: failing.since, reason: "SERVER_UNAVAILABLE", pending: 2))
        #expect(SyncHealth.evaluate(enabled: true, connection: connected, trouble: old, pausedRun: run, pending: 2, now: now)
                == SyncHealth(state: .paused, reason: "budget", pending: 2), "a trouble nobody saw again for two minutes is no longer believed")
        #expect(SyncHealth.evaluate(enabled: true, connection: connected, trouble: old, pausedRun: nil, pending: 0, now: now) == SyncHealth(state: .ok, pending: 0))
    }
}

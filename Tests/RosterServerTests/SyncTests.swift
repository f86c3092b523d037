import Foundation
import HummingbirdTesting
import RosterStore
import SalesforceSandbox
import Synchronization
import Testing

@Suite("Sync into the campaign, against the sandbox")
struct SyncTests {
    @Test("a forced sync matches Contacts, Leads and converted Leads, creates the rest, and adds everyone once")
    func forcedSync() async throws {
        let clock = Mutex<Int64>(1_800_000_000_000)
        try await TestApp.run(withSandbox: true, sandboxClock: { clock.withLock { $0 } }) { app in
            // Switched off, so the live sync leaves the forced run all the work.
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            let org = fixture.org
            let contact = try org.create("Contact", ["LastName": "Known", "Email": "known@example.org"])
            let older = try org.create("Contact", ["LastName": "Twin A", "Email": "twin@example.org"])
            let lead = try org.create("Lead", ["LastName": "Prospect", "Company": "Acme", "Email": "lead@example.org"])
            let converted = try org.create("Lead", ["LastName": "Was Lead", "Company": "Acme", "Email": "converted@example.org"])
            let convertedContact = try fixture.running.sandbox.convertLead(converted)
            clock.withLock { $0 += 60_000 } // a later LastModifiedDate for the second twin
            let newer = try org.create("Contact", ["LastName": "Twin B", "Email": "TWIN@example.org"])
            try await fixture.importPeople([
                ConnectorFixture.person("known@example.org"), ConnectorFixture.person("twin@example.org", attended: true),
                ConnectorFixture.person("lead@example.org"), ConnectorFixture.person("converted@example.org"),
                ConnectorFixture.person("new@example.org", company: "Newco"), ConnectorFixture.person("nocompany@example.org"),
                ConnectorFixture.person("stranger@example.org", registered: false),
            ])
            try await fixture.connect()
            let leadsBefore = org.count("Lead")
            let run = try await fixture.forceSync()
            #expect(run["state"] as? String == "succeeded", "\(run)")
            #expect(run["processed"] as? Int == 7)
            #expect(run["created"] as? Int == 2)
            #expect(run["updated"] as? Int == 4)
            #expect(run["failed"] as? Int == 0)
            #expect((run["apiCalls"] as? Int ?? 99) <= 4)

            #expect(org.count("Lead") == leadsBefore + 2)
            let members = try fixture.members()
            #expect(members[contact] == "Registered")
            #expect(members[newer] == "Attended")
            #expect(members[older] == nil)
            #expect(members[lead] == "Registered")
            #expect(members[convertedContact] == "Registered")
            #expect(members.count == 6)
            let created = try org.query("SELECT Id, Company, Email FROM Lead WHERE Email IN ('new@example.org', 'nocompany@example.org') ORDER BY Email")
            #expect(created.map { $0["Company"]?.stringValue } == ["Newco", "[not provided]"])

            let twin = try await fixture.participant("twin@example.org")
            let state = try #require(twin["salesforce"] as? [String: Any])
            #expect(state["contactId"] as? String == newer)
            #expect(state["syncedAt"] is String)
            let synced = try await app.send(.get, "/api/v1/events/\(fixture.eventId)/participants?synced=true").json()
            #expect(synced["total"] as? Int == 6)

            // Again, with nothing changed: no write, a single call, nobody doubled.
            let calls = fixture.running.sandbox.apiCallCount
            let again = try await fixture.forceSync()
            #expect(again["unchanged"] as? Int == 7, "\(again)")
            #expect(fixture.running.sandbox.apiCallCount - calls <= 2)
            #expect(try fixture.members().count == 6)
            #expect(org.count("Lead") == leadsBefore + 2)
        }
    }

    @Test("with allowUpdate off, existing records stay byte-identical; only membership changes")
    func allowUpdateOff() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "allowUpdate": false, "mappings": {"contact": {"size": "Department"}}"#)
            let id = try fixture.org.create("Contact", ["FirstName": "Old", "LastName": "Name", "Email": "known@example.org", "Title": "CEO"])
            let before = try #require(fixture.org.record(id))
            try await fixture.importPeople([ConnectorFixture.person("known@example.org")])
            try await fixture.connect()
            let run = try await fixture.forceSync()
            #expect(run["linked"] as? Int == 1, "\(run)")
            #expect(fixture.org.record(id) == before)
            #expect(try fixture.members()[id] == "Registered")
        }
    }

    @Test("a dry run plans every person and writes nothing")
    func dryRun() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try fixture.org.create("Contact", ["LastName": "Known", "Email": "known@example.org"])
            try await fixture.importPeople([ConnectorFixture.person("known@example.org"), ConnectorFixture.person("new@example.org")])
            try await fixture.connect()
            let contacts = fixture.org.count("Contact"), leads = fixture.org.count("Lead"), members = fixture.org.count("CampaignMember")
            let run = try await fixture.forceSync(dryRun: true)
            #expect(run["dryRun"] as? Bool == true)
            #expect(run["created"] as? Int == 1 && run["updated"] as? Int == 1, "\(run)")
            #expect(fixture.org.count("Contact") == contacts && fixture.org.count("Lead") == leads && fixture.org.count("CampaignMember") == members)
            let person = try await fixture.participant("new@example.org")
            #expect((person["salesforce"] as? [String: Any])?["syncedAt"] is NSNull)
            let history = try await app.send(.get, "/api/v1/events/\(fixture.eventId)/participants/\(person["id"] as! String)/salesforce/history").json()
            // What the dry run planned is in its results, not in the person's history.
            #expect((history["items"] as? [[String: Any]])?.isEmpty == true)
            let results = try await app.send(.get, "\(fixture.base)/runs/\(run["id"] as! String)/results").json()
            let planned = try #require((results["items"] as? [[String: Any]])?.first { $0["email"] as? String == "new@example.org" })
            #expect(planned["outcome"] as? String == "planned")
            #expect(planned["operation"] as? String == "create")
            #expect(run["startedBy"] as? String == "tests", "who queued it: the token's name")

            // Every line as CSV, header first, a spreadsheet's way; the outcome filter applies.
            let csv = try await app.send(.get, "\(fixture.base)/runs/\(run["id"] as! String)/results?format=csv")
            #expect(csv.headers[.contentType] == "text/csv")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"sync-dry-run-\(run["id"] as! String).csv\"")
            let lines = String(buffer: csv.body).split(separator: "\r\n").map(String.init)
            #expect(lines.first == "at,email,participantId,operation,object,recordId,outcome,error")
            #expect(lines.count == 1 + (results["items"] as? [Any])!.count)
            #expect(lines.contains { $0.contains(",new@example.org,\(person["id"] as! String),create,") && $0.hasSuffix(",planned,") })
            let failedOnly = try await app.send(.get, "\(fixture.base)/runs/\(run["id"] as! String)/results?format=csv&outcome=failed")
            #expect(String(buffer: failedOnly.body) == "at,email,participantId,operation,object,recordId,outcome,error\r\n")
        }
    }

    @Test("an existing member at Attended is not set back; one at the default status moves forward")
    func statusesMoveForward() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "allowUpdate": false"#)
            let campaign = try #require(try fixture.org.query("SELECT Id FROM Campaign WHERE Name = '\(ConnectorFixture.campaign)'").first?["Id"]?.stringValue)
            let came = try fixture.org.create("Contact", ["LastName": "Came", "Email": "came@example.org"])
            let sent = try fixture.org.create("Contact", ["LastName": "Sent", "Email": "sent@example.org"])
            try fixture.org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(came), "Status": "Attended"])
            try fixture.org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(sent), "Status": "Sent"])
            try await fixture.importPeople([ConnectorFixture.person("came@example.org"), ConnectorFixture.person("sent@example.org")])
            try await fixture.connect()
            let run = try await fixture.forceSync()
            #expect(run["failed"] as? Int == 0, "\(run)")
            #expect(try fixture.members() == [came: "Attended", sent: "Registered"])
        }
    }

    @Test("a check-in reaches the campaign by itself (live sync)")
    func liveCheckIn() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("ada@example.org")])
            try await fixture.eventually("the live sync of a registration") {
                try fixture.members().values.contains("Registered")
            }
            let person = try await fixture.participant("ada@example.org")
            let response = try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(person["id"] as! String)", json: #"{"hasAttended": true}"#)
            #expect(response.status == .ok)
            try await fixture.eventually("the live sync of a check-in") { try fixture.members().values.first == "Attended" }
            #expect(fixture.org.count("Lead") == 1)
        }
    }

    @Test("a check-in made while disconnected waits in the queue and is sent once connected again")
    func checkInWhileDisconnected() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app)
            try await fixture.connect()
            try await fixture.importPeople([ConnectorFixture.person("ada@example.org")])
            try await fixture.eventually("the live sync of a registration") { try fixture.members().values.contains("Registered") }
            #expect(try await app.send(.delete, "\(fixture.base)/connection").status == .ok)

            let person = try await fixture.participant("ada@example.org")
            let checkIn = try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(person["id"] as! String)", json: #"{"hasAttended": true}"#)
            #expect(checkIn.status == .ok)
            // The live sync turns every 100 ms: once the change has waited 1.5 s, it has been looked
            // at many times and is still there (before, it was marked done and never sent).
            try await fixture.eventually("the change to wait in the queue while disconnected") {
                let queue = try await app.send(.get, "\(fixture.base)/queue").json()
                return queue["pending"] as? Int == 1 && (queue["lagSeconds"] as? Double ?? 0) >= 1.5
            }
            #expect(try fixture.members().values.first == "Registered")

            try await fixture.connect()
            try await fixture.eventually("the waiting check-in to reach Salesforce") { try fixture.members().values.first == "Attended" }
            try await fixture.eventually("the queue to empty") { try await app.send(.get, "\(fixture.base)/queue").json()["pending"] as? Int == 0 }
        }
    }

    @Test("the connector says how many people Salesforce does not have yet: changed while it was off, or never synced")
    func unsyncedParticipants() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            #expect(try await fixture.settings()["unsyncedParticipants"] as? Int == 0)
            try await fixture.importPeople((0..<3).map { ConnectorFixture.person("p\($0)@example.org") })
            try await fixture.connect()
            #expect(try await fixture.settings()["unsyncedParticipants"] as? Int == 3)
            #expect(try await fixture.forceSync()["state"] as? String == "succeeded")
            #expect(try await fixture.settings()["unsyncedParticipants"] as? Int == 0)
            // Switched off, one check-in: it is what a sync would now send.
            let person = try await fixture.participant("p1@example.org")
            #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(person["id"] as! String)", json: #"{"hasAttended": true}"#).status == .ok)
            let view = try await fixture.put(#"{"enabled": true}"#).json()
            #expect(view["unsyncedParticipants"] as? Int == 1)
        }
    }

    @Test("excluded emails and domains are never sent")
    func exclusions() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "exclusions": ["boss@example.org", "@staff.example"]"#)
            try await fixture.importPeople([ConnectorFixture.person("boss@example.org"), ConnectorFixture.person("a@staff.example"),
                                            ConnectorFixture.person("guest@example.org")])
            try await fixture.connect()
            let run = try await fixture.forceSync()
            #expect(run["created"] as? Int == 1, "\(run)")
            #expect(try fixture.org.query("SELECT Email FROM Lead").compactMap { $0["Email"]?.stringValue } == ["guest@example.org"])
        }
    }

    @Test("duplicate rules are respected (the match is stored on the person), or saved anyway when asked", arguments: [false, true])
    func duplicateRules(allowSave: Bool) async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "duplicateRules": "\#(allowSave ? "allowSave" : "respect")""#)
            let mine = try fixture.org.create("Contact", ["LastName": "Mine", "Email": "old@example.org"])
            let other = try fixture.org.create("Contact", ["LastName": "Other", "Email": "new@example.org"])
            try await fixture.importPeople([ConnectorFixture.person("old@example.org")])
            try await fixture.connect()
            #expect(try await fixture.forceSync()["failed"] as? Int == 0)
            // The person's email changes to one another Contact has; the remembered Contact is updated.
            fixture.org.setDuplicateRule(object: "Contact", active: true)
            let person = try await fixture.participant("old@example.org")
            let patched = try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(person["id"] as! String)", json: #"{"email": "new@example.org"}"#)
            #expect(patched.status == .ok)
            let run = try await fixture.forceSync()
            let state = try #require(try await fixture.participant("new@example.org")["salesforce"] as? [String: Any])
            if allowSave {
                #expect(run["failed"] as? Int == 0, "\(run)")
                #expect(fixture.org.record(mine)?["Email"]?.stringValue == "new@example.org")
            } else {
                #expect(run["failed"] as? Int == 1, "\(run)")
                let error = try #require(state["error"] as? String)
                #expect(error.contains("DUPLICATES_DETECTED") && error.contains(other), "\(error)")
                #expect(fixture.org.record(mine)?["Email"]?.stringValue == "old@example.org")
            }
        }
    }
}

@Suite("Sync under faults, budget and crashes")
struct SyncFaultTests {
    @Test("10% injected faults end in the exact final state in one run: nobody missing, nobody doubled, nobody failed")
    func faults() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            for index in 0..<40 { try fixture.org.create("Contact", ["LastName": .string("C\(index)"), "Email": .string("known\(index)@example.org")]) }
            let people = (0..<40).map { ConnectorFixture.person("known\($0)@example.org", attended: $0 % 2 == 0) }
                + (0..<160).map { ConnectorFixture.person("new\($0)@example.org", attended: $0 % 3 == 0) }
            try await fixture.importPeople(people)
            try await fixture.connect()
            fixture.running.sandbox.setFaults(rate: 0.1, kinds: [.serverUnavailable, .internalServerError, .dropBeforeCommit, .dropAfterCommit, .unableToLockRow])
            let run = try await fixture.forceSync()
            fixture.running.sandbox.setFaults(rate: 0, kinds: [])
            // Records that failed to lock are sent again after a back-off; nobody is left failed.
            #expect(run["state"] as? String == "succeeded" && run["failed"] as? Int == 0, "\(run)")
            #expect(fixture.org.count("Contact") == 40)
            #expect(fixture.org.count("Lead") == 160)
            let emails = try fixture.org.query("SELECT Email FROM Lead").compactMap { $0["Email"]?.stringValue }
            #expect(Set(emails).count == 160)
            let members = try fixture.members()
            #expect(members.count == 200)
            #expect(members.values.filter { $0 == "Attended" }.count == 20 + 54)
        }
    }

    @Test("a crash between the Salesforce write and the local commit is followed by a re-run without duplicates")
    func crashBeforeLocalCommit() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.importPeople((0..<30).map { ConnectorFixture.person("p\($0)@example.org") })
            try await fixture.connect()
            #expect(try await fixture.forceSync()["created"] as? Int == 30)
            // What a crash before the local commit leaves: Salesforce has everything, Roster nothing.
            let database = try RosterDatabase(url: .sqlite(path: app.databasePath), logger: .init(label: "test"))
            try await database.writer.raw("UPDATE participants SET sf_synced_at = NULL, sf_contact_id = NULL, sf_lead_id = NULL, sf_campaign_member_id = NULL").run()
            // The kept synced count is written in the same transaction, so the crash takes it back too.
            try await database.writer.raw("UPDATE event_participant_counts SET synced = 0").run()
            try await database.shutdown()
            let run = try await fixture.forceSync()
            #expect(run["failed"] as? Int == 0 && run["created"] as? Int == 0, "\(run)")
            #expect(fixture.org.count("Lead") == 30)
            #expect(try fixture.members().count == 30)
            let synced = try await app.send(.get, "/api/v1/events/\(fixture.eventId)/participants?synced=true").json()
            #expect(synced["total"] as? Int == 30)
            #expect(((try await fixture.participant("p7@example.org"))["salesforce"] as? [String: Any])?["campaignMemberId"] is String)
        }
    }

    @Test("the API budget pauses a run with the reason; it looks at the org's usage again by itself, once per retry interval, and resumes")
    func budget() async throws {
        let clock = MovableClock()
        try await TestApp.run(withSandbox: true, now: { clock.now }, configure: { $0.pausedRunRetry = .milliseconds(200) }) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "apiBudgetShare": 0.5"#)
            try await fixture.importPeople((0..<10).map { ConnectorFixture.person("p\($0)@example.org") })
            try await fixture.connect()
            let sandbox = fixture.running.sandbox
            sandbox.setAPIUsage(7_600, max: 15_000)
            _ = try await fixture.check() // the client learns the usage
            let callsBefore = sandbox.apiCallCount
            let paused = try await fixture.forceSync()
            #expect(paused["state"] as? String == "paused", "\(paused)")
            #expect((paused["pausedReason"] as? String)?.contains("of 15000 daily calls, the limit is 50%") == true, "\(paused)")
            #expect(sandbox.apiCallCount - callsBefore == 1, "one look at the Limits resource, nothing written")
            #expect(fixture.org.count("Lead") == 0)

            // The org's rolling 24 hours free calls. Nobody presses anything: the service tries the
            // paused run again every 200 ms, and reads the usage again once the retry interval has
            // passed on Roster's clock (UsageRecheckTests: never more often).
            sandbox.setAPIUsage(100)
            let runId = try #require(paused["id"] as? String)
            clock.advance(by: 1)
            let resumed = try await fixture.waitForRun(runId, until: ["succeeded", "failed"])
            #expect(resumed["state"] as? String == "succeeded", "\(resumed)")
            #expect(fixture.org.count("Lead") == 10)
        }
    }

    @Test("Salesforce's request limits wait: the concurrent one is retried, the daily one pauses the run until it allows")
    func requestLimits() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.importPeople((0..<10).map { ConnectorFixture.person("p\($0)@example.org") })
            try await fixture.connect()
            fixture.running.sandbox.queueFaults([.concurrentRequestLimitExceeded, .concurrentRequestLimitExceeded])
            let retried = try await fixture.forceSync()
            #expect(retried["state"] as? String == "succeeded", "\(retried)")
            #expect(fixture.org.count("Lead") == 10)

            try await fixture.importPeople((10..<15).map { ConnectorFixture.person("p\($0)@example.org") })
            fixture.running.sandbox.queueFaults([.requestLimitExceeded])
            let paused = try await fixture.forceSync()
            #expect(paused["state"] as? String == "paused", "\(paused)")
            #expect((paused["pausedReason"] as? String)?.contains("TotalRequests") == true)
            let resumed = try await fixture.forceSync()
            #expect(resumed["id"] as? String == paused["id"] as? String, "the same run goes on")
            #expect(resumed["state"] as? String == "succeeded", "\(resumed)")
            #expect(resumed["created"] as? Int == 5 && resumed["unchanged"] as? Int == 10 && resumed["processed"] as? Int == 15, "\(resumed)")
            #expect(fixture.org.count("Lead") == 15)
        }
    }

    @Test("a run started while disconnected waits, and goes on by itself at the next login")
    func runWaitsForTheConnection() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.importPeople((0..<5).map { ConnectorFixture.person("p\($0)@example.org") })
            let paused = try await fixture.forceSync()
            #expect(paused["state"] as? String == "paused", "\(paused)")
            #expect((paused["pausedReason"] as? String)?.contains("resumes by itself once Roster is connected") == true)
            try await fixture.connect()
            // No second request: the login itself resumes the run, well before the minute's retry of paused runs.
            let runId = try #require(paused["id"] as? String)
            let resumed = try await fixture.waitForRun(runId, until: ["succeeded", "failed"], within: .seconds(20))
            #expect(resumed["state"] as? String == "succeeded", "\(resumed)")
            #expect(fixture.org.count("Lead") == 5)
        }
    }
}

@Suite("Cancelled registrations")
struct CancellationTests {
    @Test("a cancelled registration reaches the campaign as the cancelled status, live; the check names a status the campaign lacks")
    func cancellation() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            let campaign = try #require(try fixture.org.query("SELECT Id FROM Campaign WHERE Name = '\(ConnectorFixture.campaign)'").first?["Id"]?.stringValue)
            try fixture.org.create("CampaignMemberStatus", ["CampaignId": .string(campaign), "Label": "Cancelled"])
            try await fixture.importPeople([ConnectorFixture.person("ann@example.org"), ConnectorFixture.person("bob@example.org", attended: true)])
            try await fixture.connect()
            _ = try await fixture.forceSync()
            #expect(try fixture.members().values.sorted() == ["Attended", "Registered"])

            #expect(try await fixture.put(#"{"enabled": true, "cancelledStatus": "Cancelled"}"#).status == .ok)
            for email in ["ann@example.org", "bob@example.org"] {
                let id = try #require(try await fixture.participant(email)["id"] as? String)
                #expect(try await app.send(.patch, "/api/v1/events/\(fixture.eventId)/participants/\(id)", json: #"{"isRegistered": false}"#).status == .ok)
            }
            try await fixture.eventually("the cancellation to reach the campaign") { try fixture.members().values.sorted() == ["Attended", "Cancelled"] }

            #expect(try await fixture.put(#"{"cancelledStatus": "Withdrawn"}"#).status == .ok)
            let report = try await fixture.check()
            #expect(report.issues("errors").contains { $0.code == "cancelled_status_not_found" && $0.field == "cancelledStatus" }, "\(report)")
        }
    }
}

@Suite("Batches that adapt to the org's automation")
struct AdaptiveBatchTests {
    @Test("triggers out of CPU past 40 records: collections halve until they pass, everyone is synced, nobody failed, the run says the sizes")
    func cpuLimit() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.importPeople((0..<300).map { ConnectorFixture.person("p\($0)@example.org", attended: $0 % 3 == 0) })
            try await fixture.connect()
            fixture.running.sandbox.setCPULimit(object: "Lead", records: 40)
            fixture.running.sandbox.setCPULimit(object: "CampaignMember", records: 40)
            let run = try await fixture.forceSync()
            #expect(run["state"] as? String == "succeeded" && run["failed"] as? Int == 0 && run["created"] as? Int == 300, "\(run)")
            #expect(run["batchSizes"] as? [String: Int] == ["Lead": 25, "CampaignMember": 25], "\(run)")
            #expect(fixture.org.count("Lead") == 300)
            let members = try fixture.members()
            #expect(members.count == 300 && members.values.filter { $0 == "Attended" }.count == 100)

            // The check says so, and names the setting that starts there.
            let warned = try await fixture.check().issues("warnings").filter { $0.code == "batch_size_reduced" }.map(\.field)
            #expect(warned == ["batchSize.campaignMember", "batchSize.lead"])

            // The next run starts from twice the size that held, and falls back to it at once.
            try await fixture.importPeople((300..<400).map { ConnectorFixture.person("p\($0)@example.org") })
            let next = try await fixture.forceSync()
            #expect(next["failed"] as? Int == 0 && next["created"] as? Int == 100, "\(next)")
            #expect(next["batchSizes"] as? [String: Int] == ["Lead": 25, "CampaignMember": 25], "\(next)")

            // Capped up front, nothing is refused: the run does not shrink, and the check is quiet.
            #expect(try await fixture.put(#"{"batchSize": {"lead": 25, "campaignMember": 25}}"#).status == .ok)
            try await fixture.importPeople((400..<450).map { ConnectorFixture.person("p\($0)@example.org") })
            let capped = try await fixture.forceSync()
            #expect(capped["failed"] as? Int == 0 && capped["created"] as? Int == 50 && (capped["batchSizes"] as? [String: Int])?.isEmpty == true, "\(capped)")
            #expect(try await fixture.check().issues("warnings").allSatisfy { $0.code != "batch_size_reduced" })
            #expect(try await fixture.settings()["batchSize"] as? [String: Int] == ["lead": 25, "campaignMember": 25])
            let refused = try await fixture.put(#"{"batchSize": {"lead": 500}}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.apiError().details.first?["field"] as? String == "batchSize.lead")
            #expect(fixture.org.count("Lead") == 450)
        }
    }
}

@Suite("Fixed values")
struct FixedValueTests {
    @Test("a Lead source on new Leads and on known ones where it is empty, never over a rep's; the check names a picklist value the org lacks")
    func leadSource() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try fixture.org.create("Lead", ["LastName": "K", "Company": "Acme", "Email": "web@example.org", "LeadSource": "Web"])
            try fixture.org.create("Lead", ["LastName": "K", "Company": "Acme", "Email": "blank@example.org"])
            try await fixture.importPeople(["new@example.org", "web@example.org", "blank@example.org"].map { ConnectorFixture.person($0) })
            #expect(try await fixture.put(#"{"fixedValues": {"lead": {"LeadSource": "Partner Referral"}}}"#).status == .ok)
            #expect(try await fixture.settings()["fixedValues"] as? [String: [String: String]] == ["lead": ["LeadSource": "Partner Referral"]])
            try await fixture.connect()
            let run = try await fixture.forceSync()
            #expect(run["state"] as? String == "succeeded" && run["failed"] as? Int == 0, "\(run)")
            let sources = Dictionary(uniqueKeysWithValues: try fixture.org.query("SELECT Email, LeadSource FROM Lead").map {
                ($0["Email"]?.stringValue ?? "", $0["LeadSource"]?.stringValue ?? "")
            })
            #expect(sources == ["new@example.org": "Partner Referral", "web@example.org": "Web", "blank@example.org": "Partner Referral"])

            #expect(try await fixture.put(#"{"fixedValues": {"lead": {"LeadSource": "Trade Show"}}}"#).status == .ok)
            let report = try await fixture.check()
            #expect(report.issues("errors").contains { $0.code == "fixed_value_not_in_picklist" && $0.field == "fixedValues.lead.LeadSource" }, "\(report)")
            let refused = try await fixture.put(#"{"fixedValues": {"lead": {"LeadSource": ["Web"]}}}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.apiError().details.first?["field"] as? String == "fixedValues.lead.LeadSource")
        }
    }
}

@Suite("Accounts for new Contacts")
struct ContactAccountTests {
    @Test("new Contacts join their company's Account (the newest of two, any case), the missing ones created once across two batches; no company: the event's; known Contacts never move")
    func byCompany() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false, "allowLeadCreation": false"#)
            let older = try fixture.org.create("Account", ["Name": "ACME "])
            let newer = try fixture.org.create("Account", ["Name": "acme"])
            try fixture.org.update(older, ["Description": "touched first"])
            try fixture.org.update(newer, ["Description": "touched last"])
            let elsewhere = try fixture.org.create("Account", ["Name": "Elsewhere"])
            try fixture.org.create("Contact", ["LastName": "K", "Email": "known@example.org", "AccountId": .string(elsewhere)])
            let companies = ["Acme", "Globex", "Initech", ""]
            // More than one batch of 2,000: the second finds what the first created.
            let people = (0..<2_010).map { ConnectorFixture.person("p\($0)@example.org", company: companies[$0 % 4]) }
            try await fixture.importPeople(people + [ConnectorFixture.person("known@example.org", company: "Globex")])
            try await fixture.connect()
            let run = try await fixture.forceSync()
            #expect(run["state"] as? String == "succeeded" && run["failed"] as? Int == 0 && run["created"] as? Int == 2_010, "\(run)")
            let accounts = try fixture.org.query("SELECT Id, Name FROM Account")
            let byName = Dictionary(grouping: accounts, by: { $0["Name"]?.stringValue ?? "" }).mapValues(\.count)
            #expect(byName == ["ACME ": 1, "acme": 1, "Elsewhere": 1, "Globex": 1, "Initech": 1, "Summit": 1], "each missing Account created once")
            let accountOf = Dictionary(uniqueKeysWithValues: try fixture.org.query("SELECT Email, AccountId FROM Contact").map {
                ($0["Email"]?.stringValue ?? "", $0["AccountId"]?.stringValue ?? "")
            })
            let idOf = Dictionary(uniqueKeysWithValues: accounts.map { ($0["Name"]?.stringValue ?? "", $0["Id"]?.stringValue ?? "") })
            #expect(accountOf["p0@example.org"] == newer, "the most recently modified of two Accounts named alike")
            #expect(accountOf["p1@example.org"] == idOf["Globex"] && accountOf["p2005@example.org"] == idOf["Globex"])
            #expect(accountOf["p3@example.org"] == idOf["Summit"], "no company: the event's Account")
            #expect(accountOf["known@example.org"] == elsewhere, "an existing Contact never moves")
            #expect(accountOf.values.allSatisfy { !$0.isEmpty }, "no private contact")

            #expect(try await fixture.put(#"{"contactAccount": {"mode": "none"}}"#).status == .ok)
            try await fixture.importPeople([ConnectorFixture.person("private@example.org", company: "Hooli")])
            _ = try await fixture.forceSync()
            #expect(try fixture.org.query("SELECT AccountId FROM Contact WHERE Email = 'private@example.org'").first?["AccountId"] == .null)
            #expect(try fixture.org.query("SELECT Id FROM Account WHERE Name = 'Hooli'").isEmpty)
            let refused = try await fixture.put(#"{"contactAccount": {"mode": "fixed"}}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.apiError().details.first?["field"] as? String == "contactAccount.accountId")
        }
    }
}

@Suite("Batches that shrink under row-lock contention")
struct RowLockContentionTests {
    @Test("a collection whose rows are all held by another job: its records go again in halves after the back-off, and nobody fails")
    func contention() async throws {
        try await TestApp.run(withSandbox: true) { app in
            let fixture = try await ConnectorFixture.make(app, settings: #""enabled": false"#)
            try await fixture.importPeople((0..<300).map { ConnectorFixture.person("p\($0)@example.org") })
            try await fixture.connect()
            fixture.running.sandbox.holdRows(of: "Lead", writes: 1)
            let run = try await fixture.forceSync()
            #expect(run["state"] as? String == "succeeded" && run["failed"] as? Int == 0 && run["created"] as? Int == 300, "\(run)")
            #expect(run["batchSizes"] as? [String: Int] == ["Lead": 100], "\(run)")
            #expect(try fixture.org.count("Lead") == 300 && fixture.members().count == 300)
        }
    }
}

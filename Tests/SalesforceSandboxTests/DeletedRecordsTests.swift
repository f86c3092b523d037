import Synchronization
import Testing
@testable import SalesforceSandbox

/// The Get Deleted Records resource as the REST API Developer Guide documents it
/// (`GET /sobjects/X/deleted/?start=&end=`): what a removed campaign member leaves behind.
@Suite("Get Deleted Records: removed campaign members, the window, the errors")
struct DeletedRecordsTests {
    /// 2026-12-01T10:00:30Z, in milliseconds.
    static let start: Int64 = 1_796_119_230_000

    @Test("a member removed, and those a deleted Contact took with it, are answered with their dates; the next start is latestDateCovered")
    func removedMembers() async throws {
        let time = Atomic<Int64>(Self.start)
        var configuration = SandboxConfiguration(username: "admin@test.example", password: "pw")
        configuration.clock = { time.load(ordering: .relaxed) }
        let harness = try SandboxHarness(configuration)
        let campaign = try harness.org.create("Campaign", ["Name": "Summit"])
        let ada = try harness.org.create("Contact", ["LastName": "Lovelace", "Email": "ada@example.com"])
        let grace = try harness.org.create("Contact", ["LastName": "Hopper", "Email": "grace@example.com"])
        let adaMember = try harness.org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(ada)])
        let graceMember = try harness.org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(grace)])
        try await harness.run { client in
            time.store(Self.start + 60_000, ordering: .relaxed) // 10:01:30
            #expect(try await client.call(.delete, "sobjects/CampaignMember/\(adaMember)").status == 204)
            time.store(Self.start + 120_000, ordering: .relaxed) // 10:02:30
            #expect(try await client.call(.delete, "sobjects/Contact/\(grace)").status == 204)
            time.store(Self.start + 300_000, ordering: .relaxed) // 10:05:30

            let answer = try await client.call(.get, "sobjects/CampaignMember/deleted/?start=2026-12-01T10%3A00%3A00%2B00%3A00&end=2026-12-01T10%3A10%3A00Z")
            #expect(answer.status == 200)
            let deleted = answer.json?["deletedRecords"]?.arrayValue ?? []
            #expect(deleted.compactMap { $0["id"]?.stringValue } == [adaMember, graceMember])
            #expect(deleted.first?["deletedDate"]?.stringValue == "2026-12-01T10:01:30.000+0000")
            #expect(answer.json?["latestDateCovered"]?.stringValue == "2026-12-01T10:05:00.000+0000", "seconds truncated; never past now")
            #expect(answer.json?["earliestDateAvailable"]?.stringValue == "2026-11-16T10:05:00.000+0000", "15 days back")

            // From latestDateCovered on: what was seen is not seen again; a Contact is an object of its own.
            time.store(Self.start + 600_000, ordering: .relaxed)
            let next = try await client.call(.get, "sobjects/CampaignMember/deleted/?start=2026-12-01T10:05:00.000%2B0000&end=2026-12-01T10:10:30Z")
            #expect(next.json?["deletedRecords"]?.arrayValue?.isEmpty == true)
            let contacts = try await client.call(.get, "sobjects/Contact/deleted/?start=2026-12-01T10:00:00Z&end=2026-12-01T10:10:00Z")
            #expect(contacts.json?["deletedRecords"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [grace])
        }
    }

    @Test("a start more than 15 days back, or not a minute before the end, is INVALID_REPLICATION_DATE; no dates is a malformed request")
    func window() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let old = try await client.call(.get, "sobjects/CampaignMember/deleted/?start=2020-01-01T00:00:00Z&end=2030-01-01T00:00:00Z")
            #expect(old.status == 400)
            #expect(old.errorCode == "INVALID_REPLICATION_DATE")
            let now = SalesforceDate.formatDateTime(milliseconds: SandboxOrg.now()).replacingOccurrences(of: "+", with: "%2B")
            let same = try await client.call(.get, "sobjects/CampaignMember/deleted/?start=\(now)&end=\(now)")
            #expect(same.errorCode == "INVALID_REPLICATION_DATE")
            #expect(same.message?.contains("one minute") == true)
            let missing = try await client.call(.get, "sobjects/CampaignMember/deleted/")
            #expect(missing.status == 400)
        }
    }

    @Test("a delete undone by an all-or-none rollback leaves nothing in the log")
    func rolledBack() throws {
        var state = OrgState(clock: { Self.start })
        let campaign = try state.create("Campaign", ["Name": "Summit"], context: WriteContext())
        let contact = try state.create("Contact", ["LastName": "Lovelace"], context: WriteContext())
        let member = try state.create("CampaignMember", ["CampaignId": .string(campaign.value), "ContactId": .string(contact.value)], context: WriteContext())
        #expect(throws: SalesforceError.self) {
            try state.transaction { (inner: inout OrgState) throws(SalesforceError) in
                try inner.delete(member)
                throw SalesforceError("PROCESSING_HALTED", "a later subrequest failed")
            }
        }
        #expect(state.deletions.isEmpty)
        #expect(state.record(member) != nil)
    }
}

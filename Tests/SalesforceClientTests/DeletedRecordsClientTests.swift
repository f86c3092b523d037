import Foundation
import SalesforceClient
import SalesforceSandbox
import Synchronization
import Testing

@Suite("Get Deleted Records through a Composite call")
struct DeletedRecordsClientTests {
    @Test("a removed member is read back in the same Composite call as a query: one API call, the next window's start given")
    func removedMemberInOneCall() async throws {
        let start: Int64 = 1_796_119_230_000 // 2026-12-01T10:00:30Z
        let time = Atomic<Int64>(start)
        var configuration = SandboxConfiguration()
        configuration.clock = { time.load(ordering: .relaxed) }
        try await LiveOrg.run(configuration) { live in
            let campaign = try live.org.create("Campaign", ["Name": "Summit"])
            let contact = try live.org.create("Contact", ["LastName": "Lovelace", "Email": "ada@example.com"])
            let member = try live.org.create("CampaignMember", ["CampaignId": .string(campaign), "ContactId": .string(contact)])
            let client = try await live.client()
            try await client.delete("CampaignMember", id: member)
            time.store(start + 120_000, ordering: .relaxed)

            let before = live.sandbox.apiCallCount
            let window = Date(timeIntervalSince1970: Double(start) / 1000 - 3_600)
            let answers = try await client.composite([
                .query(SOQL.select(["Id", "Status"], from: "CampaignMember", where: .in("CampaignId", [campaign])).text, version: client.apiVersion, referenceId: "members"),
                .deleted("CampaignMember", from: window, to: window.addingTimeInterval(7_200), version: client.apiVersion, referenceId: "gone"),
            ], allOrNone: false)
            #expect(live.sandbox.apiCallCount - before == 1)
            #expect(answers[0].body["totalSize"] == 0)
            let gone = try DeletedRecords.decode(answers[1].body)
            #expect(gone.deletedRecords.map(\.id) == [member])
            #expect(gone.deletedRecords.first?.deletedDate == "2026-12-01T10:00:30.000+0000")
            #expect(gone.latestDateCovered == "2026-12-01T10:02:00.000+0000")
        }
    }
}

import Foundation
@testable import RosterSync
import SalesforceClient
import SalesforceSandbox
import Synchronization
import Testing

/// The look's one Composite call against the sandbox over HTTP, as any integration would make it:
/// the relationship fields, the unquoted date-time filter, the deletions.
@Suite("One look at the campaigns, asked of the sandbox")
struct InboundLookSandboxTests {
    @Test("the first look reads every member with its person; a later one only what changed or was removed since, in one API call")
    func look() async throws {
        let start: Int64 = 1_796_119_230_000 // 2026-12-01T10:00:30Z
        let time = Atomic<Int64>(start)
        var configuration = SandboxConfiguration()
        configuration.clock = { time.load(ordering: .relaxed) }
        let running = try await SalesforceSandbox.start(configuration: configuration)
        let http = SalesforceHTTPClient()
        do {
            let org = running.org
            let summit = try org.create("Campaign", ["Name": "Summit"])
            let other = try org.create("Campaign", ["Name": "Other"])
            let navy = try org.create("Account", ["Name": "Navy"])
            let grace = try org.create("Contact", ["LastName": "Hopper", "FirstName": "Grace", "Email": "grace@navy.mil", "Title": "Admiral",
                                                   "AccountId": .string(navy)])
            let alan = try org.create("Lead", ["LastName": "Turing", "FirstName": "Alan", "Company": "Bletchley", "Email": "alan@bletchley.uk"])
            let ada = try org.create("Contact", ["LastName": "Lovelace", "Email": "ada@example.com"])
            let graceMember = try org.create("CampaignMember", ["CampaignId": .string(summit), "ContactId": .string(grace), "Status": "Sent"])
            let alanMember = try org.create("CampaignMember", ["CampaignId": .string(other), "LeadId": .string(alan), "Status": "Sent"])
            let adaMember = try org.create("CampaignMember", ["CampaignId": .string(summit), "ContactId": .string(ada), "Status": "Sent"])
            _ = try org.create("CampaignMemberStatus", ["CampaignId": .string(summit), "Label": "Declined"])

            let app = OAuthApp(loginURL: running.baseURL, consumerKey: running.configuration.consumerKey, consumerSecret: running.configuration.consumerSecret)
            let client = SalesforceClient(app: app, tokens: try await OAuthClient(transport: http).clientCredentials(app: app), renewal: .clientCredentials,
                                          transport: http)
            let now = Date(timeIntervalSince1970: Double(start) / 1000)
            let first = try await client.composite(InboundLook.subrequests(campaigns: [summit, other], since: nil, deletedSince: nil, now: now,
                                                                            version: client.apiVersion), allOrNone: false)
            let everyone = (first[0].body["records"]?.arrayValue ?? []).compactMap { $0.objectValue.flatMap(InboundLook.member) }
            #expect(everyone.map(\.member.id).sorted() == [graceMember, alanMember, adaMember].sorted())
            let readGrace = try #require(everyone.first { $0.member.id == graceMember })
            #expect(readGrace.campaignId == summit)
            #expect((readGrace.member.email, readGrace.member.firstName, readGrace.member.company, readGrace.member.jobTitle)
                    == ("grace@navy.mil", "Grace", "Navy", "Admiral"))
            let readAlan = try #require(everyone.first { $0.member.id == alanMember })
            #expect((readAlan.member.leadId, readAlan.member.company) == (alan, "Bletchley"))

            // Two minutes on, a rep declines Grace and removes Ada, through the REST API as any integration would.
            time.store(start + 120_000, ordering: .relaxed)
            let declined = try await client.composite([CompositeSubrequest(method: "PATCH", url: "/services/data/v\(client.apiVersion)/sobjects/CampaignMember/\(graceMember)",
                                                                           referenceId: "decline", body: .object(["Status": "Declined"]))], allOrNone: true)
            #expect(declined.first?.httpStatusCode == 204)
            try await client.delete("CampaignMember", id: adaMember)
            time.store(start + 240_000, ordering: .relaxed)

            let calls = running.sandbox.apiCallCount
            let since = now.addingTimeInterval(60)
            let later = try await client.composite(InboundLook.subrequests(campaigns: [summit, other], since: since, deletedSince: since,
                                                                            now: now.addingTimeInterval(240), version: client.apiVersion), allOrNone: false)
            #expect(running.sandbox.apiCallCount - calls == 1, "the changes and the removals in one call")
            let changed = (later[0].body["records"]?.arrayValue ?? []).compactMap { $0.objectValue.flatMap(InboundLook.member) }
            #expect(changed.map(\.member.id) == [graceMember])
            #expect(changed.first?.member.status == "Declined")
            #expect(try DeletedRecords.decode(later[1].body).deletedRecords.map(\.id) == [adaMember])
        } catch {
            try? await http.shutdown()
            await running.shutdown()
            throw error
        }
        try await http.shutdown()
        await running.shutdown()
    }
}

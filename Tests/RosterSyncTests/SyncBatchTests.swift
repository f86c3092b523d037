import Foundation
import Logging
import RosterConnector
import RosterCore
import RosterStore
@testable import RosterSync
import SalesforceClient
import Testing

/// The batch's bookkeeping of Salesforce's answers, against an org in memory: no server, no
/// sandbox, no sleeping.
@Suite("A sync batch keeps what Salesforce answered: sizes halved, references failed, partial successes")
struct SyncBatchTests {
    static let event = Event(id: "e", name: "Summit", fields: [], createdAt: Date(timeIntervalSince1970: 0))
    static let describes: [MappingTarget: SObjectDescribe] = [
        .contact: SObjectDescribe(name: "Contact", label: "Contact", createable: true, updateable: true, fields: []),
        .lead: SObjectDescribe(name: "Lead", label: "Lead", createable: true, updateable: true, fields: []),
        .campaignMember: SObjectDescribe(name: "CampaignMember", label: "Campaign Member", createable: true, updateable: true, fields: []),
    ]
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func batch(_ org: ScriptedOrg, sizes: BatchSizes = BatchSizes(most: { _ in 200 })) -> SyncBatch {
        let settings = ConnectorSettings(enabled: true, campaignName: "Summit", registeredStatus: "Registered", attendedStatus: "Attended")
        return SyncBatch(client: org, planner: SyncPlanner(settings: settings, event: Self.event, describes: Self.describes, now: Self.now),
                         campaignId: "701000000000001AAA", runId: "run", sizes: sizes, now: { Self.now }, mayRecheckUsage: { false },
                         logger: Logger(label: "test"))
    }

    func people(_ count: Int) -> [Participant] {
        (0..<count).map { index in
            Participant(id: String(format: "p%03d", index), eventId: "e", email: "p\(index)@example.org", firstName: "Ada", lastName: "Lovelace \(index)",
                        company: "", isRegistered: true, hasAttended: false, fields: [:], createdAt: Date(timeIntervalSince1970: 0),
                        updatedAt: Date(timeIntervalSince1970: 0))
        }
    }

    /// What a trigger out of CPU answers (Apex Developer Guide, "Execution Governors and Limits").
    static let cpu = SalesforceAPIError(errorCode: "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
                                        message: "ContactTrigger: System.LimitException: Apex CPU time limit exceeded")

    @Test("a trigger out of CPU past 10 records: Contact collections halve until they pass, nobody fails, the size is kept")
    func aBatchHalved() async throws {
        let org = ScriptedOrg(refuse: { object, size, _ in object == "Contact" && (size ?? 1) > 10 ? Self.cpu : nil })
        let sizes = BatchSizes(most: { _ in 200 })
        let (results, tally) = try await batch(org, sizes: sizes).sync(people(30), dryRun: false)

        #expect(tally.created == 30)
        #expect(tally.failed == 0)
        #expect(results.allSatisfy { $0.contactId?.hasPrefix("003") == true && $0.campaignMemberId?.hasPrefix("00v") == true && $0.error == nil })
        // 30 in one collection (refused), again at 100 and 50 (one collection), at 25 (25 refused,
        // 5 passed), the 25 at 12 (12 and 12 refused, 1 passed), the 24 at 6: passed.
        let contactCollections = org.calls.joined().compactMap(Self.contactCollectionSize)
        #expect(contactCollections == [30, 30, 30, 25, 5, 12, 12, 1, 6, 6, 6, 6])
        #expect(sizes.shrunk == ["Contact": 6])
        #expect(sizes.kept == ["Contact": 6])
    }

    /// How many Contacts a collection create holds, or `nil` for another subrequest.
    static func contactCollectionSize(_ sub: CompositeSubrequest) -> Int? {
        guard sub.method == "POST", sub.url.hasSuffix("/composite/sobjects") else { return nil }
        let records: [SalesforceValue] = sub.body?["records"]?.arrayValue ?? []
        let object: String? = records.first?["attributes"]?["type"]?.stringValue
        return object == "Contact" ? records.count : nil
    }

    @Test("a record's own refusal at one record a collection fails that person alone, with Salesforce's words")
    func aPartialSuccess() async throws {
        let org = ScriptedOrg(refuse: { object, _, record in
            object == "Contact" && record["Email"]?.stringValue == "p7@example.org"
                ? SalesforceAPIError(errorCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION", message: "Email domain not allowed") : nil
        })
        let (results, tally) = try await batch(org).sync(people(30), dryRun: false)
        #expect((tally.created, tally.failed) == (29, 1))
        let failed = try #require(results.first { $0.participantId == "p007" })
        #expect(failed.error == "FIELD_CUSTOM_VALIDATION_EXCEPTION: Email domain not allowed")
        #expect(failed.syncedAt == nil && failed.contactId == nil && failed.campaignMemberId == nil)
        #expect(failed.history.map(\.outcome) == ["failed"])
        #expect(tally.errors.map(\.email) == ["p7@example.org"])
    }

    @Test("a small batch goes in one chained call; a refused person halts their member's create, the other person is synced")
    func aReferenceFailure() async throws {
        let org = ScriptedOrg(refuse: { object, size, record in
            object == "Contact" && size == nil && record["Email"]?.stringValue == "p1@example.org"
                ? SalesforceAPIError(errorCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [Region__c]") : nil
        })
        let (results, tally) = try await batch(org).sync(people(2), dryRun: false)

        // After matching and the Account new Contacts go to (the event's name), one call: p0, m0,
        // p1, m1, each member create referring to its person's.
        let chained = try #require(org.calls.last)
        #expect(chained.map(\.referenceId) == ["p0", "m0", "p1", "m1"])
        #expect(chained.last?.body?["ContactId"]?.stringValue == "@{p1.id}")
        #expect(org.calls.filter { $0.contains { $0.url.hasSuffix("/sobjects/Contact") } }.count == 1)
        #expect((tally.created, tally.failed) == (1, 1))
        let synced = try #require(results.first { $0.participantId == "p000" })
        #expect(synced.error == nil && synced.contactId != nil && synced.campaignMemberId != nil && synced.syncedAt == Self.now)
        let refused = try #require(results.first { $0.participantId == "p001" })
        // The person's own error is the one told, not the halted member's.
        #expect(refused.error == "REQUIRED_FIELD_MISSING: Required fields are missing: [Region__c]")
        #expect(refused.contactId == nil && refused.campaignMemberId == nil && refused.syncedAt == nil)
        #expect(refused.history.map(\.operation) == ["create", "member_create"])
        #expect(refused.history.map(\.outcome) == ["failed", "failed"])
        #expect(refused.history[1].error?.hasPrefix("PROCESSING_HALTED") == true)
    }
}

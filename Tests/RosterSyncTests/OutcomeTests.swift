import Foundation
import RosterStore
@testable import RosterSync
import SalesforceClient
import Testing

/// What a batch keeps of Salesforce's answers, person by person: given what was sent and what
/// came back, the Ids, the failures in Salesforce's words and the history. No call is made.
@Suite("Salesforce's answers kept: Ids, failures, history, members already there")
struct OutcomeTests {
    static let stamp = HistoryStamp(at: Date(timeIntervalSince1970: 1_800_000_000), runId: "run")

    static func outcome(person: PersonAction, member: MemberAction = .none) -> Outcome {
        Outcome(plan: PersonPlan(participantId: "p1", email: "ada@example.org", person: person, member: member, error: nil, warning: nil))
    }
    static func refused(_ code: String, _ message: String) -> RecordResult {
        RecordResult(id: nil, success: false, errors: [SalesforceAPIError(errorCode: code, message: message)])
    }

    @Test("a Contact created keeps its new Id, with a history line")
    func created() {
        var outcome = Self.outcome(person: .create(.contact, [:]))
        outcome.personWritten(.create, kind: .contact, answer: RecordResult(id: "0031", success: true, errors: []), stamp: Self.stamp)
        #expect(outcome.personId?.1 == "0031")
        #expect(outcome.error == nil)
        #expect(outcome.history == [SyncHistoryEntry(at: Self.stamp.at, runId: "run", operation: "create", object: "Contact", recordId: "0031",
                                                     outcome: "succeeded", error: nil)])
    }

    @Test("an update answered without an Id keeps the record Roster sent it to")
    func updated() {
        var outcome = Self.outcome(person: .update(.lead, id: "00Q1", [:]))
        outcome.personWritten(.update, kind: .lead, answer: RecordResult(id: nil, success: true, errors: []), stamp: Self.stamp)
        #expect(outcome.personId?.1 == "00Q1")
        #expect(outcome.history.first?.operation == "update")
    }

    @Test("a validation rule's refusal fails the person with Salesforce's words; a permission adds what to grant")
    func refusedPerson() {
        var outcome = Self.outcome(person: .create(.lead, [:]))
        outcome.personWritten(.create, kind: .lead, answer: Self.refused("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Phone is required"), stamp: Self.stamp)
        #expect(outcome.error == "FIELD_CUSTOM_VALIDATION_EXCEPTION: Phone is required")
        #expect(outcome.personId == nil)
        #expect(outcome.history.first?.outcome == "failed")

        var denied = Self.outcome(person: .create(.lead, [:]))
        denied.personWritten(.create, kind: .lead, answer: Self.refused("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights"), stamp: Self.stamp)
        #expect(denied.error?.hasPrefix("INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights — ") == true, "with the permission to grant")
    }

    @Test("a member create that meets a member already there asks to reconcile, failing nobody; another refusal fails the person")
    func members() {
        var duplicate = Self.outcome(person: .link(.contact, id: "0031"), member: .create(status: "Registered", [:]))
        let reconcile = duplicate.memberWritten(.create, answer: Self.refused("DUPLICATE_VALUE", "already a campaign member"), stamp: Self.stamp)
        #expect(reconcile)
        #expect(duplicate.error == nil)
        #expect(duplicate.history.isEmpty)

        var created = Self.outcome(person: .link(.contact, id: "0031"), member: .create(status: "Registered", [:]))
        let createdReconciles = created.memberWritten(.create, answer: RecordResult(id: "00v1", success: true, errors: []), stamp: Self.stamp)
        #expect(!createdReconciles)
        #expect((created.memberId, created.memberWritten) == ("00v1", true))

        var refused = Self.outcome(person: .link(.contact, id: "0031"), member: .update(id: "00v1", [:]))
        let refusedReconciles = refused.memberWritten(.update, answer: Self.refused("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Status: bad value"), stamp: Self.stamp)
        #expect(!refusedReconciles)
        #expect(refused.error == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Status: bad value")
        #expect(!refused.memberWritten)

        var reconciled = Self.outcome(person: .link(.contact, id: "0031"))
        reconciled.memberId = "00v9"
        reconciled.memberReconciled(answer: RecordResult(id: nil, success: true, errors: []), stamp: Self.stamp)
        #expect(reconciled.memberWritten)
        #expect(reconciled.history.first?.recordId == "00v9")
    }

    @Test("in a chained call, a person's create failing halts their member's: both say why, the person fails once")
    func chained() {
        var outcome = Self.outcome(person: .create(.lead, [:]), member: .create(status: "Registered", [:]))
        let refused = CompositeSubresponse(referenceId: "p0", httpStatusCode: 400,
                                           body: .array([.object(["errorCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Company]"])]))
        let halted = CompositeSubresponse(referenceId: "m0", httpStatusCode: 400,
                                          body: .array([.object(["errorCode": "PROCESSING_HALTED", "message": "Invalid reference specified"])]))
        outcome.chainedWritten("create", isMember: false, answer: refused, stamp: Self.stamp)
        outcome.chainedWritten("member_create", isMember: true, answer: halted, stamp: Self.stamp)
        #expect(outcome.error == "REQUIRED_FIELD_MISSING: Required fields are missing: [Company]", "the first failure is the person's")
        #expect(outcome.history.map(\.outcome) == ["failed", "failed"])
        #expect(outcome.history.map(\.recordId) == [nil, nil])

        var written = Self.outcome(person: .create(.contact, [:]), member: .create(status: "Registered", [:]))
        written.chainedWritten("create", isMember: false, answer: CompositeSubresponse(referenceId: "p0", httpStatusCode: 201, body: .object(["id": "0031"])), stamp: Self.stamp)
        written.chainedWritten("member_create", isMember: true, answer: CompositeSubresponse(referenceId: "m0", httpStatusCode: 201, body: .object(["id": "00v1"])), stamp: Self.stamp)
        #expect(written.personId?.1 == "0031")
        #expect((written.memberId, written.memberWritten, written.error) == ("00v1", true, nil))
        #expect(written.history.map(\.recordId) == ["0031", "00v1"])
    }
}

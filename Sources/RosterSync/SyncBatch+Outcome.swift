import Foundation
import RosterConnector
import RosterCore
import RosterStore
import SalesforceClient

/// What a batch keeps of Salesforce's answers for one person, and how an error is told: pure,
/// no call made here.
extension SyncBatch {
    /// Salesforce's errors in words, with the matching record of a duplicate rule (S53), and what
    /// to give the connected user when a write of `object` was refused for a permission.
    static func describe(_ errors: [SalesforceAPIError], object: String) -> String {
        let text = errors.map { error in
            var text = "\(error.errorCode): \(error.message)"
            if error.errorCode == "DUPLICATES_DETECTED", let details = error.details {
                let ids = Self.recordIds(in: details)
                if !ids.isEmpty { text += " (matching record \(ids.joined(separator: ", ")))" }
            }
            return text
        }.joined(separator: "; ")
        guard let hint = SalesforcePermissions.hint(for: errors.map(\.errorCode), object: object) else { return text }
        return text + " — " + hint
    }

    /// Every `Id` in a duplicate result, in the order found, each once.
    static func recordIds(in value: SalesforceValue) -> [String] {
        var seen: Set<String> = []
        return allIds(in: value).filter { seen.insert($0).inserted }
    }

    private static func allIds(in value: SalesforceValue) -> [String] {
        switch value {
        case .object(let object):
            let own = object["Id"]?.stringValue.map { [$0] } ?? []
            return own + object.sorted(by: { $0.key < $1.key }).filter { $0.key != "Id" }.flatMap { allIds(in: $0.value) }
        case .array(let items): return items.flatMap(allIds(in:))
        default: return []
        }
    }
}

/// What happened to one person in a batch.
struct Outcome {
    let plan: PersonPlan
    var personId: (PersonRecord.Kind, String)?
    var memberId: String?
    var memberWritten = false
    var error: String?
    var history: [SyncHistoryEntry] = []

    init(plan: PersonPlan) {
        self.plan = plan
        error = plan.error
    }

    mutating func fail(_ message: String) { if error == nil { error = message } }

    // MARK: Salesforce's answers, kept (pure: what was sent and what came back, nothing called)

    /// The person's create or update was answered in a collection: their record's Id is kept, or
    /// Salesforce's words.
    mutating func personWritten(_ operation: CompositeSubrequest.CollectionOperation, kind: PersonRecord.Kind, answer: RecordResult, stamp: HistoryStamp) {
        let name = operation == .create ? "create" : "update"
        let object = SyncBatch.object(kind)
        if answer.success, let id = answer.id ?? plan.person.recordId {
            personId = (kind, id)
            history.append(stamp.entry(name, object, id, nil))
        } else {
            let message = SyncBatch.describe(answer.errors, object: object)
            fail(message)
            history.append(stamp.entry(name, object, plan.person.recordId, message))
        }
    }

    /// The member's create or update was answered in a collection. Answers `true` when a create
    /// met a member the person already has (`DUPLICATE_VALUE`): it is found and updated instead.
    mutating func memberWritten(_ operation: CompositeSubrequest.CollectionOperation, answer: RecordResult, stamp: HistoryStamp) -> Bool {
        let name = operation == .create ? "member_create" : "member_update"
        if answer.success {
            if let id = answer.id { memberId = id }
            memberWritten = true
            history.append(stamp.entry(name, "CampaignMember", answer.id ?? memberId, nil))
            return false
        }
        if operation == .create, answer.errors.contains(where: { $0.errorCode == "DUPLICATE_VALUE" }) { return true }
        let message = SyncBatch.describe(answer.errors, object: "CampaignMember")
        fail(message)
        history.append(stamp.entry(name, "CampaignMember", nil, message))
        return false
    }

    /// The update of a member found after `DUPLICATE_VALUE` was answered.
    mutating func memberReconciled(answer: RecordResult, stamp: HistoryStamp) {
        let message = answer.success ? nil : SyncBatch.describe(answer.errors, object: "CampaignMember")
        if let message { fail(message) } else { memberWritten = true }
        history.append(stamp.entry("member_update", "CampaignMember", memberId, message))
    }

    /// One single-record write of a chained Composite call was answered (`operation` as the
    /// history names it). A subrequest halted because the one it refers to failed answers
    /// `PROCESSING_HALTED`, and fails the person with it.
    mutating func chainedWritten(_ operation: String, isMember: Bool, answer: CompositeSubresponse, stamp: HistoryStamp) {
        let ok = (200..<300).contains(answer.httpStatusCode)
        let id = answer.body["id"]?.stringValue
        let object = isMember ? "CampaignMember" : (plan.person.kind.map(SyncBatch.object) ?? "")
        let message = ok ? nil : SyncBatch.describe(answer.errors, object: object)
        if isMember {
            if ok { memberId = id ?? memberId; memberWritten = true }
        } else if ok, let kind = plan.person.kind, let personId = id ?? plan.person.recordId {
            self.personId = (kind, personId)
        }
        if let message { fail(message) }
        history.append(stamp.entry(operation, object, ok ? (id ?? (isMember ? memberId : plan.person.recordId)) : nil, message))
    }

    func result(participant: Participant, at time: Date, tally: inout BatchTally) -> ParticipantSyncResult {
        if let error {
            tally.failed += 1
            tally.errors.append(SyncRunError(participantId: participant.id, email: participant.email, message: error))
        } else {
            switch plan.person {
            case .create: tally.created += 1
            case .update: tally.updated += 1
            case .link: if memberWritten { tally.linked += 1 } else { tally.unchanged += 1 }
            case .skip: tally.unchanged += 1
            }
        }
        let synced = error == nil && personId != nil
        return ParticipantSyncResult(
            participantId: participant.id, syncedAt: synced ? time : nil,
            contactId: personId?.0 == .contact ? personId?.1 : nil, leadId: personId?.0 == .lead ? personId?.1 : nil,
            campaignMemberId: memberId, error: error, warning: plan.warning,
            history: error == nil && history.isEmpty && synced ? [SyncHistoryEntry(at: time, runId: nil, operation: "unchanged", object: "",
                                                                                   recordId: personId?.1, outcome: "succeeded", error: nil)] : history)
    }
}

/// When, and under which run, the history entries of one answer are written.
struct HistoryStamp {
    let at: Date
    let runId: String?

    func entry(_ operation: String, _ object: String, _ recordId: String?, _ error: String?) -> SyncHistoryEntry {
        SyncHistoryEntry(at: at, runId: runId, operation: operation, object: object, recordId: recordId,
                         outcome: error == nil ? "succeeded" : "failed", error: error)
    }
}

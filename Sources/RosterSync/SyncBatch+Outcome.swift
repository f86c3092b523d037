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

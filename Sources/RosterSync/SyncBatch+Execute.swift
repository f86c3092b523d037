import Foundation
import RosterConnector
import RosterCore
import RosterStore
import SalesforceClient

extension SyncBatch {
    /// One write and whose it is.
    struct Write {
        var index: Int
        var operation: CompositeSubrequest.CollectionOperation
        var record: RecordWrite
    }

    /// Writes people, then members, then reconciles members Salesforce already had. A small
    /// batch (a live change) goes in one Composite call of single-record writes, each member
    /// create referring to its person's create (`@{p0.id}`).
    func execute(_ participants: [Participant], _ plans: [PersonPlan], snapshot: OrgSnapshot) async throws -> ([ParticipantSyncResult], BatchTally) {
        let accountOf = try await accountIds(for: contactCreates(participants, plans))
        if let chained = try await executeChained(participants, plans, accounts: accountOf) { return chained }
        var outcomes = plans.map { Outcome(plan: $0) }

        // People: creates and updates.
        var writes: [Write] = []
        for (index, plan) in plans.enumerated() where plan.error == nil {
            switch plan.person {
            case .create(let kind, let fields):
                guard let record = withAccount(fields, accountOf[index], outcome: &outcomes[index]) else { continue }
                writes.append(Write(index: index, operation: .create, record: RecordWrite(object: Self.object(kind), fields: record)))
            case .update(let kind, let id, let fields):
                var record = fields
                record["Id"] = .string(id)
                writes.append(Write(index: index, operation: .update, record: RecordWrite(object: Self.object(kind), fields: record)))
            case .link(let kind, let id): outcomes[index].personId = (kind, id)
            case .skip: break
            }
        }
        let people = try await send(writes)
        let peopleStamp = stamp()
        for (write, answer) in people {
            guard let kind = plans[write.index].person.kind else { continue }
            outcomes[write.index].personWritten(write.operation, kind: kind, answer: answer, stamp: peopleStamp)
        }

        // Members: creates need the person's Id, known only now.
        var memberWrites: [Write] = []
        for (index, plan) in plans.enumerated() where outcomes[index].error == nil {
            guard let (kind, personId) = outcomes[index].personId else { continue }
            switch plan.member {
            case .create(let status, let fields):
                let record = newMember(fields, status: status, person: personId, kind: kind)
                memberWrites.append(Write(index: index, operation: .create, record: RecordWrite(object: "CampaignMember", fields: record)))
            case .update(let id, let fields):
                var record = fields
                record["Id"] = .string(id)
                outcomes[index].memberId = id
                memberWrites.append(Write(index: index, operation: .update, record: RecordWrite(object: "CampaignMember", fields: record)))
            case .keep(let id): outcomes[index].memberId = id
            case .none: break
            }
        }
        var duplicates: [Int] = []
        let members = try await send(memberWrites)
        let membersStamp = stamp()
        for (write, answer) in members where outcomes[write.index].memberWritten(write.operation, answer: answer, stamp: membersStamp) {
            duplicates.append(write.index)
        }
        if !duplicates.isEmpty { try await reconcileMembers(duplicates, participants, plans, &outcomes) }

        let time = now()
        var tally = BatchTally()
        let results = outcomes.enumerated().map { index, outcome -> ParticipantSyncResult in
            outcome.result(participant: participants[index], at: time, tally: &tally)
        }
        return (results, tally)
    }

    /// A new campaign member's fields: the planned ones, with the campaign, the person (an Id, or
    /// a Composite reference to the create before it) and the status.
    private func newMember(_ fields: SalesforceRecord, status: String, person: String, kind: PersonRecord.Kind) -> SalesforceRecord {
        var record = fields
        record["CampaignId"] = .string(campaignId)
        record[kind == .contact ? "ContactId" : "LeadId"] = .string(person)
        record["Status"] = .string(status)
        return record
    }

    /// Everything in one Composite call when it fits in 25 single-record subrequests; `nil`
    /// when it does not (then collections are cheaper).
    func executeChained(_ participants: [Participant], _ plans: [PersonPlan],
                        accounts accountOf: [Int: Result<String, AccountFailure>]) async throws -> ([ParticipantSyncResult], BatchTally)? {
        // A person whose Account could not be had fails alone: the collection path says so.
        if accountOf.values.contains(where: { if case .failure = $0 { true } else { false } }) { return nil }
        var subrequests: [CompositeSubrequest] = []
        var owners: [(index: Int, isMember: Bool, operation: String)] = []
        let base = "/services/data/v\(version)/sobjects"
        let headers = writeHeaders(createsLeads: false)
        for (index, plan) in plans.enumerated() where plan.error == nil {
            var personRef: String?
            switch plan.person {
            case .create(let kind, var fields):
                if case .success(let account)? = accountOf[index] { fields["AccountId"] = .string(account) }
                personRef = "@{p\(index).id}"
                subrequests.append(CompositeSubrequest(method: "POST", url: "\(base)/\(Self.object(kind))", referenceId: "p\(index)", body: .object(fields),
                                                       httpHeaders: writeHeaders(createsLeads: kind == .lead)))
                owners.append((index, false, "create"))
            case .update(let kind, let id, let fields):
                subrequests.append(CompositeSubrequest(method: "PATCH", url: "\(base)/\(Self.object(kind))/\(id)", referenceId: "p\(index)", body: .object(fields), httpHeaders: headers))
                owners.append((index, false, "update"))
            case .link, .skip: break
            }
            switch plan.member {
            case .create(let status, let fields):
                guard let kind = plan.person.kind, let person = personRef ?? plan.person.recordId else { continue }
                let record = newMember(fields, status: status, person: person, kind: kind)
                subrequests.append(CompositeSubrequest(method: "POST", url: "\(base)/CampaignMember", referenceId: "m\(index)", body: .object(record), httpHeaders: headers))
                owners.append((index, true, "member_create"))
            case .update(let id, let fields):
                subrequests.append(CompositeSubrequest(method: "PATCH", url: "\(base)/CampaignMember/\(id)", referenceId: "m\(index)", body: .object(fields), httpHeaders: headers))
                owners.append((index, true, "member_update"))
            case .keep, .none: break
            }
        }
        // A member create that may meet an existing member needs the collection path's reconciliation.
        let risky = plans.contains { plan in if case .create = plan.member, plan.person.recordId != nil { true } else { false } }
        guard subrequests.count <= SalesforceClient.compositeLimit, !risky else { return nil }
        var outcomes = plans.map { Outcome(plan: $0) }
        for (index, plan) in plans.enumerated() {
            if case .link(let kind, let id) = plan.person { outcomes[index].personId = (kind, id) }
            if case .keep(let id) = plan.member { outcomes[index].memberId = id }
            if case .update(let id, _) = plan.member { outcomes[index].memberId = id }
        }
        if !subrequests.isEmpty {
            try await checkBudget()
            let responses = try await client.composite(subrequests, allOrNone: false)
            calls.add()
            let answered = stamp()
            for (owner, response) in zip(owners, responses) {
                outcomes[owner.index].chainedWritten(owner.operation, isMember: owner.isMember, answer: response, stamp: answered)
            }
        }
        let time = now()
        var tally = BatchTally()
        let results = outcomes.enumerated().map { index, outcome in outcome.result(participant: participants[index], at: time, tally: &tally) }
        return (results, tally)
    }

    /// `DUPLICATE_VALUE` on a member create: the person is a member already (created by an
    /// earlier try, or by someone in Salesforce). Find those members and update them instead.
    func reconcileMembers(_ indexes: [Int], _ participants: [Participant], _ plans: [PersonPlan], _ outcomes: inout [Outcome]) async throws {
        let ids = indexes.compactMap { outcomes[$0].personId?.1 }
        var members: [String: MemberRecord] = [:]
        try await run(Self.chunks(ids).map { ((), memberQuery(personIds: $0)) }) { _, records in
            for record in records { if let member = Self.member(record) { members[member.personId] = member } }
        }
        var writes: [Write] = []
        for index in indexes {
            guard let personId = outcomes[index].personId?.1, let member = members[personId] else {
                outcomes[index].fail("Salesforce reported this person as a campaign member already, but the member could not be found")
                continue
            }
            outcomes[index].memberId = member.id
            let snapshot = OrgSnapshot(members: [member])
            if case .update(let id, let fields) = try planner.member(participants[index], personId: personId,
                                                                      status: Self.status(plans[index]), in: snapshot) {
                var record = fields
                record["Id"] = .string(id)
                writes.append(Write(index: index, operation: .update, record: RecordWrite(object: "CampaignMember", fields: record)))
            }
            outcomes[index].history.append(stamp().entry("member_link", "CampaignMember", member.id, nil))
        }
        let updated = try await send(writes)
        let updatedStamp = stamp()
        for (write, answer) in updated { outcomes[write.index].memberReconciled(answer: answer, stamp: updatedStamp) }
    }

    /// How many times a record that failed to lock is sent again. A row lock is released when the
    /// transaction holding it ends; eight tries spread by the back-off (up to the client's maximum
    /// delay each) outlast the contention of triggers and imports running beside the sync.
    static let recordRetries = 8

    static func status(_ plan: PersonPlan) -> String? {
        if case .create(let status, _) = plan.member { return status }
        return nil
    }

    /// Sends writes in collections (200 records, or fewer where the org's automation needs it:
    /// ``BatchSizes``), five collections to a Composite call, then sends again what
    /// ``WriteRetries`` says: in smaller collections, or after the client's back-off (up to
    /// ``recordRetries`` times).
    func send(_ writes: [Write]) async throws -> [(Write, RecordResult)] {
        var results = try await sendOnce(writes)
        var sent = Array(results.indices)
        var lockRetries = 0
        while true {
            let retries = WriteRetries.after(results.map { ($0.0.record.object, $0.1) }, sent: sent, size: sizes.size(for:),
                                             transientTriesLeft: lockRetries < Self.recordRetries)
            guard !retries.isEmpty else { break }
            for object in retries.shrink { _ = sizes.shrink(object) }
            if !retries.transient.isEmpty {
                lockRetries += 1
                try await client.backOff(beforeRetry: lockRetries, why: "\(retries.transient.count) records failed for a transient reason")
            }
            if !retries.shrink.isEmpty {
                logger.notice("the org's automation ran out of a governor limit; sending smaller collections",
                              metadata: ["sizes": "\(retries.shrink.sorted().map { "\($0): \(sizes.size(for: $0))" }.joined(separator: ", "))"])
            }
            let retry = retries.again
            let again = try await sendOnce(retry.map { results[$0].0 })
            for (position, index) in retry.enumerated() { results[index] = again[position] }
            sent = retry
        }
        return results
    }

    private func sendOnce(_ writes: [Write]) async throws -> [(Write, RecordResult)] {
        guard !writes.isEmpty else { return [] }
        var groups: [[Write]] = []
        for operation in [CompositeSubrequest.CollectionOperation.create, .update] {
            let same = writes.filter { $0.operation == operation }
            // One object a collection, so each object's size holds (its triggers run per object).
            for object in Set(same.map(\.record.object)).sorted() {
                let ofObject = same.filter { $0.record.object == object }
                let size = sizes.size(for: object)
                stride(from: 0, to: ofObject.count, by: size).forEach {
                    groups.append(Array(ofObject[$0..<min($0 + size, ofObject.count)]))
                }
            }
        }
        var results: [(Write, RecordResult)] = []
        for start in stride(from: 0, to: groups.count, by: SalesforceClient.compositeQueryOrCollectionLimit) {
            let batch = Array(groups[start..<min(start + SalesforceClient.compositeQueryOrCollectionLimit, groups.count)])
            let subrequests = try batch.enumerated().map { index, group in
                var sub = try CompositeSubrequest.collection(group[0].operation, group.map(\.record), allOrNone: false, version: version, referenceId: "w\(index)")
                sub.httpHeaders = writeHeaders(createsLeads: group[0].operation == .create && group.contains { $0.record.object == "Lead" })
                return sub
            }
            try await checkBudget()
            let responses = try await client.composite(subrequests, allOrNone: false)
            calls.add()
            for (group, response) in zip(batch, responses) {
                guard (200..<300).contains(response.httpStatusCode) else {
                    let failure = RecordResult(id: nil, success: false, errors: response.errors)
                    results += group.map { ($0, failure) }
                    continue
                }
                let records = try SalesforceClient.decodeResults(response.body)
                results += zip(group, records).map { ($0, $1) }
            }
        }
        // Back in the order given (creates and updates were grouped apart).
        let byIndex = Dictionary(results.map { ($0.0.index, $0.1) }, uniquingKeysWith: { first, _ in first })
        return writes.compactMap { write in byIndex[write.index].map { (write, $0) } }
    }

    static func object(_ kind: PersonRecord.Kind) -> String { kind == .contact ? "Contact" : "Lead" }

    /// The new Contacts of a batch, by plan index, with their company.
    func contactCreates(_ participants: [Participant], _ plans: [PersonPlan]) -> [(index: Int, company: String)] {
        plans.enumerated().compactMap { index, plan in
            guard plan.error == nil, case .create(.contact, _) = plan.person else { return nil }
            return (index, participants[index].company)
        }
    }

    /// A new record's fields with its Account, or `nil` (the person failed) when the Account
    /// could not be had.
    func withAccount(_ fields: SalesforceRecord, _ account: Result<String, AccountFailure>?, outcome: inout Outcome) -> SalesforceRecord? {
        var record = fields
        switch account {
        case .success(let id)?: record["AccountId"] = .string(id)
        case .failure(let failure)?:
            outcome.fail(failure.message)
            return nil
        case nil: break
        }
        return record
    }

    /// A write's headers: the duplicate-rule choice, and the assignment-rule header: the chosen
    /// rule where the request creates Leads, `FALSE` on every other write, so no record Roster
    /// updates (or touches through a trigger) changes owner.
    func writeHeaders(createsLeads: Bool) -> [String: String] {
        var headers = settings.duplicateRules == .allowSave ? ["Sforce-Duplicate-Rule-Header": "allowSave=true"] : [:]
        headers[LeadAssignment.header] = createsLeads ? settings.leadAssignment.headerForCreates : "FALSE"
        return headers
    }

    /// The time and run of the history entries written now.
    func stamp() -> HistoryStamp { HistoryStamp(at: now(), runId: runId) }

    /// A dry run: what would happen, per person; nothing is written.
    func planned(_ participants: [Participant], _ plans: [PersonPlan]) -> ([ParticipantSyncResult], BatchTally) {
        var tally = BatchTally()
        let results = zip(participants, plans).map { participant, plan -> ParticipantSyncResult in
            let (operation, object, id): (String, String, String?) = switch plan.person {
            case .create(let kind, _): ("create", Self.object(kind), nil)
            case .update(let kind, let id, _): ("update", Self.object(kind), id)
            case .link(let kind, let id): ("link", Self.object(kind), id)
            case .skip: ("skip", "", nil)
            }
            if let error = plan.error {
                tally.failed += 1
                tally.errors.append(SyncRunError(participantId: participant.id, email: participant.email, message: error))
            } else if plan.isUnchanged { tally.unchanged += 1 } else if operation == "create" { tally.created += 1 }
            else if operation == "update" { tally.updated += 1 } else { tally.linked += 1 }
            return ParticipantSyncResult(participantId: participant.id, syncedAt: nil, contactId: nil, leadId: nil, campaignMemberId: nil,
                                         error: nil, warning: nil, history: [SyncHistoryEntry(at: now(), runId: runId, operation: operation, object: object,
                                                                                              recordId: id, outcome: "planned", error: plan.error)])
        }
        return (results, tally)
    }
}

import Foundation
import Logging
import Synchronization
import RosterConnector
import RosterCore
import RosterStore
import SalesforceClient

/// The Salesforce API budget (S41) is spent: stop before the configured share of the daily maximum.
public struct BudgetExhausted: Error, Sendable, CustomStringConvertible {
    /// The org's daily API usage when the sync stopped.
    public var usage: APIUsage
    /// The configured share of the daily maximum the sync may spend, from 0 to 1.
    public var share: Double
    /// Says how many calls are used, the limit, and that the sync resumes by itself.
    public var description: String {
        "the Salesforce API budget is used up: \(usage.used) of \(usage.max) daily calls, the limit is \(Int(share * 100))%; the sync resumes once usage allows"
    }
}

/// What one batch did, for a run's counters.
public struct BatchTally: Sendable, Hashable {
    mutating func add(_ other: BatchTally) {
        created += other.created
        updated += other.updated
        linked += other.linked
        unchanged += other.unchanged
        failed += other.failed
        errors += other.errors
    }

    /// People for whom a Contact or Lead was created (or, in a dry run, would be).
    public var created = 0
    /// People whose existing Contact or Lead got the fields that differed.
    public var updated = 0
    /// People whose existing record was kept as it is while their campaign membership was written.
    public var linked = 0
    /// People for whom nothing was written: already right in Salesforce, or skipped.
    public var unchanged = 0
    /// People who could not be synced; nothing was written for them.
    public var failed = 0
    /// One entry per failed person, with the reason.
    public var errors: [SyncRunError] = []
}

/// Carries out plans for one batch of participants with as few calls as Salesforce allows:
/// one Composite call of queries to match, then person writes and member writes in sObject
/// Collections of 200, five to a Composite call.
struct SyncBatch: Sendable {
    let client: any SalesforceAPI
    /// The calls this batch's runner made (the client is shared with other work).
    let calls = CallCounter()
    let planner: SyncPlanner
    let campaignId: String
    let runId: String?
    /// Records a collection of each object holds (shrinks when the org's automation needs it).
    let sizes: BatchSizes
    /// The Accounts found or created for new Contacts in this run.
    let accounts = AccountDirectory()
    let now: @Sendable () -> Date
    /// Whether the org's usage may be read afresh now, when the last one seen is over the budget.
    let mayRecheckUsage: @Sendable () -> Bool
    let logger: Logger

    var settings: ConnectorSettings { planner.settings }
    var version: String { client.apiVersion }

    /// Plans and, unless `dryRun`, writes; answers each participant's result. A write whose
    /// answer was lost sends the batch back to matching (never blindly repeated).
    ///
    /// - Parameter quick: let check-ins of people synced before take the one-call path (live
    ///   sync); a forced sync matches everyone again instead, which also finds drift.
    func sync(_ participants: [Participant], dryRun: Bool, quick: Bool = false) async throws -> ([ParticipantSyncResult], BatchTally) {
        guard !dryRun, quick else { return try await syncFully(participants, dryRun: dryRun) }
        let (quick, results, tally) = try await checkIns(participants)
        let rest = participants.filter { !quick.contains($0.id) }
        guard !rest.isEmpty else { return (results, tally) }
        var (more, moreTally) = try await syncFully(rest, dryRun: false)
        more += results
        moreTally.add(tally)
        return (more, moreTally)
    }

    /// Check-ins of people synced before whose data is as last sent: their known member goes to
    /// the attended status in one call for up to 25 people, without matching again (attended is
    /// the last status, so this never moves one back). Those it can't do take the full path.
    func checkIns(_ participants: [Participant]) async throws -> (Set<String>, [ParticipantSyncResult], BatchTally) {
        let candidates = participants.filter { person in
            guard person.hasAttended, person.salesforce.error == nil, let member = person.salesforce.campaignMemberId, !member.isEmpty,
                  let hash = person.salesforce.dataHash, !settings.isExcluded(email: person.email) else { return false }
            let kind: PersonRecord.Kind = person.salesforce.contactId != nil ? .contact : .lead
            return planner.fingerprint(person, kind: kind) == hash
        }.prefix(SalesforceClient.compositeLimit)
        guard !candidates.isEmpty else { return ([], [], BatchTally()) }
        let subrequests = candidates.enumerated().map { index, person in
            CompositeSubrequest(method: "PATCH", url: "/services/data/v\(version)/sobjects/CampaignMember/\(person.salesforce.campaignMemberId!)",
                                referenceId: "m\(index)", body: .object(["Status": .string(settings.attendedStatus)]),
                                httpHeaders: writeHeaders(createsLeads: false))
        }
        try await checkBudget()
        let responses = try await client.composite(subrequests, allOrNone: false)
        calls.add()
        var done: Set<String> = []
        var results: [ParticipantSyncResult] = []
        var tally = BatchTally()
        let time = now()
        for (person, response) in zip(candidates, responses) where (200..<300).contains(response.httpStatusCode) {
            done.insert(person.id)
            tally.linked += 1
            results.append(ParticipantSyncResult(
                participantId: person.id, syncedAt: time, contactId: person.salesforce.contactId, leadId: person.salesforce.leadId,
                campaignMemberId: person.salesforce.campaignMemberId, error: nil, warning: nil, dataHash: person.salesforce.dataHash,
                history: [SyncHistoryEntry(at: time, runId: runId, operation: "member_update", object: "CampaignMember",
                                           recordId: person.salesforce.campaignMemberId, outcome: "succeeded", error: nil)]))
        }
        return (done, results, tally)
    }

    func syncFully(_ participants: [Participant], dryRun: Bool) async throws -> ([ParticipantSyncResult], BatchTally) {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let snapshot = try await match(participants)
                let plans = participants.map { planner.plan($0, in: snapshot) }
                if dryRun { return planned(participants, plans) }
                let (results, tally) = try await execute(participants, plans, snapshot: snapshot)
                return (fingerprinted(results, participants), tally)
            } catch SalesforceFailure.outcomeUnknown(let what) where attempt < 3 {
                logger.warning("a Salesforce write's answer was lost; matching again before going on", metadata: ["what": "\(what)"])
            }
        }
    }

    /// Keeps, for each person synced, the fingerprint of what was sent.
    func fingerprinted(_ results: [ParticipantSyncResult], _ participants: [Participant]) -> [ParticipantSyncResult] {
        let byId = Dictionary(participants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return results.map { result in
            var result = result
            if result.syncedAt != nil, let person = byId[result.participantId] {
                result.dataHash = planner.fingerprint(person, kind: result.contactId != nil ? .contact : .lead)
                let stored = person.salesforce
                result.leavesStateAlone = result.history.allSatisfy { $0.operation == "unchanged" } && stored.syncedAt != nil
                    && stored.contactId == result.contactId && stored.leadId == result.leadId
                    && stored.campaignMemberId == result.campaignMemberId && stored.error == nil && result.error == nil
                    && stored.dataHash == result.dataHash && result.warning == nil
            }
            return result
        }
    }

    // MARK: Matching

    /// Contacts and Leads by email and by remembered Id, and the members of the people Roster
    /// already knows, in Composite calls of five queries.
    func match(_ participants: [Participant]) async throws -> OrgSnapshot {
        let emails = Array(Set(participants.filter { !settings.isExcluded(email: $0.email) }.map(\.normalizedEmail))).sorted()
        let knownContacts = participants.compactMap(\.salesforce.contactId)
        let knownLeads = participants.compactMap(\.salesforce.leadId)
        var queries: [(PersonRecord.Kind?, SOQL)] = []
        for chunk in Self.chunks(emails) {
            queries.append((.contact, SOQL.select(SyncPlanner.readFields(.contact, settings: settings), from: "Contact",
                                                   where: knownContacts.isEmpty ? .in("Email", chunk) : .or([.in("Email", chunk), .in("Id", knownContacts)]))))
            queries.append((.lead, SOQL.select(SyncPlanner.readFields(.lead, settings: settings), from: "Lead",
                                                where: knownLeads.isEmpty ? .in("Email", chunk) : .or([.in("Email", chunk), .in("Id", knownLeads)]))))
        }
        let known = knownContacts + knownLeads
        for chunk in Self.chunks(known) {
            queries.append((nil, memberQuery(personIds: chunk)))
        }
        // The Accounts new Contacts may need, looked up in the same Composite calls.
        let accountQueries = accountQueries(accountNames(participants))
        var snapshot = OrgSnapshot()
        try await run(queries.map { ($0.0.map(MatchTag.person) ?? .member, $0.1) } + accountQueries.map { (MatchTag.account, $0) }) { tag, records in
            for record in records {
                switch tag {
                case .person(let kind): if let person = Self.person(kind, record) { snapshot.add(person) }
                case .member: if let member = Self.member(record) { snapshot.members[member.personId] = member }
                case .account: rememberAccounts([record])
                }
            }
        }
        // A converted Lead's Contact may carry another email: read it too, to compare fields.
        let missing = Set(snapshot.records.values.compactMap { $0.isConverted ? $0.convertedContactId : nil }).subtracting(snapshot.records.keys)
        if !missing.isEmpty {
            var follow: [(PersonRecord.Kind?, SOQL)] = Self.chunks(missing.sorted()).map {
                (.contact, SOQL.select(SyncPlanner.readFields(.contact, settings: settings), from: "Contact", where: .in("Id", $0)))
            }
            follow += Self.chunks(missing.sorted()).map { (nil, memberQuery(personIds: $0)) }
            try await run(follow) { kind, records in
                for record in records {
                    if let kind { if let person = Self.person(kind, record) { snapshot.add(person) } }
                    else if let member = Self.member(record) { snapshot.members[member.personId] = member }
                }
            }
        }
        return snapshot
    }

    /// What a match query reads.
    enum MatchTag { case person(PersonRecord.Kind), member, account }

    func memberQuery(personIds: [String]) -> SOQL {
        SOQL.select(SyncPlanner.readFields(.campaignMember, settings: settings), from: "CampaignMember",
                    where: .and([.equals("CampaignId", campaignId), .or([.in("ContactId", personIds), .in("LeadId", personIds)])]))
    }

    /// Runs queries five to a Composite call, following `nextRecordsUrl` pages.
    func run<Tag>(_ queries: [(Tag, SOQL)], _ consume: (Tag, [SalesforceRecord]) -> Void) async throws {
        var pending = queries.map { ($0.0, CompositeSubrequest.query($0.1.text, version: version, referenceId: "q")) }
        while !pending.isEmpty {
            let group = Array(pending.prefix(SalesforceClient.compositeQueryOrCollectionLimit))
            pending.removeFirst(group.count)
            try await checkBudget()
            let subrequests = group.enumerated().map { index, item in
                var sub = item.1
                sub.referenceId = "q\(index)"
                return sub
            }
            let responses = try await client.composite(subrequests, allOrNone: false)
            calls.add()
            for ((kind, _), response) in zip(group, responses) {
                let body = try response.successBody()
                consume(kind, (body["records"]?.arrayValue ?? []).compactMap(\.objectValue))
                if body["done"]?.boolValue == false, let next = body["nextRecordsUrl"]?.stringValue {
                    pending.append((kind, CompositeSubrequest(method: "GET", url: next, referenceId: "q")))
                }
            }
        }
    }

    /// `IN` lists of at most 2,000 values and about 60,000 characters, well inside SOQL's limits.
    static func chunks(_ values: [String]) -> [[String]] {
        var chunks: [[String]] = []
        var current: [String] = []
        var bytes = 0
        for value in values {
            let size = SOQL.literal(value).utf8.count + 2
            if current.count == SyncCostEstimate.emailsPerQuery || bytes + size > 60_000 {
                chunks.append(current)
                current = []
                bytes = 0
            }
            current.append(value)
            bytes += size
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    static func person(_ kind: PersonRecord.Kind, _ record: SalesforceRecord) -> PersonRecord? {
        guard let id = record["Id"]?.stringValue else { return nil }
        var fields = record
        fields["attributes"] = nil
        return PersonRecord(kind: kind, id: id, email: record["Email"]?.stringValue, lastModified: record["LastModifiedDate"]?.stringValue ?? "",
                            isConverted: record["IsConverted"]?.boolValue ?? false, convertedContactId: record["ConvertedContactId"]?.stringValue,
                            fields: fields)
    }

    static func member(_ record: SalesforceRecord) -> MemberRecord? {
        guard let id = record["Id"]?.stringValue, let person = record["ContactId"]?.stringValue ?? record["LeadId"]?.stringValue else { return nil }
        var fields = record
        fields["attributes"] = nil
        return MemberRecord(id: id, personId: person, status: record["Status"]?.stringValue ?? "", fields: fields)
    }

    /// Stops before a call that would pass the budget. The last usage seen is enough while calls
    /// are made (every response carries it); over the budget, it is read afresh (one call to the
    /// Limits resource) when ``mayRecheckUsage`` allows, so a pause ends by itself once the org's
    /// rolling 24 hours free calls again.
    func checkBudget() async throws {
        guard let seen = await client.apiUsage, isOverBudget(seen) else { return }
        guard mayRecheckUsage() else { throw BudgetExhausted(usage: seen, share: settings.apiBudgetShare) }
        calls.add()
        let fresh: APIUsage
        do {
            fresh = try await client.limits()
        } catch {
            // The Limits resource needs View Setup and Configuration. Any answer carries the
            // usage in `Sforce-Limit-Info`, refusals too: go by that; without it, stay paused.
            logger.notice("could not read the org's API usage from the Limits resource", metadata: ["error": "\(error)"])
            let header = await client.apiUsage ?? seen
            if isOverBudget(header) { throw BudgetExhausted(usage: header, share: settings.apiBudgetShare) }
            return
        }
        if isOverBudget(fresh) { throw BudgetExhausted(usage: fresh, share: settings.apiBudgetShare) }
    }

    private func isOverBudget(_ usage: APIUsage) -> Bool {
        Double(usage.used + 1) > Double(usage.max) * settings.apiBudgetShare
    }
}

/// Counts API calls, safely from any task.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// One writer at a time per event inside this process (the lease does it across processes).
actor EventGate {
    private var busy: Set<String> = []
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func enter(_ eventId: String) async {
        while busy.contains(eventId) {
            await withCheckedContinuation { waiters[eventId, default: []].append($0) }
        }
        busy.insert(eventId)
    }

    func leave(_ eventId: String) {
        busy.remove(eventId)
        for waiter in waiters.removeValue(forKey: eventId) ?? [] { waiter.resume() }
    }
}

import Foundation
import RosterConnector
import RosterCore
import SalesforceClient

/// The sync's decisions, without I/O: participants + what Salesforce holds + settings → what to
/// send (S13–S17, S50–S53). Like a diff of source and target: the executor only carries it out.
public struct SyncPlanner: Sendable {
    /// The event's connector settings: mappings, statuses, what may be created or overwritten.
    public let settings: ConnectorSettings
    /// The event synced; its name stands in for a missing company when new Contacts get Accounts by company.
    public let event: Event
    /// Describes of Contact, Lead and CampaignMember, for types and lengths.
    public let describes: [MappingTarget: SObjectDescribe]
    /// Whether the event is over by the no-show grace period (``ConnectorSettings/noShowsDue(for:at:)``):
    /// then registered people who never checked in get the no-show status.
    public let noShowsDue: Bool

    /// Makes a planner for one event from its connector settings and its objects' describes, at
    /// `now` (which says whether no-shows are due).
    public init(settings: ConnectorSettings, event: Event, describes: [MappingTarget: SObjectDescribe], now: Date = .distantPast) {
        self.settings = settings
        self.event = event
        self.describes = describes
        self.noShowsDue = settings.noShowsDue(for: event, at: now)
    }

    /// The fields the match query reads for each object: the defaults and every mapped field.
    public static func readFields(_ target: MappingTarget, settings: ConnectorSettings) -> [String] {
        var fields: [String]
        switch target {
        case .contact: fields = ["Id", "Email", "FirstName", "LastName", "Title", "LastModifiedDate"]
        case .lead: fields = ["Id", "Email", "FirstName", "LastName", "Title", "Company", "IsConverted", "ConvertedContactId", "LastModifiedDate"]
        case .campaignMember: fields = ["Id", "ContactId", "LeadId", "Status"]
        }
        for entry in settings.mappings[target].entries where !fields.contains(where: { $0.lowercased() == entry.salesforceField.lowercased() }) {
            fields.append(entry.salesforceField)
        }
        // Fixed values are written where the field is empty, so their fields are read too.
        for name in settings.fixedValues(for: target).keys.sorted() where !fields.contains(where: { $0.lowercased() == name.lowercased() }) {
            fields.append(name)
        }
        return fields
    }

    /// A fingerprint of what a sync sends for this person (record fields and member fields, the
    /// status aside), or `nil` when a value can't be converted. FNV-1a over the sorted fields:
    /// stable across processes, not a security measure.
    public func fingerprint(_ participant: Participant, kind: PersonRecord.Kind) -> String? {
        guard let person = try? fields(for: participant, kind: kind, current: nil),
              case let member = try? self.member(participant, personId: nil, status: "", in: OrgSnapshot()),
              case .create(_, let memberFields)? = member
        else { return nil }
        var hash: UInt64 = 0xcbf29ce484222325
        for (name, value) in (person.map { ("p.\($0.key)", $0.value) } + memberFields.map { ("m.\($0.key)", $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            for byte in "\(name)=\(value)\u{1F}".utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100000001b3
            }
        }
        return String(hash, radix: 16)
    }

    /// Plans one participant.
    public func plan(_ participant: Participant, in snapshot: OrgSnapshot) -> PersonPlan {
        var plan = PersonPlan(participantId: participant.id, email: participant.email, person: .skip(""), member: .none)
        if settings.isExcluded(email: participant.email) {
            plan.person = .skip("excluded by the connector's exclusion list")
            return plan
        }
        let joins = participant.hasAttended || participant.isRegistered
        let cancelled = settings.cancelledStatus.isBlank ? nil : settings.cancelledStatus
        let registered = noShowsDue ? settings.noShowStatus : settings.registeredStatus
        let status = participant.hasAttended ? settings.attendedStatus : participant.isRegistered ? registered : cancelled
        let (match, warning) = self.match(participant, in: snapshot)
        plan.warning = warning
        do {
            var cut: [String] = []
            if let match {
                plan.person = try existing(match, participant, truncations: &cut)
            } else if joins {
                let kind: PersonRecord.Kind = settings.allowLeadCreation ? .lead : .contact
                plan.person = .create(kind, try fields(for: participant, kind: kind, current: nil, truncations: &cut))
            } else {
                plan.person = .skip("neither registered nor attended, and unknown to Salesforce")
                return plan
            }
            plan.member = try member(participant, personId: plan.person.recordId, status: status, joins: joins, in: snapshot)
            if !cut.isEmpty { plan.warning = ([plan.warning].compactMap { $0 } + cut).joined(separator: "; ") }
        } catch {
            plan.person = .skip(error.description)
            plan.member = .none
            plan.error = error.description
        }
        return plan
    }

    /// S50: a remembered record first, then Contacts, then unconverted Leads; a converted Lead
    /// leads to its Contact; several matches take the most recently modified (then the lowest Id).
    func match(_ participant: Participant, in snapshot: OrgSnapshot) -> (PersonRecord?, String?) {
        func resolved(_ record: PersonRecord) -> PersonRecord {
            guard record.kind == .lead, record.isConverted, let contactId = record.convertedContactId else { return record }
            return snapshot.records[contactId] ?? PersonRecord(kind: .contact, id: contactId, email: record.email)
        }
        for id in [participant.salesforce.contactId, participant.salesforce.leadId].compactMap({ $0 }) {
            if let known = snapshot.records[id] { return (resolved(known), nil) }
        }
        for kind in [PersonRecord.Kind.contact, .lead] {
            var found = snapshot.people(withEmail: participant.email, kind: kind)
            if kind == .lead {
                let converted = found.filter(\.isConverted)
                found = found.filter { !$0.isConverted }
                if found.isEmpty, let first = Self.newest(converted) { return (resolved(first), nil) }
            }
            guard let chosen = Self.newest(found) else { continue }
            let warning = found.count > 1
                ? "\(found.count) \(kind == .contact ? "Contacts" : "Leads") have this email; the most recently modified (\(chosen.id)) was used"
                : nil
            return (chosen, warning)
        }
        return (nil, nil)
    }

    static func newest(_ records: [PersonRecord]) -> PersonRecord? {
        records.max { ($0.lastModified, $1.id) < ($1.lastModified, $0.id) }
    }

    func existing(_ record: PersonRecord, _ participant: Participant, truncations cut: inout [String]) throws(ValueConversion.Failure) -> PersonAction {
        guard settings.allowUpdate else { return .link(record.kind, id: record.id) }
        let changes = try fields(for: participant, kind: record.kind, current: record.fields.isEmpty ? nil : record.fields, truncations: &cut)
        return changes.isEmpty ? .link(record.kind, id: record.id) : .update(record.kind, id: record.id, changes)
    }

    /// Default fields (S17) and the object's mappings; with `current`, only those that differ
    /// and that the overwrite policy lets through (S53).
    func fields(for participant: Participant, kind: PersonRecord.Kind, current: SalesforceRecord?) throws(ValueConversion.Failure) -> SalesforceRecord {
        var cut: [String] = []
        return try fields(for: participant, kind: kind, current: current, truncations: &cut)
    }

    /// The same, telling which values were cut to fit (`longText: truncate`), so it is said, never silent.
    func fields(for participant: Participant, kind: PersonRecord.Kind, current: SalesforceRecord?,
                truncations cut: inout [String]) throws(ValueConversion.Failure) -> SalesforceRecord {
        let target: MappingTarget = kind == .contact ? .contact : .lead
        var wanted: [(String, SalesforceValue, OverwritePolicy)] = [
            ("FirstName", participant.firstName.isEmpty ? .null : .string(participant.firstName), .always),
            ("LastName", .string(participant.lastName), .always),
            ("Email", .string(participant.email), .always),
            ("Title", participant.jobTitle.isEmpty ? .null : .string(participant.jobTitle), .always),
        ]
        if kind == .lead {
            let company = participant.company.isEmpty ? ConnectorSettings.leadCompanyPlaceholder : participant.company
            // An existing Lead keeps its Company rather than getting the placeholder.
            wanted.append(("Company", .string(company), participant.company.isEmpty ? .ifEmpty : .always))
        }
        let describe = describes[target]
        for (name, value) in settings.fixedValues(for: target).sorted(by: { $0.key < $1.key }) {
            guard let field = describe?.field(name), let converted = FieldCompatibility.salesforceValue(value, for: field) else { continue }
            wanted.removeAll { $0.0.lowercased() == field.name.lowercased() }
            wanted.append((field.name, converted, .ifEmpty))
        }
        for entry in settings.mappings[target].entries {
            guard let field = describe?.field(entry.salesforceField) else { continue }
            let (value, truncated) = try ValueConversion.salesforceValue(of: participant, code: entry.participantField, for: field,
                                                                         truncate: settings.longText == .truncate, timeZone: event.timeZone)
            // A Contact or Lead outlives the event: not being checked in here never empties what
            // another event's check-in wrote.
            if value.isNull, entry.participantField.lowercased() == "checkedinat" { continue }
            if truncated { cut.append("\(field.name) was cut to \(field.length) characters") }
            wanted.removeAll { $0.0.lowercased() == field.name.lowercased() }
            wanted.append((field.name, value, entry.overwrite))
        }
        var record: SalesforceRecord = [:]
        for (name, value, policy) in wanted {
            guard let current else {
                if !value.isNull { record[name] = value }
                continue
            }
            let existing = current.first { $0.key.lowercased() == name.lowercased() }?.value ?? .null
            let isEmpty = existing.isNull || existing.stringValue == ""
            switch policy {
            case .never: continue
            case .ifEmpty where !isEmpty: continue
            default: break
            }
            if !Self.same(existing, value) { record[name] = value }
        }
        return record
    }

    /// Salesforce's value and ours compare equal: text ignoring case (emails, picklists), a
    /// Date/Time by its first 19 characters (Salesforce writes `+0000` where we wrote `Z`).
    static func same(_ a: SalesforceValue, _ b: SalesforceValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)):
            x.lowercased() == y.lowercased() || (x.count >= 19 && y.count >= 19 && x.contains("T") && x.prefix(19) == y.prefix(19))
        case (.null, .string(let y)), (.string(let y), .null): y.isEmpty
        default: a == b
        }
    }

    /// S13/S14/S52: attended wins over registered; statuses only move forward.
    /// - Parameter joins: the person is registered or attended; otherwise `status` is the
    ///   cancelled one, which moves an existing member back but never adds anyone.
    func member(_ participant: Participant, personId: String?, status: String?, joins: Bool = true,
                in snapshot: OrgSnapshot) throws(ValueConversion.Failure) -> MemberAction {
        var mapped: SalesforceRecord = [:]
        if let describe = describes[.campaignMember] {
            for entry in settings.mappings.campaignMember.entries {
                guard let field = describe.field(entry.salesforceField) else { continue }
                mapped[field.name] = try ValueConversion.salesforceValue(of: participant, code: entry.participantField, for: field,
                                                                        truncate: settings.longText == .truncate, timeZone: event.timeZone).0
            }
        }
        var fixed: SalesforceRecord = [:]
        for (name, value) in settings.fixedValues(for: .campaignMember) {
            if let field = describes[.campaignMember]?.field(name), let converted = FieldCompatibility.salesforceValue(value, for: field) { fixed[field.name] = converted }
        }
        guard let personId, let existing = snapshot.members[personId] else {
            // A cancelled registration never adds anyone to the campaign.
            guard let status, joins else { return .none }
            return .create(status: status, fixed.merging(mapped.filter { !$0.value.isNull }) { _, mapping in mapping })
        }
        var changes: SalesforceRecord = [:]
        for (name, value) in fixed where !mapped.keys.contains(where: { $0.lowercased() == name.lowercased() }) {
            let current = existing.fields.first { $0.key.lowercased() == name.lowercased() }?.value ?? .null
            if current.isNull || current.stringValue == "" { changes[name] = value }
        }
        if let status, joins, rank(status) > rank(existing.status) { changes["Status"] = .string(status) }
        // A cancellation moves a member back to the cancelled status, unless they attended.
        if let status, !joins, rank(existing.status) < Self.attendedRank, existing.status.lowercased() != status.lowercased() {
            changes["Status"] = .string(status)
        }
        for (name, value) in mapped {
            let policy = settings.mappings.campaignMember.entries.first { $0.salesforceField.lowercased() == name.lowercased() }?.overwrite ?? .always
            let current = existing.fields.first { $0.key.lowercased() == name.lowercased() }?.value ?? .null
            if policy == .never || (policy == .ifEmpty && !current.isNull) { continue }
            if !Self.same(current, value) { changes[name] = value }
        }
        return changes.isEmpty ? .keep(id: existing.id) : .update(id: existing.id, changes)
    }

    /// Registered < no-show < attended; any other status (the campaign's default, say) comes
    /// before them all. A no-show is marked over a registration, and a later check-in wins.
    func rank(_ status: String) -> Int {
        switch status.lowercased() {
        case settings.attendedStatus.lowercased(): Self.attendedRank
        case settings.noShowStatus.lowercased() where !settings.noShowStatus.isBlank: 2
        case settings.registeredStatus.lowercased(): 1
        default: 0
        }
    }

    static let attendedRank = 3
}

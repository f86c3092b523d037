import RosterCore
import SalesforceClient

/// One finding of "check configuration" (S20): a stable code, the setting it concerns and a
/// sentence that says the fix.
public struct CheckIssue: Sendable, Hashable, Codable {
    /// A stable snake_case name of the finding (`campaign_not_found`…), for clients to act on.
    public var code: String
    /// `campaignName`, `registeredStatus`, `mappings.lead.shirt`, `connection`, `objects.Lead`…
    public var field: String
    /// The finding in a sentence that says the fix, for the user.
    public var message: String

    /// Makes a finding.
    public init(_ code: String, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}

/// What the check found.
public struct CheckReport: Sendable, Hashable {
    /// What must be fixed before a sync can work.
    public var errors: [CheckIssue] = []
    /// What is worth knowing but does not stop a sync.
    public var warnings: [CheckIssue] = []
    /// The org's daily API usage as last seen; `nil` when Salesforce could not be asked.
    public var apiUsage: APIUsage?
    /// About how many API calls syncing the pending participants costs (see ``SyncCostEstimate``).
    public var estimatedCallsForFullSync: Int = 0
    /// Whether the check found no error (warnings allowed).
    public var ok: Bool { errors.isEmpty }
}

/// What Salesforce holds that the check compares the settings with; `nil` parts could not be
/// read (not connected).
public struct OrgFacts: Sendable {
    /// Describe results of Contact, Lead and CampaignMember.
    public var describes: [MappingTarget: SObjectDescribe] = [:]
    /// The Account object's describe: whether the connected user may create the Accounts new Contacts go under.
    public var account: SObjectDescribe?
    /// Campaigns whose name equals the setting (SOQL `=` ignores case).
    public var campaignsNamed: [(id: String, name: String)]?
    /// Other campaign names, for suggestions, when none matched.
    public var otherCampaignNames: [String] = []
    /// The status labels of the one matching campaign.
    public var statuses: [String]?
    /// The org's Lead assignment rules, read when the settings name one.
    public var leadAssignmentRules: [LeadAssignmentRule]?

    /// Facts with nothing read yet.
    public init() {}
}

/// One of the org's Lead assignment rules.
public struct LeadAssignmentRule: Sendable, Hashable {
    /// The rule's `AssignmentRule` Id, which the settings name it by.
    public var id: String
    /// The rule's name, as Setup shows it.
    public var name: String
    /// Whether it is the org's active Lead assignment rule.
    public var active: Bool

    /// Makes a rule as the `AssignmentRule` query read it.
    public init(id: String, name: String, active: Bool) {
        self.id = id
        self.name = name
        self.active = active
    }
}

/// The check's rules, without I/O: settings + event + what Salesforce holds → findings.
public enum ConfigurationCheck {
    /// Fields the connector fills itself and a mapping may not take over.
    static let reserved: [MappingTarget: Set<String>] = [
        .contact: ["id", "email"], .lead: ["id", "email", "isconverted", "convertedcontactid"],
        .campaignMember: ["id", "campaignid", "contactid", "leadid", "status"],
    ]

    /// The fields Roster writes by default (S17) on each object, whatever the mappings say.
    static let defaults: [MappingTarget: Set<String>] = [
        .contact: ["firstname", "lastname", "email", "title"], .lead: ["firstname", "lastname", "email", "title", "company"],
        .campaignMember: ["campaignid", "contactid", "leadid", "status"],
    ]

    /// Every finding at once, errors then warnings; `org` is `nil` when Salesforce could not be read,
    /// and `lastRunBatchSizes` holds the collection sizes the last forced run fell back to.
    public static func run(settings: ConnectorSettings, hasConsumerSecret: Bool, connection: SalesforceConnection,
                           event: Event, org: OrgFacts?, lastRunBatchSizes: [String: Int] = [:]) -> (errors: [CheckIssue], warnings: [CheckIssue]) {
        var errors: [CheckIssue] = []
        var warnings: [CheckIssue] = []

        // The connection.
        if settings.consumerKey.isBlank {
            errors.append(.init("consumer_key_missing", field: "consumerKey", "Enter the consumer key of your Salesforce connected app (Setup › App Manager › View › Consumer Key)."))
        }
        if !hasConsumerSecret {
            errors.append(.init("consumer_secret_missing", field: "consumerSecret", "Enter the consumer secret of your Salesforce connected app."))
        }
        switch connection.state {
        case .disconnected:
            errors.append(.init("not_connected", field: "connection", "Roster is not connected to Salesforce: press Salesforce login (or connect with the client-credentials flow)."))
        case .broken:
            errors.append(.init("connection_broken", field: "connection", "The Salesforce connection is broken (\(connection.error ?? "the token was refused")): log in to Salesforce again."))
        case .connected:
            break
        }
        if !settings.enabled {
            warnings.append(.init("connector_disabled", field: "enabled", "The connector is switched off: nothing syncs until you enable it."))
        }

        // The campaign and its statuses.
        if settings.campaignName.isBlank {
            errors.append(.init("campaign_name_missing", field: "campaignName", "Enter the name of the Salesforce campaign of this event."))
        } else if let campaigns = org?.campaignsNamed {
            if campaigns.isEmpty {
                let suggestions = CampaignSuggestions.closest(to: settings.campaignName, among: org?.otherCampaignNames ?? [])
                let hint = suggestions.isEmpty ? "" : " Did you mean \(suggestions.map { "\($0)" }.joined(separator: " or "))?"
                errors.append(.init("campaign_not_found", field: "campaignName",
                                    "No Salesforce campaign is named \"\(settings.campaignName)\": check the spelling and for extra spaces.\(hint) Or create it."))
            } else if campaigns.count > 1 {
                errors.append(.init("campaign_ambiguous", field: "campaignName",
                                    "\(campaigns.count) Salesforce campaigns are named \"\(settings.campaignName)\" (\(campaigns.map(\.id).joined(separator: ", "))): rename all but one in Salesforce."))
            }
        }
        for (field, label, value) in [("registeredStatus", "registered", settings.registeredStatus), ("attendedStatus", "attended", settings.attendedStatus)] {
            if value.isBlank {
                errors.append(.init("\(label)_status_missing", field: field, "Choose the campaign member status given to \(label) participants."))
            } else if let statuses = org?.statuses, !statuses.contains(where: { $0.lowercased() == value.trimmed().lowercased() }) {
                errors.append(.init("\(label)_status_not_found", field: field,
                                    "The campaign has no member status \"\(value)\"; its statuses are \(statuses.map { "\"\($0)\"" }.joined(separator: ", ")). Choose one, or add it to the campaign in Salesforce."))
            }
        }

        // The optional statuses: cancelled registrations, and no-shows once the event is over.
        for (field, value, code, fallback) in [("cancelledStatus", settings.cancelledStatus, "cancelled_status_not_found", "cancellations change nothing"),
                                               ("noShowStatus", settings.noShowStatus, "no_show_status_not_found", "nobody is marked a no-show")] {
            guard !value.isBlank, let statuses = org?.statuses, !statuses.contains(where: { $0.lowercased() == value.trimmed().lowercased() }) else { continue }
            errors.append(.init(code, field: field,
                                "The campaign has no member status \"\(value)\"; its statuses are \(statuses.map { "\"\($0)\"" }.joined(separator: ", ")). Choose one, add it to the campaign in Salesforce, or leave it empty so \(fallback)."))
        }

        // Who owns new Leads: a rule named by Id must be one of the org's Lead rules (15- and
        // 18-character Ids name the same record).
        if case .rule(let id) = settings.leadAssignment, let rules = org?.leadAssignmentRules,
           !rules.contains(where: { $0.id.prefix(15) == id.prefix(15) }) {
            let known = rules.isEmpty ? "the org has no Lead assignment rule" : "its Lead rules are " + rules.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")
            errors.append(.init("lead_assignment_rule_not_found", field: "leadAssignment",
                                "No Lead assignment rule has the Id \(id): \(known). Choose one of them, activeRule or none."))
        }

        // Collections the org's automation could not take whole in the last run.
        for (object, size) in lastRunBatchSizes.sorted(by: { $0.key < $1.key }) where settings.mostRecords(of: object) > size {
            let target = MappingTarget.allCases.first { $0.objectName.lowercased() == object.lowercased() }?.rawValue ?? object
            warnings.append(.init("batch_size_reduced", field: "batchSize.\(target)",
                                  "The last sync had to send \(object) records \(size) at a time: the org's automation (a trigger, flow or roll-up) ran out of a governor limit on larger writes. Roster adapts by itself; set batchSize.\(target) to \(size) to start there and spare the refused tries."))
        }

        // What the connected user may do.
        if let describes = org?.describes, !describes.isEmpty {
            errors += permissionIssues(settings: settings, describes: describes, account: org?.account)
        }

        // Every mapping entry.
        for (target, mapping) in settings.mappings.all {
            let (mappingErrors, mappingWarnings) = mappingIssues(target: target, mapping: mapping, event: event, describe: org?.describes[target])
            errors += mappingErrors
            warnings += mappingWarnings
        }
        for target in MappingTarget.allCases {
            errors += fixedValueIssues(target: target, values: settings.fixedValues(for: target), describe: org?.describes[target])
        }
        for target in MappingTarget.allCases {
            guard let describe = org?.describes[target] else { continue }
            if target == .lead && !settings.allowLeadCreation || target == .contact && settings.allowLeadCreation { continue }
            errors += requiredFieldIssues(target: target, mapping: settings.mappings[target], describe: describe)
        }
        return (errors, warnings)
    }

    static func permissionIssues(settings: ConnectorSettings, describes: [MappingTarget: SObjectDescribe], account: SObjectDescribe? = nil) -> [CheckIssue] {
        var needs: [(MappingTarget, create: Bool, update: Bool)] = [(.campaignMember, true, true)]
        needs.append((settings.allowLeadCreation ? .lead : .contact, true, false))
        if settings.allowUpdate { needs += [(.contact, false, true), (.lead, false, true)] }
        var issues: [CheckIssue] = []
        var said: Set<String> = []
        for (target, create, update) in needs {
            guard let describe = describes[target] else { continue }
            let name = target.objectName
            if target == .campaignMember {
                // Adding people to a campaign, or moving them on, takes Marketing User, not an object permission.
                let what = "The connected Salesforce user may not \(describe.createable ? "change campaign members" : "add people to campaigns"): give them \(SalesforcePermissions.needed(toWrite: name))."
                if !describe.createable { issues.append(.init("object_not_createable", field: "objects.CampaignMember", what)) }
                else if !describe.updateable { issues.append(.init("object_not_updateable", field: "objects.CampaignMember", what)) }
                continue
            }
            if create, !describe.createable, said.insert("c\(name)").inserted {
                issues.append(.init("object_not_createable", field: "objects.\(name)",
                                    "The connected Salesforce user may not create \(name) records: give their profile or a permission set Create on \(name)."))
            }
            if update, !describe.updateable, said.insert("u\(name)").inserted {
                issues.append(.init("object_not_updateable", field: "objects.\(name)",
                                    "The connected Salesforce user may not edit \(name) records: give their profile or a permission set Edit on \(name), or turn off \"Allow update\"."))
            }
        }
        // New Contacts go under their company's Account, which Roster creates when it is missing.
        if !settings.allowLeadCreation, settings.contactAccount.mode == .byCompany, let account, !account.createable {
            issues.append(.init("object_not_createable", field: "objects.Account",
                                "The connected Salesforce user may not create Accounts, which new Contacts are put under: give them \(SalesforcePermissions.needed(toWrite: "Account"))."))
        }
        return issues
    }

    /// Each fixed value like a mapping entry: a field of the object, one Roster may write and
    /// does not set itself, and a value that fits it (an active picklist value, a number, …).
    static func fixedValueIssues(target: MappingTarget, values: [String: FixedValue], describe: SObjectDescribe?) -> [CheckIssue] {
        var issues: [CheckIssue] = []
        let object = target.objectName
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            let key = "fixedValues.\(target.rawValue).\(name)"
            if reserved[target]?.contains(name.lowercased()) == true || defaults[target]?.contains(name.lowercased()) == true {
                issues.append(.init("fixed_value_reserved_field", field: key, "\(object).\(name) is written by the connector itself from the participant; remove this fixed value."))
                continue
            }
            guard let describe else { continue }
            guard let field = describe.field(name) else {
                let close = CampaignSuggestions.closest(to: name, among: describe.fields.map(\.name), limit: 2)
                issues.append(.init("fixed_value_field_not_found", field: key,
                                    "\(object) has no field \"\(name)\"\(close.isEmpty ? "" : " (did you mean \(close.joined(separator: " or "))?)"); use the field's API name from Setup › Object Manager › \(object) › Fields."))
                continue
            }
            if let reason = FieldCompatibility.readOnlyReason(field) ?? (field.createable ? nil : "the connected user may not set it on a new record") {
                issues.append(.init("fixed_value_field_read_only", field: key, "\(object).\(field.name) cannot be written: \(reason)."))
                continue
            }
            guard FieldCompatibility.salesforceValue(value, for: field) != nil else {
                issues.append(.init("fixed_value_invalid", field: key, "\(object).\(field.name) is a \(FieldCompatibility.label(field.type)) field; \"\(value.text)\" does not fit it."))
                continue
            }
            if field.type == "picklist" || field.type == "multipicklist" {
                let chosen = field.type == "multipicklist" ? value.text.split(separator: ";").map(String.init) : [value.text]
                if let missing = chosen.first(where: { text in !field.picklistValues.contains { $0.lowercased() == text.lowercased() } }) {
                    issues.append(.init("fixed_value_not_in_picklist", field: key,
                                        "\"\(missing)\" is not an active value of \(object).\(field.name); its values are \(field.picklistValues.map { "\"\($0)\"" }.joined(separator: ", "))."))
                }
            } else if ["string", "textarea", "email", "phone", "url"].contains(field.type), field.length > 0, value.text.count > field.length {
                issues.append(.init("fixed_value_too_long", field: key, "\(object).\(field.name) holds \(field.length) characters; this value has \(value.text.count)."))
            }
        }
        return issues
    }

    static func mappingIssues(target: MappingTarget, mapping: FieldMapping, event: Event, describe: SObjectDescribe?) -> ([CheckIssue], [CheckIssue]) {
        var errors: [CheckIssue] = []
        var warnings: [CheckIssue] = []
        var targets: [String: String] = [:]
        let object = target.objectName
        for entry in mapping.entries {
            let key = "mappings.\(target.rawValue).\(entry.participantField)"
            guard let participant = ParticipantFieldCatalog.field(entry.participantField, in: event) else {
                let codes = ParticipantFieldCatalog.fields(of: event).filter { FieldCompatibility.unsyncableReason($0.type) == nil }.map(\.code)
                errors.append(.init("mapping_unknown_participant_field", field: key,
                                    "\"\(entry.participantField)\" is not a participant field of this event; the fields are \(codes.joined(separator: ", "))."))
                continue
            }
            if let reason = FieldCompatibility.unsyncableReason(participant.type) {
                errors.append(.init("mapping_field_not_syncable", field: key,
                                    "\"\(entry.participantField)\" is a \(participant.type.rawValue) field and cannot be synced: \(reason). Remove this line."))
                continue
            }
            if let other = targets[entry.salesforceField.lowercased()] {
                errors.append(.init("mapping_duplicate_target", field: key,
                                    "\(object).\(entry.salesforceField) is already fed by \"\(other)\": map each Salesforce field from one participant field only."))
                continue
            }
            targets[entry.salesforceField.lowercased()] = entry.participantField
            if reserved[target]?.contains(entry.salesforceField.lowercased()) == true {
                errors.append(.init("mapping_reserved_field", field: key,
                                    "\(object).\(entry.salesforceField) is set by the connector itself (matching and campaign membership); remove this line."))
                continue
            }
            guard let describe else { continue }
            guard let field = describe.field(entry.salesforceField) else {
                let close = CampaignSuggestions.closest(to: entry.salesforceField, among: describe.fields.map(\.name), limit: 2)
                errors.append(.init("mapping_unknown_salesforce_field", field: key,
                                    "\(object) has no field \"\(entry.salesforceField)\"\(close.isEmpty ? "" : " (did you mean \(close.joined(separator: " or "))?)"); use the field's API name from Setup › Object Manager › \(object) › Fields."))
                continue
            }
            if let reason = FieldCompatibility.readOnlyReason(field) {
                errors.append(.init("mapping_field_read_only", field: key, "\(object).\(field.name) cannot be written: \(reason)."))
                continue
            }
            let allowed = FieldCompatibility.targets(for: participant.type)
            guard allowed.contains(field.type) else {
                errors.append(.init("mapping_incompatible_types", field: key,
                                    "\"\(entry.participantField)\" (\(participant.type.rawValue)) cannot go into \(object).\(field.name) (\(FieldCompatibility.label(field.type))); a \(participant.type.rawValue) field maps to \(Set(allowed.map(FieldCompatibility.label)).sorted().joined(separator: ", "))."))
                continue
            }
            if field.type == "picklist" || field.type == "multipicklist", field.restrictedPicklist {
                let known = Set(field.picklistValues)
                let missing = participant.options.filter { !known.contains($0) }
                if !missing.isEmpty {
                    errors.append(.init("mapping_picklist_values_missing", field: key,
                                        "\(object).\(field.name) is a restricted picklist without \(missing.map { "\"\($0)\"" }.joined(separator: ", ")): add these values in Salesforce or change the participant field's options."))
                }
            }
            if ["string", "textarea", "email", "phone", "url", "combobox"].contains(field.type), field.length > 0 {
                let longest = participant.type.hasOptions
                    ? (participant.type == .multiselectList ? participant.options.joined(separator: ";").count : participant.options.map(\.count).max() ?? 0)
                    : participant.maxLength
                if longest.map({ $0 > field.length }) ?? true {
                    let limit = longest.map { "up to \($0) characters" } ?? "any length"
                    warnings.append(.init("mapping_text_may_be_too_long", field: key,
                                          "\"\(entry.participantField)\" can hold \(limit) but \(object).\(field.name) holds \(field.length): a longer value will be reported as an error for that person (or cut, if you choose truncation). Set a maximum length on the participant field."))
                }
            }
        }
        return (errors, warnings)
    }

    /// Fields Salesforce requires on create that neither the defaults nor the mapping fill. (A
    /// Lead's `Company` is always filled: the participant's company, else
    /// ``ConnectorSettings/leadCompanyPlaceholder``.)
    static func requiredFieldIssues(target: MappingTarget, mapping: FieldMapping, describe: SObjectDescribe) -> [CheckIssue] {
        let filled = (defaults[target] ?? []).union(mapping.entries.map { $0.salesforceField.lowercased() })
        return describe.fields.filter { $0.isRequiredOnCreate && !filled.contains($0.name.lowercased()) && FieldCompatibility.readOnlyReason($0) == nil }
            .map { field in
                CheckIssue("required_field_unmapped",
                           field: "mappings.\(target.rawValue)",
                           "\(target.objectName).\(field.name) is required by Salesforce and nothing fills it: map a participant field to \(field.name), or give the field a default value in Salesforce.")
            }
    }
}

import Foundation

/// An event's Salesforce connector settings (SPEC S10–S20, S41, S53), as stored and as the
/// API shows them. Secrets (the consumer secret, tokens) are not part of it: they are kept
/// encrypted beside it and never shown.
public struct ConnectorSettings: Sendable, Hashable, Codable {
    /// The connector is switched on (S10): live sync runs only when it is.
    public var enabled: Bool
    /// The login host: `https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain.
    public var loginUrl: String
    /// The connected app's consumer key (S11).
    public var consumerKey: String
    /// The campaign matching the event (S12).
    public var campaignName: String
    /// The campaign's Id once resolved by a check or by creating it; cleared when the name changes.
    public var campaignId: String?
    /// The member status for `isRegistered` (S13).
    public var registeredStatus: String
    /// The member status for `hasAttended`, which wins (S14).
    public var attendedStatus: String
    /// Create a Lead for an unknown email; off creates a Contact (S15).
    public var allowLeadCreation: Bool
    /// Update existing Contacts and Leads; off only links them (S16).
    public var allowUpdate: Bool
    /// Extra fields per Salesforce object (S18).
    public var mappings: ConnectorMappings
    /// The REST API version, e.g. `62.0`.
    public var apiVersion: String
    /// Emails (`staff@corp.com`) and whole domains (`@corp.com`) never synced (S53).
    public var exclusions: [String]
    /// Whether Salesforce duplicate rules may block a save (S53).
    public var duplicateRules: DuplicateRulePolicy
    /// What to do with text longer than its Salesforce field (S32).
    public var longText: LongTextPolicy
    /// Stop before this share of the org's daily API maximum (S41).
    public var apiBudgetShare: Double
    /// Which assignment rule gives new Leads their owner; settings saved before it existed read
    /// as Salesforce's own default, the active rule.
    public var leadAssignment: LeadAssignment {
        get { storedLeadAssignment ?? .activeRule }
        set { storedLeadAssignment = newValue }
    }
    private var storedLeadAssignment: LeadAssignment?
    /// The member status a synced person moves to when their registration is cancelled
    /// (`isRegistered` false, not attended); empty: a cancellation changes nothing in Salesforce.
    public var cancelledStatus: String {
        get { storedCancelledStatus ?? "" }
        set { storedCancelledStatus = newValue }
    }
    private var storedCancelledStatus: String?
    /// The member status registered people who never checked in move to once the event is over
    /// (its end plus ``noShowGraceHours``); empty: nobody is marked a no-show. A later check-in
    /// still wins.
    public var noShowStatus: String {
        get { storedNoShowStatus ?? "" }
        set { storedNoShowStatus = newValue }
    }
    private var storedNoShowStatus: String?
    /// How long after the event's end the no-shows are marked (2 hours unless set): the last
    /// check-ins of the day come in first.
    public var noShowGraceHours: Double {
        get { storedNoShowGraceHours ?? 2 }
        set { storedNoShowGraceHours = newValue }
    }
    private var storedNoShowGraceHours: Double?

    /// Whether registered people who never came have the no-show status at `now`: one is set,
    /// the event has an end, and it is over by the grace period.
    public func noShowsDue(for event: Event, at now: Date) -> Bool {
        guard !noShowStatus.isBlank, let end = event.endsAt else { return false }
        return now >= end.addingTimeInterval(noShowGraceHours * 3600)
    }
    /// The most records a collection of each object holds, by mapping target (`contact`, `lead`,
    /// `campaignMember`), for orgs whose automation cannot take the API's 200; absent: 200, and
    /// the sync halves it by itself when the org's automation refuses.
    public var batchSize: [String: Int] {
        get { storedBatchSize ?? [:] }
        set { storedBatchSize = newValue }
    }
    private var storedBatchSize: [String: Int]?
    /// Constants written on the records Roster creates (and where empty on those it updates), by
    /// mapping target then Salesforce field API name: `{"lead": {"LeadSource": "Partner Referral"}}`.
    public var fixedValues: [String: [String: FixedValue]] {
        get { storedFixedValues ?? [:] }
        set { storedFixedValues = newValue }
    }
    private var storedFixedValues: [String: [String: FixedValue]]?
    /// The Account of each Contact Roster creates (by default, the person's company's).
    public var contactAccount: ContactAccount {
        get { storedContactAccount ?? ContactAccount() }
        set { storedContactAccount = newValue }
    }
    private var storedContactAccount: ContactAccount?

    /// The fixed values of one object.
    public func fixedValues(for target: MappingTarget) -> [String: FixedValue] { fixedValues[target.rawValue] ?? [:] }

    /// The most records a collection of `object` (a Salesforce object name) holds.
    public func mostRecords(of object: String) -> Int {
        let key = batchSize.keys.first { $0.lowercased() == object.lowercased() }
        return key.flatMap { batchSize[$0] }.map { min(max($0, 1), Self.collectionLimit) } ?? Self.collectionLimit
    }

    /// The API's most records in one sObject Collections request.
    public static let collectionLimit = 200

    private enum CodingKeys: String, CodingKey {
        case enabled, loginUrl, consumerKey, campaignName, campaignId, registeredStatus, attendedStatus, allowLeadCreation, allowUpdate
        case mappings, apiVersion, exclusions, duplicateRules, longText, apiBudgetShare
        case storedLeadAssignment = "leadAssignment"
        case storedCancelledStatus = "cancelledStatus"
        case storedNoShowStatus = "noShowStatus"
        case storedNoShowGraceHours = "noShowGraceHours"
        case storedBatchSize = "batchSize"
        case storedFixedValues = "fixedValues"
        case storedContactAccount = "contactAccount"
    }

    /// Makes settings; the defaults are a new connector's: switched off, on login.salesforce.com,
    /// no Lead creation or updates, duplicate rules respected, stopping at 80% of the API maximum.
    public init(
        enabled: Bool = false, loginUrl: String = ConnectorSettings.defaultLoginURL, consumerKey: String = "",
        campaignName: String = "", campaignId: String? = nil, registeredStatus: String = "", attendedStatus: String = "",
        allowLeadCreation: Bool = false, allowUpdate: Bool = false, mappings: ConnectorMappings = ConnectorMappings(),
        apiVersion: String = ConnectorSettings.defaultAPIVersion, exclusions: [String] = [],
        duplicateRules: DuplicateRulePolicy = .respect, longText: LongTextPolicy = .error, apiBudgetShare: Double = 0.8,
        leadAssignment: LeadAssignment = .activeRule, cancelledStatus: String = ""
    ) {
        self.enabled = enabled
        self.loginUrl = loginUrl
        self.consumerKey = consumerKey
        self.campaignName = campaignName
        self.campaignId = campaignId
        self.registeredStatus = registeredStatus
        self.attendedStatus = attendedStatus
        self.allowLeadCreation = allowLeadCreation
        self.allowUpdate = allowUpdate
        self.mappings = mappings
        self.apiVersion = apiVersion
        self.exclusions = exclusions
        self.duplicateRules = duplicateRules
        self.longText = longText
        self.apiBudgetShare = apiBudgetShare
        self.storedLeadAssignment = leadAssignment
        self.storedCancelledStatus = cancelledStatus
    }

    /// The production login host, used until another is set.
    public static let defaultLoginURL = "https://login.salesforce.com"
    /// The REST API version a new connector uses.
    public static let defaultAPIVersion = "62.0"

    /// The `Company` a new Lead gets when the participant gave none: Salesforce requires one,
    /// and this is the placeholder Salesforce's own tools use.
    public static let leadCompanyPlaceholder = "[not provided]"

    /// Whether an email is on the exclusion list (exact address or `@domain`, in any case).
    public func isExcluded(email: String) -> Bool {
        SalesforceSyncState.exclusion(matching: email, in: exclusions) != nil
    }

    /// Every problem with the values themselves (not with Salesforce), each naming its field.
    public func problems() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if let problem = Self.loginURLProblem(loginUrl) { issues.append(.init(field: "loginUrl", message: problem)) }
        let version = apiVersion.split(separator: ".")
        if version.count != 2 || Int(version[0]).map({ $0 < 20 }) ?? true || version[1] != "0" {
            issues.append(.init(field: "apiVersion", message: "'\(apiVersion)' is not a Salesforce API version such as \(Self.defaultAPIVersion)"))
        }
        if !(apiBudgetShare > 0 && apiBudgetShare <= 1) {
            issues.append(.init(field: "apiBudgetShare", message: "must be more than 0 and at most 1 (0.8 stops at 80% of the daily maximum)"))
        }
        for (index, entry) in exclusions.enumerated() {
            let text = entry.trimmed()
            let valid = text.hasPrefix("@") ? EmailAddress.isPlausibleDomain(text.dropFirst()) : EmailAddress.isPlausible(text)
            if !valid {
                issues.append(.init(field: "exclusions[\(index)]", message: "'\(entry)' is neither an email (staff@corp.com) nor a domain (@corp.com)"))
            }
        }
        if let id = contactAccount.accountId, !(id.hasPrefix("001") && (id.count == 15 || id.count == 18) && id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })) {
            issues.append(.init(field: "contactAccount.accountId", message: "'\(id)' is not an Account Id (15 or 18 characters starting with 001)"))
        }
        if contactAccount.mode == .fixed, contactAccount.accountId == nil {
            issues.append(.init(field: "contactAccount.accountId", message: "the fixed mode needs the Id of the Account every new Contact goes to"))
        }
        for (target, values) in fixedValues.sorted(by: { $0.key < $1.key }) {
            if MappingTarget(rawValue: target) == nil {
                issues.append(.init(field: "fixedValues.\(target)", message: "unknown object; fixed values are for contact, lead and campaignMember"))
            }
            for name in values.keys.sorted() where name.isBlank || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                issues.append(.init(field: "fixedValues.\(target).\(name)", message: "'\(name)' is not a Salesforce field API name (letters, digits and _, such as LeadSource)"))
            }
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                // A text area's value may hold lines.
                if case .text(let text) = value,
                   let issue = ParticipantRules.controlCharacterIssue(text, field: "fixedValues.\(target).\(name)", allowingLines: true) {
                    issues.append(issue)
                }
            }
        }
        for (target, size) in batchSize.sorted(by: { $0.key < $1.key }) {
            if MappingTarget(rawValue: target) == nil {
                issues.append(.init(field: "batchSize.\(target)", message: "unknown object; batch sizes are for contact, lead and campaignMember"))
            } else if !(1...Self.collectionLimit).contains(size) {
                issues.append(.init(field: "batchSize.\(target)", message: "must be 1 to \(Self.collectionLimit) records"))
            }
        }
        if !noShowStatus.isBlank,
           let same = [("registeredStatus", registeredStatus), ("attendedStatus", attendedStatus), ("cancelledStatus", cancelledStatus)]
               .first(where: { $0.1.trimmed().lowercased() == noShowStatus.trimmed().lowercased() }) {
            issues.append(.init(field: "noShowStatus", message: "the no-show status must differ from \(same.0) ('\(same.1)')"))
        }
        if !(0...168).contains(noShowGraceHours) {
            issues.append(.init(field: "noShowGraceHours", message: "between 0 and 168 hours (a week), not \(noShowGraceHours)"))
        }
        for (field, value) in [("campaignName", campaignName), ("registeredStatus", registeredStatus), ("attendedStatus", attendedStatus),
                               ("cancelledStatus", cancelledStatus), ("noShowStatus", noShowStatus), ("consumerKey", consumerKey)]
        {
            if value.unicodeScalars.count > 255 { issues.append(.init(field: field, message: "at most 255 characters")) }
            if let issue = ParticipantRules.controlCharacterIssue(value, field: field) { issues.append(issue) }
        }
        return issues
    }

    /// Why a login URL can't be used, or `nil`. HTTPS is required, except on the loopback
    /// interface (the bundled sandbox).
    public static func loginURLProblem(_ text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              url.path.isEmpty || url.path == "/", url.query == nil
        else {
            return "'\(text)' is not a login URL such as https://login.salesforce.com, https://test.salesforce.com or https://MyDomain.my.salesforce.com"
        }
        let loopback = host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
        if scheme == "https" || (scheme == "http" && loopback) { return nil }
        return "the login URL must use https:// (plain http is only accepted on localhost, for the sandbox)"
    }
}

/// Duplicate rules (S53): respected by default, or "save anyway".
public enum DuplicateRulePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case respect
    case allowSave
}

/// Over-long text (S32): a per-person error, or cut to fit and logged.
public enum LongTextPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case error
    case truncate
}

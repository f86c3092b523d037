import RosterCore
import RosterStore
import SalesforceClient

/// Settings a screen shows and has not saved, for the check to look at instead of the stored ones.
public struct UnsavedSettings: Sendable {
    /// The stored settings with the screen's laid over them, as a save would store them.
    public var settings: ConnectorSettings
    /// A consumer secret was typed (it would be stored).
    public var consumerSecret: Bool

    /// Makes them.
    public init(settings: ConnectorSettings, consumerSecret: Bool) {
        self.settings = settings
        self.consumerSecret = consumerSecret
    }
}

extension ConnectorService {
    /// The objects the screens and the check describe, in one Composite call: the three a mapping
    /// may target, and Account (its Create permission, for new Contacts' companies).
    static let describedObjects = MappingTarget.allCases.map(\.objectName) + ["Account"]

    /// "Check configuration" (S20): every problem at once, the org's API usage, and what a full
    /// sync would cost. Reads describes afresh (4 objects in one call), then the campaign and its
    /// statuses; a refused token turns the connection broken and is reported, never thrown.
    /// - Parameter unsaved: the settings a screen shows, checked instead of the stored ones
    ///   (nothing is saved); a new login URL or consumer key is checked as not connected.
    /// - Throws: ``ValidationFailure`` when `unsaved` holds a setting a save would refuse.
    /// - Parameter lastRunBatchSizes: the collection sizes the event's last forced run had to
    ///   fall back to (a run's `batchSizes`), so the check can say so.
    public func check(event: Event, unsaved: UnsavedSettings? = nil, lastRunBatchSizes: [String: Int] = [:]) async throws -> CheckReport {
        let stored = try await connectors.find(eventId: event.id)
        let settings = try unsaved.map { try Self.storable($0.settings) } ?? stored?.settings ?? ConnectorSettings()
        var connection = stored?.connection ?? SalesforceConnection()
        var hasConsumerSecret = stored?.consumerSecret != nil
        if let unsaved {
            // Saving a new login URL or consumer key would drop the connection and the stored secret.
            let app = stored.map { ($0.settings.loginUrl, $0.settings.consumerKey) }
            if let app, app != (settings.loginUrl, settings.consumerKey) {
                connection = SalesforceConnection()
                hasConsumerSecret = false
            }
            hasConsumerSecret = hasConsumerSecret || unsaved.consumerSecret
        }
        var report = CheckReport()
        var org: OrgFacts?
        var extraErrors: [CheckIssue] = []

        if !settings.loginUrl.isEmpty, let refusal = hosts.refusal(settings.loginUrl) {
            extraErrors.append(.init("login_url_not_allowed", field: "loginUrl", "The login URL is refused: \(refusal). Use https://login.salesforce.com, https://test.salesforce.com or your My Domain, or ask the operator to allow the host."))
        }
        if connection.state == .connected, let instance = connection.instanceUrl, let refusal = hosts.refusal(instance) {
            extraErrors.append(Self.instanceNotAllowed(refusal))
        } else if connection.state == .connected, let client = try? await client(eventId: event.id) {
            do {
                org = try await orgFacts(settings: settings, client: client, reads: await clients.reads(for: event.id, client: client), verify: true)
                report.apiUsage = await client.apiUsage
            } catch let failure as SalesforceFailure {
                switch failure {
                case .connectionBroken(let reason):
                    extraErrors.append(.init("token_refused", field: "connection", "Salesforce refused Roster's token (\(reason)): log in to Salesforce again."))
                case .hostNotAllowed(let why):
                    extraErrors.append(Self.instanceNotAllowed(why))
                default:
                    extraErrors.append(.init("salesforce_unavailable", field: "connection", "Salesforce could not be asked: \(failure). Try again in a moment."))
                }
            }
        }
        var (errors, warnings) = ConfigurationCheck.run(settings: settings, hasConsumerSecret: hasConsumerSecret,
                                                        connection: connection,
                                                        event: event, org: org, lastRunBatchSizes: lastRunBatchSizes)
        errors += extraErrors
        if let campaigns = org?.campaignsNamed, campaigns.count == 1, settings.campaignId != campaigns[0].id {
            try await connectors.setCampaignId(eventId: event.id, campaignId: campaigns[0].id, forName: settings.campaignName)
        }

        let counts = try await participants.syncCounts(eventId: event.id)
        report.estimatedCallsForFullSync = SyncCostEstimate.calls(people: counts.pending, knownMembers: counts.members)
        if let usage = report.apiUsage {
            let budget = Int(Double(usage.max) * settings.apiBudgetShare) - usage.used
            if budget < report.estimatedCallsForFullSync {
                warnings.append(.init("api_budget_low", field: "apiBudgetShare",
                                      "A full sync needs about \(report.estimatedCallsForFullSync) API calls but only \(max(0, budget)) remain under the budget (\(Int(settings.apiBudgetShare * 100))% of \(usage.max) a day); it will pause and resume as the budget allows."))
            }
        }
        report.errors = errors
        report.warnings = warnings
        return report
    }

    static func instanceNotAllowed(_ why: String) -> CheckIssue {
        .init("instance_url_not_allowed", field: "connection", "Salesforce's instance URL is refused: \(why). Roster sends nothing there; ask the operator to allow the host with --salesforce-hosts if it is yours.")
    }

    /// Describes of the three objects, the campaigns with the setting's name, and the statuses
    /// (or, when none matched, other names for suggestions), reusing what the screen read within
    /// ``ScreenReads/lifetime``. `verify` (the check) asks Salesforce at least once whatever is
    /// kept, so a refused token or an org gone is found, and the API usage is today's: the
    /// campaign is looked up afresh, or, without a campaign name, the describes are read again.
    func orgFacts(settings: ConnectorSettings, client: any SalesforceAPI, reads: ScreenReads, describe: Bool = true,
                  verify: Bool = false) async throws -> OrgFacts {
        var facts = OrgFacts()
        let name = settings.campaignName.trimmed().isEmpty ? nil : settings.campaignName
        if describe {
            let fresh = await reads.describesAreFresh() && !(verify && name == nil)
            let describes = try await client.describe(Self.describedObjects, refresh: !fresh)
            if !fresh { await reads.described() }
            for target in MappingTarget.allCases { facts.describes[target] = describes[target.objectName] }
            facts.account = describes["Account"]
        }
        if case .rule = settings.leadAssignment {
            facts.leadAssignmentRules = try await leadAssignmentRules(client: client, reads: reads)
        }
        guard let name else { return facts }
        let campaigns = try await reads.records(SOQL.select(["Id", "Name"], from: "Campaign", where: .equals("Name", name), limit: 10),
                                                client: client, fresh: verify)
            .compactMap { record -> (id: String, name: String)? in
                guard let id = record["Id"]?.stringValue, let found = record["Name"]?.stringValue else { return nil }
                return (id, found)
            }
        facts.campaignsNamed = campaigns
        if campaigns.count == 1 {
            facts.statuses = try await reads.records(Self.statusQuery(campaignId: campaigns[0].id), client: client).compactMap { $0["Label"]?.stringValue }
        } else if campaigns.isEmpty {
            facts.otherCampaignNames = try await reads.records(SOQL.select(["Name"], from: "Campaign", orderBy: "Name", limit: 2000), client: client)
                .compactMap { $0["Name"]?.stringValue }
        }
        return facts
    }

    /// The event's org's Lead assignment rules, for the connector screen's picker.
    public func leadAssignmentRules(eventId: String) async throws -> [LeadAssignmentRule] {
        let client = try await client(eventId: eventId)
        return try await leadAssignmentRules(client: client, reads: await clients.reads(for: eventId, client: client))
    }

    /// The org's Lead assignment rules, by name (an org has at most one active).
    func leadAssignmentRules(client: any SalesforceAPI, reads: ScreenReads) async throws -> [LeadAssignmentRule] {
        try await reads.records(SOQL.select(["Id", "Name", "Active"], from: "AssignmentRule", where: .equals("SobjectType", "Lead"), orderBy: "Name"), client: client)
            .compactMap { record in
                guard let id = record["Id"]?.stringValue, let name = record["Name"]?.stringValue else { return nil }
                return LeadAssignmentRule(id: id, name: name, active: record["Active"]?.boolValue ?? false)
            }
    }

    /// The member status labels of a campaign, in its order.
    public func statuses(campaignId: String, client: any SalesforceAPI) async throws -> [String] {
        try await client.queryAll(Self.statusQuery(campaignId: campaignId)).compactMap { $0["Label"]?.stringValue }
    }

    static func statusQuery(campaignId: String) -> SOQL {
        SOQL.select(["Label"], from: "CampaignMemberStatus", where: .equals("CampaignId", campaignId), orderBy: "SortOrder")
    }

    /// Creates the campaign named in the settings, with the registered and attended statuses
    /// (S53: only when the user asks), in one Composite call that succeeds or changes nothing.
    /// `name` and the statuses, when given, are a screen's unsaved values: that campaign is created
    /// and becomes the event's only once the settings are saved with its name.
    public func createCampaign(eventId: String, name requested: String? = nil, registeredStatus: String? = nil,
                               attendedStatus: String? = nil) async throws -> (id: String, name: String) {
        let stored = try await stored(eventId: eventId)
        var settings = stored.settings
        if let requested { settings.campaignName = requested }
        if let registeredStatus { settings.registeredStatus = registeredStatus }
        if let attendedStatus { settings.attendedStatus = attendedStatus }
        // What a screen names is held to the rules of the settings it would be saved as.
        let problems = settings.problems().filter { ["campaignName", "registeredStatus", "attendedStatus"].contains($0.field) }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        let name = settings.campaignName.trimmed()
        // The event's campaign only when it is the one the saved settings name, with their statuses.
        let isTheEvents = name == stored.settings.campaignName.trimmed()
            && settings.registeredStatus.trimmed() == stored.settings.registeredStatus.trimmed()
            && settings.attendedStatus.trimmed() == stored.settings.attendedStatus.trimmed()
        guard !name.isEmpty else { throw ConnectorError.missingSetting(field: "campaignName", message: "enter the name of the campaign to create") }
        let client = try await client(eventId: eventId)
        do {
            if let existing = try await client.queryAll(SOQL.select(["Id", "Name"], from: "Campaign", where: .equals("Name", name), limit: 1)).first,
               let id = existing["Id"]?.stringValue {
                throw ConnectorError.campaignExists(id: id, name: existing["Name"]?.stringValue ?? name)
            }
            let version = client.apiVersion
            var subrequests = [CompositeSubrequest(method: "POST", url: "/services/data/v\(version)/sobjects/Campaign", referenceId: "campaign",
                                                   body: .object(["Name": .string(name), "IsActive": true]))]
            // New campaigns come with "Sent" (default) and "Responded"; add the two the connector uses.
            let wanted = [(settings.registeredStatus.trimmed(), false, true), (settings.attendedStatus.trimmed(), true, false)]
            for (index, (label, responded, isDefault)) in wanted.enumerated() where !label.isEmpty && !["sent", "responded"].contains(label.lowercased()) {
                if index == 1, label.lowercased() == wanted[0].0.lowercased() { continue }
                subrequests.append(CompositeSubrequest(method: "POST", url: "/services/data/v\(version)/sobjects/CampaignMemberStatus",
                                                       referenceId: "status\(index)",
                                                       body: .object(["CampaignId": "@{campaign.id}", "Label": .string(label),
                                                                      "HasResponded": .bool(responded), "IsDefault": .bool(isDefault)])))
            }
            let responses = try await client.composite(subrequests, allOrNone: true)
            // The org changed: what the screens kept of it no longer holds.
            await clients.reads(for: eventId, client: client).forgetAll()
            if let failed = responses.first(where: { !(200..<300).contains($0.httpStatusCode) && $0.errors.first?.errorCode != "PROCESSING_HALTED" }) {
                throw SalesforceFailure.api(status: failed.httpStatusCode, errors: failed.errors)
            }
            guard let id = try responses[0].successBody()["id"]?.stringValue else { throw SalesforceFailure.invalidResponse("the campaign was created without an id") }
            if isTheEvents { try await connectors.setCampaignId(eventId: eventId, campaignId: id, forName: stored.settings.campaignName) }
            logger.info("created the Salesforce campaign", metadata: ["event": "\(eventId)", "campaign": "\(id)", "theEvents": "\(isTheEvents)"])
            return (id, name)
        } catch let failure as SalesforceFailure {
            throw ConnectorError.salesforce(failure)
        }
    }
}

import RosterCore
import RosterStore
import SalesforceClient

/// What the campaign name finds in the org: the campaign and its statuses, or the closest names.
public struct CampaignLookup: Sendable, Hashable {
    /// The campaign found, with what the screen shows of it.
    public struct Campaign: Sendable, Hashable {
        /// The campaign's Salesforce Id.
        public var id: String
        /// The campaign's name as Salesforce spells it.
        public var name: String
        /// The member status labels, in the campaign's order.
        public var statuses: [String]
    }

    /// The name looked up, as the user typed it.
    public var name: String
    /// The one campaign with that name (SOQL `=` ignores case).
    public var campaign: Campaign?
    /// How many campaigns have that name (0, 1, or more: ambiguous).
    public var matches: Int
    /// The closest other names when none matched (case and spaces ignored).
    public var suggestions: [String]
}

/// The fields a mapping editor lists: the event's participant fields and each object's
/// Salesforce fields, with which pairs the connector accepts.
public struct FieldCatalog: Sendable {
    /// A participant field, and where it may be mapped.
    public struct ParticipantField: Sendable {
        /// The field's code, label, type and limits.
        public var info: ParticipantFieldInfo
        /// Why it can never be synced (S33), or `nil`.
        public var unsyncableReason: String?
        /// The Salesforce fields of each object this field may be mapped to.
        public var compatible: [MappingTarget: [String]]
    }

    /// A field of a Salesforce object, and whether the connector may write it.
    public struct SalesforceField: Sendable {
        /// The field as Salesforce describes it: API name, label, type, length.
        public var describe: FieldDescribe
        /// Why the connector never writes it, or `nil`.
        public var readOnlyReason: String?
    }

    /// The event's participant fields, built-ins first.
    public var participantFields: [ParticipantField]
    /// Empty when Salesforce could not be asked (see ``salesforceError``).
    public var salesforceFields: [MappingTarget: [SalesforceField]]
    /// Why Salesforce could not be asked (not connected, refused…); `nil` when it answered.
    public var salesforceError: String?
}

extension ConnectorService {
    /// Looks the campaign name up as the check does, for the screen's on-blur check (S12): one
    /// query for the name, then the statuses or the other names.
    public func lookupCampaign(eventId: String, name: String) async throws -> CampaignLookup {
        let client = try await client(eventId: eventId)
        var settings = try await view(eventId: eventId).settings
        settings.campaignName = name
        do {
            let facts = try await orgFacts(settings: settings, client: client, reads: await clients.reads(for: eventId, client: client), describe: false)
            let named = facts.campaignsNamed ?? []
            var lookup = CampaignLookup(name: name, campaign: nil, matches: named.count, suggestions: [])
            if named.count == 1 {
                lookup.campaign = .init(id: named[0].id, name: named[0].name, statuses: facts.statuses ?? [])
            } else if named.isEmpty {
                lookup.suggestions = CampaignSuggestions.closest(to: name, among: facts.otherCampaignNames)
            }
            return lookup
        } catch let failure as SalesforceFailure {
            throw ConnectorError.salesforce(failure)
        }
    }

    /// The participant fields and, when connected, the three objects' Salesforce fields
    /// (describes read again when older than ``ScreenReads/lifetime``, so a field just added in
    /// Salesforce shows; the check then reuses them), with the pairs a mapping may use.
    public func fieldCatalog(event: Event) async throws -> FieldCatalog {
        var describes: [MappingTarget: SObjectDescribe] = [:]
        var salesforceError: String?
        do {
            let client = try await client(eventId: event.id)
            let reads = await clients.reads(for: event.id, client: client)
            let fresh = await reads.describesAreFresh()
            let found = try await client.describe(Self.describedObjects, refresh: !fresh)
            if !fresh { await reads.described() }
            for target in MappingTarget.allCases { describes[target] = found[target.objectName] }
        } catch let error as ConnectorError {
            salesforceError = error.description
        } catch let failure as SalesforceFailure {
            salesforceError = failure.description
        }
        let participants = ParticipantFieldCatalog.fields(of: event).map { info in
            var compatible: [MappingTarget: [String]] = [:]
            let reason = FieldCompatibility.unsyncableReason(info.type)
            if reason == nil {
                for (target, describe) in describes {
                    compatible[target] = describe.fields.filter {
                        let mapping = FieldMapping([MappingEntry(participantField: info.code, salesforceField: $0.name)])
                        return ConfigurationCheck.mappingIssues(target: target, mapping: mapping, event: event, describe: describe).0.isEmpty
                    }.map(\.name)
                }
            }
            return FieldCatalog.ParticipantField(info: info, unsyncableReason: reason, compatible: compatible)
        }
        let salesforce = describes.mapValues { describe in
            describe.fields.map { FieldCatalog.SalesforceField(describe: $0, readOnlyReason: FieldCompatibility.readOnlyReason($0)) }
        }
        return FieldCatalog(participantFields: participants, salesforceFields: salesforce, salesforceError: salesforceError)
    }

    /// Checks one object's mapping as "check configuration" would, without saving it: the
    /// mapping editor's validation as the user types. Salesforce fields are checked when
    /// connected (cached describe), else only the participant side.
    public func validateMapping(event: Event, target: MappingTarget, mapping: FieldMapping) async throws -> (errors: [CheckIssue], warnings: [CheckIssue]) {
        let describe = try? await client(eventId: event.id).describe(target.objectName)
        return ConfigurationCheck.mappingIssues(target: target, mapping: mapping, event: event, describe: describe)
    }
}

/// When a mapped value may overwrite what Salesforce holds (S53).
public enum OverwritePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Always write the participant's value (the default).
    case always
    /// Only set it when creating the record.
    case never
    /// Only when the Salesforce field is empty.
    case ifEmpty
}

/// One line of a mapping: a participant field to a Salesforce field.
public struct MappingEntry: Sendable, Hashable, Codable {
    /// The participant field code (`shirt`, or a built-in such as `jobTitle`).
    public var participantField: String
    /// The Salesforce API name (`Tshirt_Size__c`).
    public var salesforceField: String
    /// When the value may replace what Salesforce holds.
    public var overwrite: OverwritePolicy

    /// Makes an entry; by default the value always overwrites Salesforce's.
    public init(participantField: String, salesforceField: String, overwrite: OverwritePolicy = .always) {
        self.participantField = participantField
        self.salesforceField = salesforceField
        self.overwrite = overwrite
    }
}

/// The mappings of one Salesforce object, in the order written.
public struct FieldMapping: Sendable, Hashable, Codable {
    /// The entries, in the order written.
    public var entries: [MappingEntry]

    /// Makes a mapping from its entries (none by default).
    public init(_ entries: [MappingEntry] = []) { self.entries = entries }

    /// Whether nothing is mapped, so only the default fields are written.
    public var isEmpty: Bool { entries.isEmpty }
}

/// The three objects a connector writes, and their mappings.
public struct ConnectorMappings: Sendable, Hashable, Codable {
    /// Extra fields written on Contacts.
    public var contact: FieldMapping
    /// Extra fields written on Leads.
    public var lead: FieldMapping
    /// Extra fields written on CampaignMembers.
    public var campaignMember: FieldMapping

    /// Makes the mappings; an object left out maps nothing.
    public init(contact: FieldMapping = FieldMapping(), lead: FieldMapping = FieldMapping(), campaignMember: FieldMapping = FieldMapping()) {
        self.contact = contact
        self.lead = lead
        self.campaignMember = campaignMember
    }

    /// The mapping of each object with the key the API uses for it.
    public var all: [(key: MappingTarget, mapping: FieldMapping)] {
        [(.contact, contact), (.lead, lead), (.campaignMember, campaignMember)]
    }

    /// The mapping of one object, to read or replace.
    public subscript(target: MappingTarget) -> FieldMapping {
        get {
            switch target {
            case .contact: contact
            case .lead: lead
            case .campaignMember: campaignMember
            }
        }
        set {
            switch target {
            case .contact: contact = newValue
            case .lead: lead = newValue
            case .campaignMember: campaignMember = newValue
            }
        }
    }
}

/// A Salesforce object the connector writes, by its key in `mappings`.
public enum MappingTarget: String, Sendable, Hashable, Codable, CaseIterable {
    case contact
    case lead
    case campaignMember

    /// Its Salesforce API name.
    public var objectName: String {
        switch self {
        case .contact: "Contact"
        case .lead: "Lead"
        case .campaignMember: "CampaignMember"
        }
    }
}

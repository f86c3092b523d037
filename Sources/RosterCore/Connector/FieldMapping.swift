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
    public var overwrite: OverwritePolicy

    public init(participantField: String, salesforceField: String, overwrite: OverwritePolicy = .always) {
        self.participantField = participantField
        self.salesforceField = salesforceField
        self.overwrite = overwrite
    }
}

/// The mappings of one Salesforce object, in the order written.
public struct FieldMapping: Sendable, Hashable, Codable {
    public var entries: [MappingEntry]

    public init(_ entries: [MappingEntry] = []) { self.entries = entries }

    public var isEmpty: Bool { entries.isEmpty }
}

/// The three objects a connector writes, and their mappings.
public struct ConnectorMappings: Sendable, Hashable, Codable {
    public var contact: FieldMapping
    public var lead: FieldMapping
    public var campaignMember: FieldMapping

    public init(contact: FieldMapping = FieldMapping(), lead: FieldMapping = FieldMapping(), campaignMember: FieldMapping = FieldMapping()) {
        self.contact = contact
        self.lead = lead
        self.campaignMember = campaignMember
    }

    /// The mapping of each object with the key the API uses for it.
    public var all: [(key: MappingTarget, mapping: FieldMapping)] {
        [(.contact, contact), (.lead, lead), (.campaignMember, campaignMember)]
    }

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

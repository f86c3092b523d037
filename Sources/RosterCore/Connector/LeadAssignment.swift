/// Who owns the Leads Roster creates: Salesforce's assignment rules decide, as the REST API's
/// `Sforce-Auto-Assign` header says (REST API Developer Guide, "Assignment Rule Header").
/// Whatever this says, a record Roster *updates* keeps its owner: updates always carry `FALSE`.
public enum LeadAssignment: Sendable, Hashable, Codable, RawRepresentable {
    /// New Leads go through the org's active Lead assignment rule (Salesforce's own default).
    case activeRule
    /// New Leads are owned by the connected user; no rule runs.
    case none
    /// New Leads go through this Lead `AssignmentRule` (active or not), by its Id.
    case rule(String)

    /// `activeRule`, `none`, or an AssignmentRule Id (15 or 18 characters, starting `01Q`).
    public init?(rawValue: String) {
        switch rawValue {
        case "activeRule": self = .activeRule
        case "none": self = .none
        default:
            guard rawValue.hasPrefix("01Q"), rawValue.count == 15 || rawValue.count == 18,
                  rawValue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
            self = .rule(rawValue)
        }
    }

    /// `activeRule`, `none`, or the rule's Id: the stored and API form.
    public var rawValue: String {
        switch self {
        case .activeRule: "activeRule"
        case .none: "none"
        case .rule(let id): id
        }
    }

    /// The `Sforce-Auto-Assign` value for requests that create Leads.
    public var headerForCreates: String {
        switch self {
        case .activeRule: "TRUE"
        case .none: "FALSE"
        case .rule(let id): id
        }
    }

    /// The header's name.
    public static let header = "Sforce-Auto-Assign"
}

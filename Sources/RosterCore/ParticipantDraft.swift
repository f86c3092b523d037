/// A participant as some input describes it, before validation: a JSON object, a CSV row,
/// or a partial update. Every property is optional here; ``ParticipantRules`` decides what is required.
public struct ParticipantDraft: Sendable, Hashable {
    /// The email as given (``ParticipantRules`` trims and checks it); `nil` when absent.
    public var email: String?
    /// The first name as given; `nil` when absent.
    public var firstName: String?
    /// The last name as given; `nil` when absent.
    public var lastName: String?
    /// The company as given; `nil` when absent.
    public var company: String?
    /// The job title as given; `nil` when absent.
    public var jobTitle: String?
    /// The registered flag as given (a boolean, 0 or 1, or text like `yes`); `nil` when absent.
    public var isRegistered: InputValue?
    /// The attended flag as given (a boolean, 0 or 1, or text like `yes`); `nil` when absent.
    public var hasAttended: InputValue?
    /// The networking consent as given (a boolean, 0 or 1, or text like `yes`); `nil` when absent.
    public var allowNetworking: InputValue?
    /// Custom field values by code, as they arrived.
    public var fields: [String: InputValue]
    /// Problems found while reading the input itself (a number where a name was expected…).
    public var readingIssues: [ValidationIssue]

    /// Makes a draft from values already sorted out, with no reading issues.
    public init(
        email: String? = nil, firstName: String? = nil, lastName: String? = nil, company: String? = nil,
        jobTitle: String? = nil, isRegistered: InputValue? = nil, hasAttended: InputValue? = nil,
        allowNetworking: InputValue? = nil, fields: [String: InputValue] = [:]
    ) {
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.company = company
        self.jobTitle = jobTitle
        self.isRegistered = isRegistered
        self.hasAttended = hasAttended
        self.allowNetworking = allowNetworking
        self.fields = fields
        self.readingIssues = []
    }

    /// Reads a flat record: a JSON object (custom values under `fields`) or a CSV row (one column
    /// per custom field code). Built-in keys match case-insensitively, so `Email` and `FIRSTNAME` work.
    public init(record: [String: InputValue]) {
        self.init()
        for (key, value) in record {
            switch key.lowercased() {
            case "email": email = text(value, key)
            case "firstname": firstName = text(value, key)
            case "lastname": lastName = text(value, key)
            case "company": company = text(value, key)
            case "jobtitle": jobTitle = text(value, key)
            case "isregistered": isRegistered = value
            case "hasattended": hasAttended = value
            case "allownetworking": allowNetworking = value
            case "fields":
                switch value {
                case .object(let values): fields.merge(values) { _, new in new }
                case .null: break
                default: readingIssues.append(.init(field: "fields", message: "expected an object of field values, got \(value.kind)"))
                }
            case "id", "createdat", "updatedat", "salesforce", "eventid", "salesforcesyncdate":
                break // read-only properties echoed back by clients are ignored
            default: fields[key] = value
            }
        }
    }

    private mutating func text(_ value: InputValue, _ key: String) -> String? {
        switch value {
        case .string(let text): return text
        case .null: return nil
        case .number(let number): return FieldValue.number(number).text
        default:
            readingIssues.append(.init(field: key, message: "expected text, got \(value.kind)"))
            return nil
        }
    }
}

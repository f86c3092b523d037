/// One reason an input was refused, naming the field at fault.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// The participant property or custom field code at fault.
    public var field: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    /// Makes an issue from its field and message.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}

/// An input refused for one or more reasons.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    /// Every reason found, each naming its field.
    public var issues: [ValidationIssue]

    /// A failure for these issues.
    public init(_ issues: [ValidationIssue]) { self.issues = issues }
    /// A failure for one issue.
    public init(field: String, message: String) { self.issues = [.init(field: field, message: message)] }

    /// The issues as `field: message`, joined with `; `.
    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

import SalesforceClient

/// Why a connector action could not be done, in words that say the fix.
public enum ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event has no connector settings yet.
    case notConfigured(eventId: String)
    /// A setting the action needs is empty.
    case missingSetting(field: String, message: String)
    /// The action needs a working connection.
    case notConnected(String)
    /// The OAuth `state` is unknown, expired, or already used.
    case invalidState
    /// The login URL, consumer key or secret changed after the web-server login began.
    case loginSettingsChanged
    /// Salesforce refused or failed.
    case salesforce(SalesforceFailure)
    /// The campaign to create exists already.
    case campaignExists(id: String, name: String)

    /// The error in words for the user, saying the fix where there is one.
    public var description: String {
        switch self {
        case .notConfigured(let eventId): "the event \(eventId) has no Salesforce connector settings yet; save them first (PUT …/connectors/salesforce)"
        case .missingSetting(let field, let message): "\(field): \(message)"
        case .notConnected(let message): message
        case .invalidState: "this Salesforce login link is unknown, expired or already used; start the login again"
        case .loginSettingsChanged: "the login URL, consumer key or secret changed after this Salesforce login began, so it was not finished; start the login again"
        case .salesforce(let failure): failure.description
        case .campaignExists(let id, let name): "a campaign named \"\(name)\" already exists (\(id)); it was not created again"
        }
    }
}

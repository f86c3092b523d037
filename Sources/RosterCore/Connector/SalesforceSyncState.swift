import Foundation

/// Where one participant stands with Salesforce (issue 29), one word for the API
/// (`salesforce.state`), the grid's filter and the person's page.
public enum SalesforceSyncState: String, Sendable, Hashable, CaseIterable {
    /// Salesforce has the person as Roster has them.
    case synced
    /// Salesforce has an older version: the person changed since their last sync.
    case pending
    /// An exclusion of the connector (an email or a whole domain) keeps the person out of
    /// Salesforce; never counted as waiting.
    case excluded
    /// The last attempt failed; `salesforce.error` says why. They can be sent again.
    case error
    /// Salesforce has never had the person.
    case notSynced

    /// The state of `participant` under the connector's `exclusions` (emails, or `@domain`
    /// entries): an exclusion first, then the last error, then how their data compares with
    /// what was last sent.
    public init(of participant: Participant, exclusions: [String]) {
        if SalesforceSyncState.exclusion(matching: participant.email, in: exclusions) != nil {
            self = .excluded
        } else if participant.salesforce.error != nil {
            self = .error
        } else if let synced = participant.salesforce.syncedAt {
            self = participant.updatedAt > synced ? .pending : .synced
        } else {
            self = .notSynced
        }
    }

    /// The entry of `exclusions` that keeps `email` out of Salesforce (as written in the settings),
    /// or `nil`: the rule ``ConnectorSettings/isExcluded(email:)`` applies.
    public static func exclusion(matching email: String, in exclusions: [String]) -> String? {
        let email = EmailAddress.normalized(email)
        return exclusions.first { entry in
            let entry = EmailAddress.normalized(entry)
            return entry.hasPrefix("@") ? email.hasSuffix(entry) : email == entry
        }
    }
}

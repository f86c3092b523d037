/// Which Account the Contacts Roster creates belong to. In Salesforce a Contact without an
/// Account is private: only its owner and administrators see it (Salesforce Help, "Private
/// Contacts"). Existing Contacts are never moved to another Account.
public struct ContactAccount: Sendable, Hashable, Codable {
    /// How a new Contact's Account is chosen.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// The Account named like the person's company (case and surrounding spaces ignored;
        /// several: the most recently modified), created when missing; people without a company
        /// go to `accountId`, or to one Account named after the event.
        case byCompany
        /// Every new Contact goes to `accountId`.
        case fixed
        /// New Contacts get no Account (private contacts).
        case none
    }

    /// How the Account is chosen.
    public var mode: Mode
    /// An Account Id: for `fixed`, the Account; for `byCompany`, where people without a company go.
    public var accountId: String?

    /// Makes a choice; by default, the Account named like the person's company.
    public init(mode: Mode = .byCompany, accountId: String? = nil) {
        self.mode = mode
        self.accountId = accountId
    }
}

/// The API calls a forced sync of an event costs, from counts alone. The sync engine spends
/// its calls the same way, so the two agree:
///
/// 1. **Match**: the emails of the people to sync go in `IN` lists of up to 2,000, one Contact
///    query and one Lead query per list; plus the campaign's members, one query page per
///    2,000 members (at least one). Queries travel five to a Composite call.
/// 2. **Write people**: one create or update per person to write, 200 to an sObject
///    Collections request, five collections to a Composite call.
/// 3. **Write members**: the same for campaign members.
/// 4. **Campaign**: one call to read the campaign's statuses.
///
/// `calls = ⌈(2·⌈n/2000⌉ + max(1, ⌈m/2000⌉)) / 5⌉ + ⌈⌈n/200⌉ / 5⌉ + ⌈⌈n/200⌉ / 5⌉ + 1` for `n`
/// people to write and `m` known members. A cold sync of 10,000 people: ⌈11/5⌉ + 10 + 10 + 1 = 24.
public enum SyncCostEstimate {
    /// Most emails one match query's `IN` list holds; also the sync's batch of participants.
    public static let emailsPerQuery = 2_000
    /// Rows one page of a query answer holds, counted for the members query.
    public static let rowsPerQueryPage = 2_000
    /// Most records one sObject Collections request writes.
    public static let recordsPerCollection = 200
    /// Most queries or collections one Composite call carries.
    public static let heavySubrequestsPerComposite = 5

    /// - Parameters:
    ///   - people: participants whose data must be written (new or changed since their last sync).
    ///   - knownMembers: campaign members already there.
    public static func calls(people: Int, knownMembers: Int) -> Int {
        guard people > 0 else { return 0 }
        let queries = 2 * ceil(people, emailsPerQuery) + max(1, ceil(knownMembers, rowsPerQueryPage))
        let collections = ceil(people, recordsPerCollection)
        return ceil(queries, heavySubrequestsPerComposite) + 2 * ceil(collections, heavySubrequestsPerComposite) + 1
    }

    static func ceil(_ value: Int, _ divisor: Int) -> Int { (value + divisor - 1) / divisor }
}

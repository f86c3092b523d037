/// How a searched page finds its participants.
///
/// A search's matches sit in indexes ordered by email, name, company or domain, not in the
/// list's order, so the plain way to cut a page reads every match and sorts them: its cost grows
/// with the matches (11,111 for `import7` among 100,000 people), on every page. When the matches
/// are a good share of the event, walking the event in the list's order (migration 0006's index
/// holds each participant's id and search keys; the name indexes, the other name) finds a page's
/// worth after a few hundred people and stops there.
///
/// The walk is chosen when, were the matches spread evenly, a page would be found within half as
/// many people as there are matches, or when more match than a search counts (``searchCountCap``:
/// at least 2 % of a 100,000-person event, a page within 2,550 people). Its worst case is
/// matches clustered at the list's end: it then passes the rest of the event, at about 100 ns
/// a participant in SQLite (10 ms for 100,000), about what sorting that many matches would cost.
enum SearchPlan: Equatable, Sendable {
    /// Walk the event in the list's order, keeping the first matches.
    case walk
    /// Read every match's id from the search indexes, sort them, cut the page.
    case sortMatches

    /// The plan for a page of `limit` when `matches` of the `population` people searched match;
    /// `exact` is false when more than `matches` do (the count stopped at its cap).
    static func choose(matches: Int, exact: Bool = true, population: Int, limit: Int) -> SearchPlan {
        guard exact else { return .walk }
        // A page holds `limit + 1` rows (the extra one says whether another page follows).
        let wanted = limit + 1
        guard matches >= wanted, population > 0 else { return .sortMatches }
        // Evenly spread, a page is found after `wanted × population / matches` people; walk when
        // that is at most half the matches: `2 × wanted × population ≤ matches²`.
        let passed = (2 * wanted).multipliedReportingOverflow(by: population)
        let squared = matches.multipliedReportingOverflow(by: matches)
        guard !passed.overflow, !squared.overflow, passed.partialValue <= squared.partialValue else { return .sortMatches }
        return .walk
    }
}

/// How a searched page in creation order finds its participants.
///
/// A search's matches sit in three indexes ordered by email or name, not by id, so the plain way
/// to cut a page in creation order reads every match and sorts their ids: its cost grows with the
/// matches, a whole page of work for each of the 11,111 people `import7` finds among 100,000,
/// on every page. When the matches are a good share of the event, walking the event in id order
/// (migration 0006's index holds each participant's id, email key and lower-cased names) finds
/// a page's worth after a few hundred people. The walk is given a window no longer than the
/// number of matches, so a walk that fails (matches clustered elsewhere, the list's last page)
/// costs at most about what the sort it falls back to costs: never worse than twice the sort,
/// usually a small fraction of it. Measured with SQLite on that event: sorting costs about
/// 110–200 ns per match, walking about 200 ns per participant passed.
enum SearchPlan: Equatable, Sendable {
    /// Walk at most `window` participants in id order, keeping the first matches; if they do not
    /// fill the page, sort the matches instead.
    case walk(window: Int)
    /// Read every match's id from the search indexes, sort them, cut the page.
    case sortMatches

    /// The plan for a page of `limit` when `matches` of the `population` people searched match:
    /// walk when, were the matches spread evenly, a page would be found within half the window.
    static func choose(matches: Int, population: Int, limit: Int) -> SearchPlan {
        // A page holds `limit + 1` rows (the extra one says whether another page follows).
        let wanted = limit + 1
        guard matches >= wanted, population > 0 else { return .sortMatches }
        // Evenly spread, a page is found after `wanted × population / matches` people; walk when
        // that is at most half the window (`matches`): `2 × wanted × population ≤ matches²`.
        let passed = (2 * wanted).multipliedReportingOverflow(by: population)
        let squared = matches.multipliedReportingOverflow(by: matches)
        guard !passed.overflow, !squared.overflow, passed.partialValue <= squared.partialValue else { return .sortMatches }
        return .walk(window: matches)
    }
}

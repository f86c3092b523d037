import Testing
@testable import RosterStore

@Suite("A search walks the event in the list's order only when its matches are dense enough")
struct SearchPlanTests {
    @Test func aSearchMatchingATenthOfTheEventWalks() {
        // The bench's `import7`: 11,111 of 100,000; evenly spread, a page of 50 is found within
        // 459 people, far under half of 11,111.
        #expect(SearchPlan.choose(matches: 11_111, population: 100_000, limit: 50) == .walk)
    }

    @Test func aNarrowSearchSortsItsMatches() {
        // `first12`: 1,111 of 100,000; a page would take about 4,600 people, more than half of 1,111.
        #expect(SearchPlan.choose(matches: 1_111, population: 100_000, limit: 50) == .sortMatches)
        // Fewer matches than a page holds: the sort reads them all anyway.
        #expect(SearchPlan.choose(matches: 50, population: 50, limit: 50) == .sortMatches)
        #expect(SearchPlan.choose(matches: 0, population: 0, limit: 50) == .sortMatches)
    }

    @Test func theLineIsAPageWithinHalfTheMatches() {
        // A page of 1 wants 2 rows: 2 × 2 × 9 = 36 = 6², walked; one more person and it is not.
        #expect(SearchPlan.choose(matches: 6, population: 9, limit: 1) == .walk)
        #expect(SearchPlan.choose(matches: 6, population: 10, limit: 1) == .sortMatches)
    }

    @Test func moreMatchesThanASearchCountsWalk() {
        // The count stopped at its cap: at least 2,001 of 100,000 match, a page within ~2,550.
        #expect(SearchPlan.choose(matches: 2_001, exact: false, population: 100_000, limit: 50) == .walk)
        #expect(SearchPlan.choose(matches: 2_001, population: 100_000, limit: 50) == .sortMatches)
    }

    @Test func countsTooLargeToMultiplySort() {
        #expect(SearchPlan.choose(matches: Int.max, population: Int.max, limit: 50) == .sortMatches)
    }
}

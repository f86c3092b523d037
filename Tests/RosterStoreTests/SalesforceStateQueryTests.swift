import Foundation
import RosterCore
import SQLKit
import Testing
@testable import RosterStore

@Suite("The Salesforce state of people, counted and filtered in SQL as SalesforceSyncState says")
struct SalesforceStateQueryTests {
    static let event = ParticipantRepositoryTests.event

    @Test("each state counted and listed alike; an @domain exclusion matches the domain literally (_ and % are no wildcards); errors queued again",
          arguments: TestDatabaseKind.available)
    func statesInSQL(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(Self.event)
            let participants = ParticipantRepository(database: database)
            for email in ["synced@example.org", "pending@example.org", "error@example.org", "new@example.org", "staff@a_b.example", "x@axb.example"] {
                _ = try await participants.upsert(into: Self.event, ParticipantDraft(email: email, firstName: "F", lastName: "L"))
            }
            func set(_ email: String, _ assignments: String) async throws {
                try await database.writer.raw("UPDATE participants SET \(unsafeRaw: assignments) WHERE email = \(bind: email)").run()
            }
            try await set("synced@example.org", "sf_synced_at = updated_at")
            try await set("pending@example.org", "sf_synced_at = updated_at - 1000")
            try await set("error@example.org", "sf_error = 'UNABLE_TO_LOCK_ROW'")
            try await set("x@axb.example", "sf_synced_at = updated_at")
            let exclusions = ["@A_B.example"]

            let counts = try await participants.stateCounts(eventId: Self.event.id, exclusions: exclusions)
            #expect(counts == [.synced: 2, .pending: 1, .error: 1, .notSynced: 1, .excluded: 1])
            for (state, expected) in [(SalesforceSyncState.synced, ["synced@example.org", "x@axb.example"]), (.pending, ["pending@example.org"]),
                                      (.error, ["error@example.org"]), (.notSynced, ["new@example.org"]), (.excluded, ["staff@a_b.example"])] {
                var query = ParticipantQuery()
                query.salesforceState = state
                query.exclusions = exclusions
                let page = try await participants.page(eventId: Self.event.id, query: query, limit: 10, cursor: nil)
                #expect(page.items.map(\.email).sorted() == expected, "\(state)")
                #expect(page.total == expected.count)
                #expect(page.items.allSatisfy { SalesforceSyncState(of: $0, exclusions: exclusions) == state }, "the Swift rule agrees")
            }

            let outbox = Outbox(database: database)
            let before = try await outbox.pending(eventId: Self.event.id, limit: 100).changes.count
            #expect(try await outbox.retryErrors(eventId: Self.event.id) == 1)
            let after = try await outbox.pending(eventId: Self.event.id, limit: 100).changes
            #expect(after.count == before + 1)
            #expect(try await participants.find(eventId: Self.event.id, id: after.last!.participantId)?.email == "error@example.org")
        }
    }
}

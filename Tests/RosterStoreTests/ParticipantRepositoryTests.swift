import Crypto
import Foundation
import RosterCore
import SQLKit
import Testing
@testable import RosterStore

@Suite("Participants are stored once per email, with every change logged")
struct ParticipantRepositoryTests {
    static let event = Event(
        id: "01900000-0000-7000-8000-000000000001", name: "Summit",
        fields: [FieldDefinition(code: "size", label: "Size", type: .selectList, options: ["S", "M"]),
                 FieldDefinition(code: "day", label: "Day", type: .date)],
        createdAt: Date(timeIntervalSince1970: 1_800_000_000)
    )

    func setUp(_ database: RosterDatabase) async throws -> ParticipantRepository {
        try await EventRepository(database: database).create(Self.event)
        return ParticipantRepository(database: database)
    }

    func draft(_ email: String, _ last: String = "Lovelace", fields: [String: InputValue] = [:]) -> ParticipantDraft {
        ParticipantDraft(email: email, firstName: "Ada", lastName: last, fields: fields)
    }

    @Test(arguments: TestDatabaseKind.available)
    func upsertMatchesEmailInAnyCase(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            guard case .created(let first) = try await repository.upsert(into: Self.event, draft("Ada@Example.com")) else {
                Issue.record("the first registration did not create"); return
            }
            guard case .updated(let second) = try await repository.upsert(into: Self.event, draft("  ada@EXAMPLE.com ", "King")) else {
                Issue.record("the same email in another case did not update"); return
            }
            #expect(second.id == first.id)
            #expect(second.lastName == "King")
            #expect(try await repository.count(eventId: Self.event.id) == 1)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func everyChangeWritesAnOutboxRowInTheSameTransaction(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            let created = try await repository.upsert(into: Self.event, draft("ada@example.com", fields: ["day": .string("2026-03-01")])).participant
            _ = try await repository.update(in: Self.event, participantId: created.id, ParticipantDraft(hasAttended: .bool(true)))
            // Nothing changes: nothing to sync, so nothing is logged.
            _ = try await repository.update(in: Self.event, participantId: created.id, ParticipantDraft(hasAttended: .bool(true)))
            let changes = try await Outbox(database: database).pending(eventId: Self.event.id, limit: 100).changes
            #expect(changes.map(\.kind) == ["created", "updated"])
            #expect(changes.map(\.participantVersion) == [1, 2])
            #expect(changes.allSatisfy { $0.participantId == created.id && $0.eventId == Self.event.id })

            let stored = try #require(try await repository.find(eventId: Self.event.id, id: created.id))
            #expect(stored.hasAttended)
            #expect(stored.fields["day"] == .date("2026-03-01"))
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func aFailedChangeWritesNoOutboxRow(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            await #expect(throws: ValidationFailure.self) {
                try await repository.upsert(into: Self.event, draft("ada@example.com", fields: ["size": .string("XL")]))
            }
            #expect(try await Outbox(database: database).pending(eventId: Self.event.id, limit: 100).isEmpty)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func changingEmailToAnotherParticipantsIsAConflict(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            _ = try await repository.upsert(into: Self.event, draft("a@example.com"))
            let b = try await repository.upsert(into: Self.event, draft("b@example.com")).participant
            await #expect(throws: StoreError.self) {
                try await repository.update(in: Self.event, participantId: b.id, ParticipantDraft(email: "A@example.com"))
            }
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func concurrentRegistrationsOfOneEmailMakeOneParticipant(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask { _ = try await repository.upsert(into: Self.event, draft("same@example.com", "N\(index)")) }
                }
                try await group.waitForAll()
            }
            #expect(try await repository.count(eventId: Self.event.id) == 1)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func importChunksCreateUpdateAndRejectRowByRow(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            _ = try await repository.upsert(into: Self.event, draft("old@example.com"))
            let summary = try await repository.importChunk(into: Self.event, [
                ImportRow(number: 1, draft: draft("new@example.com")),
                ImportRow(number: 2, draft: draft("OLD@example.com", "Changed")),
                ImportRow(number: 3, draft: draft("bad@example.com", fields: ["size": .string("XXL")])),
                ImportRow(number: 4, draft: ParticipantDraft(firstName: "No", lastName: "Email")),
                ImportRow(number: 5, draft: draft("new@example.com", "Twice")),
            ])
            #expect(summary.created == 1)
            #expect(summary.updated == 2)
            #expect(summary.rejected.map(\.row) == [3, 4])
            #expect(summary.rejected.first?.field == "size")
            let page = try await repository.page(eventId: Self.event.id, limit: 10, cursor: nil)
            #expect(Set(page.items.map(\.lastName)) == ["Changed", "Twice"])
            #expect(try await Outbox(database: database).pending(eventId: Self.event.id, limit: 100).changes.map(\.kind).sorted() == ["created", "created", "updated"])
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func cursorPagingSeesEveryParticipantOnceWhileOthersRegister(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            var rows: [ImportRow] = []
            for index in 0..<1_200 { rows.append(ImportRow(number: index + 1, draft: draft("p\(index)@example.com"))) }
            for start in stride(from: 0, to: rows.count, by: 500) {
                _ = try await repository.importChunk(into: Self.event, Array(rows[start..<min(start + 500, rows.count)]))
            }
            let before = Set(try await repository.page(eventId: Self.event.id, limit: 2_000, cursor: nil).items.map(\.email))

            let writer = Task {
                for index in 0..<150 { _ = try await repository.upsert(into: Self.event, draft("late\(index)@example.com")) }
            }
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await repository.page(eventId: Self.event.id, limit: 97, cursor: cursor)
                seen += page.items.map(\.email)
                cursor = page.nextCursor
            } while cursor != nil
            try await writer.value

            #expect(seen.count == Set(seen).count, "a participant appeared twice")
            #expect(before.isSubset(of: Set(seen)), "a participant registered before paging was skipped")
            #expect(try await repository.count(eventId: Self.event.id) == 1_350)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func syncedFilterFollowsTheSyncDate(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            let synced = try await repository.upsert(into: Self.event, draft("synced@example.com")).participant
            _ = try await repository.upsert(into: Self.event, draft("waiting@example.com"))
            // Synced twice: the kept count moves once.
            for _ in 0..<2 { try await markSynced(database, synced.id) }

            let done = try await repository.page(eventId: Self.event.id, query: .init(synced: true), limit: 10, cursor: nil)
            let waiting = try await repository.page(eventId: Self.event.id, query: .init(synced: false), limit: 10, cursor: nil)
            #expect(done.items.map(\.email) == ["synced@example.com"])
            #expect(done.total == 1)
            #expect(done.items.first?.salesforce.syncedAt == Date(timeIntervalSince1970: 1_800_000_000))
            #expect(waiting.items.map(\.email) == ["waiting@example.com"])
            #expect(waiting.total == 1)
            #expect(try await repository.page(eventId: Self.event.id, limit: 10, cursor: nil).total == 2)
            #expect(try await repository.count(eventId: Self.event.id) == 2)
            #expect(try await EventRepository(database: database).participantCounts() == [Self.event.id: 2])
        }
    }

    /// Gives the participant a sync date the way the sync does.
    func markSynced(_ database: RosterDatabase, _ participantId: String) async throws {
        try await SyncRepository(database: database).record([ParticipantSyncResult(
            participantId: participantId, syncedAt: Date(timeIntervalSince1970: 1_800_000_000), contactId: "003000000000001AAA", leadId: nil,
            campaignMemberId: nil, error: nil, warning: nil, history: [])], eventId: Self.event.id, run: nil)
    }

    /// Every page of a sorted, searched list, following the cursors.
    func all(_ repository: ParticipantRepository, _ query: ParticipantQuery, pageSize: Int) async throws -> (emails: [String], totals: [Int]) {
        var emails: [String] = []
        var totals: [Int] = []
        var cursor: String? = nil
        repeat {
            let page = try await repository.page(eventId: Self.event.id, query: query, limit: pageSize, cursor: cursor)
            emails += page.items.map(\.email)
            totals.append(page.total)
            cursor = page.nextCursor
        } while cursor != nil
        return (emails, totals)
    }

    @Test(arguments: TestDatabaseKind.available)
    func sortedPagesFollowTheOrderWithTiesBrokenById(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            // Names in mixed case with ties, so the key and the id both decide.
            let people = [("zoe@x.org", "Zed"), ("al@x.org", "adams"), ("bo@x.org", "Brown"), ("cy@x.org", "ADAMS"), ("di@x.org", "brown"), ("ed@x.org", "Cole")]
            var ids: [String: String] = [:]
            for (email, last) in people { ids[email] = try await repository.upsert(into: Self.event, draft(email, last)).participant.id }

            let byName = try await all(repository, ParticipantQuery(sort: .lastName), pageSize: 2)
            let expected = people.sorted { ($0.1.lowercased(), ids[$0.0]!) < ($1.1.lowercased(), ids[$1.0]!) }.map(\.0)
            #expect(byName.emails == expected)
            #expect(byName.totals == [6, 6, 6])

            let newestFirst = try await all(repository, ParticipantQuery(sort: .created, descending: true), pageSize: 4)
            #expect(newestFirst.emails == people.map(\.0).reversed())
            let byEmailDescending = try await all(repository, try ParticipantQuery(synced: nil, search: nil, sort: "-email"), pageSize: 5)
            #expect(byEmailDescending.emails == people.map(\.0).sorted(by: >))
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func searchedPagesFollowTheOrderAcrossCursorsEachMatchOnce(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            // "b" starts an email, a first name or a last name, or two of them at once (bob@ Bob
            // Barker matches thrice but must show once); Cy Adams does not match.
            let people = [("bob@x.org", "Bob", "Barker"), ("al@x.org", "Al", "Brown"), ("bea@x.org", "Cy", "Adams"),
                          ("cy@x.org", "Cy", "Adams"), ("di@x.org", "Bea", "Cole"), ("ed@x.org", "Ed", "brown")]
            var ids: [String: String] = [:]
            for (email, first, last) in people {
                ids[email] = try await repository.upsert(into: Self.event, ParticipantDraft(email: email, firstName: first, lastName: last)).participant.id
            }
            let matches = people.filter { $0.0 != "cy@x.org" }
            let byName = try await all(repository, try ParticipantQuery(synced: nil, search: "B", sort: "-lastName"), pageSize: 2)
            #expect(byName.emails == matches.sorted { ($0.2.lowercased(), ids[$0.0]!) > ($1.2.lowercased(), ids[$1.0]!) }.map(\.0))
            #expect(byName.totals == [5, 5, 5])
            let byCreation = try await all(repository, ParticipantQuery(search: "b"), pageSize: 3)
            #expect(byCreation.emails == matches.map(\.0))
            #expect(byCreation.totals == [5, 5])
        }
    }

    @Test("A search with a space finds full names, either way round, names with spaces too; walked or sorted alike", arguments: TestDatabaseKind.available)
    func fullNames(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            let people = [("Grace", "Hopper"), ("Grace", "Kelly"), ("Mary Ann", "Smith"), ("Hopper", "Grace"), ("Ada", "Lovelace")]
            for (index, (first, last)) in people.enumerated() {
                _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: "p\(index)@x.org", firstName: first, lastName: last))
            }
            func found(_ search: String) async throws -> [String] {
                try await all(repository, ParticipantQuery(search: search), pageSize: 2).emails
            }
            #expect(try await found("Grace Hopper") == ["p0@x.org", "p3@x.org"]) // "Grace Hopper", and "Hopper Grace" read last name first
            #expect(try await found("grace  hop") == ["p0@x.org", "p3@x.org"])
            #expect(try await found("kelly gr") == ["p1@x.org"])
            #expect(try await found("mary ann s") == ["p2@x.org"])
            #expect(try await found("smith mary") == ["p2@x.org"])
            #expect(try await found("ada lovelace x") == [])
            #expect(try await found("grace") == ["p0@x.org", "p1@x.org", "p3@x.org"])
            // The walk finds what the sort finds.
            let query = ParticipantQuery(search: "grace h")
            let walked = try await ParticipantRow.read(repository.walkSQL(eventId: Self.event.id, prefix: "grace h", descending: false, limit: 5, after: nil), on: database)
            #expect(walked.map(\.email) == ["p0@x.org", "p3@x.org"])
            #expect(try await repository.page(eventId: Self.event.id, query: query, limit: 5, cursor: nil).total == 2)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func aWideSearchWalkedInCreationOrderPagesAsTheSortDoesAcrossAGap(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            // 20 matches, 50 people who don't match, 20 matches: 40 of 90 match, enough to walk,
            // and the gap holds more people than match.
            let emails = (0..<20).map { "a\($0)@x.org" } + (0..<50).map { "z\($0)@x.org" } + (20..<40).map { "a\($0)@x.org" }
            var ids: [String] = []
            for email in emails {
                ids.append(try await repository.upsert(into: Self.event, ParticipantDraft(email: email, firstName: "Bo", lastName: "Cole")).participant.id)
            }
            let matches = emails.filter { $0.hasPrefix("a") }
            #expect(SearchPlan.choose(matches: 40, population: 90, limit: 3) == .walk)

            // The first page is walked: the first four matches, without sorting.
            let query = ParticipantQuery(search: "A")
            let first = try #require(try await repository.walk(eventId: Self.event.id, query: query, count: .init(total: 40, population: 90), limit: 3, after: nil))
            #expect(first.map(\.email) == Array(matches.prefix(4)))
            // From the 19th match the walk passes the 50 who don't match to the next page's end.
            let nineteenth = ids[18]
            let cursor = PageCursor(key: nineteenth, id: nineteenth, total: 40, population: 90, fingerprint: query.fingerprint)
            let across = try #require(try await repository.walk(eventId: Self.event.id, query: query, count: .init(total: 40, population: 90), limit: 3, after: cursor))
            #expect(across.map(\.email) == Array(matches[19...22]))
            // At the list's end the walk comes back short: the last page.
            let thirtyEighth = ids[87]
            let end = PageCursor(key: thirtyEighth, id: thirtyEighth, total: 40, population: 90, fingerprint: query.fingerprint)
            let short = try #require(try await repository.walk(eventId: Self.event.id, query: query, count: .init(total: 40, population: 90), limit: 3, after: end))
            #expect(short.map(\.email) == Array(matches[38...39]))

            // Every page, walked or sorted, in both directions: each match once, in order.
            let forward = try await all(repository, query, pageSize: 3)
            #expect(forward.emails == matches)
            #expect(Set(forward.totals) == [40])
            let backward = try await all(repository, ParticipantQuery(search: "a", sort: .created, descending: true), pageSize: 3)
            #expect(backward.emails == matches.reversed())
            // Counted by alternative (only the email matches) or, with the sync filter, as a union.
            let unsynced = try await repository.page(eventId: Self.event.id, query: ParticipantQuery(synced: false, search: "a"), limit: 3, cursor: nil)
            #expect(unsynced.total == 40)
            #expect(unsynced.items.map(\.email) == Array(matches.prefix(3)))
            #expect(try await repository.page(eventId: Self.event.id, query: ParticipantQuery(synced: true, search: "a"), limit: 3, cursor: nil).total == 0)
            // A cursor from a list before the walk (no population) still pages, by sorting.
            let old = PageCursor(key: nineteenth, id: nineteenth, total: 40, population: nil, fingerprint: query.fingerprint)
            let key = try await database.cursorKey.key(in: database)
            let page = try await repository.page(eventId: Self.event.id, query: query, limit: 3, cursor: old.encoded(key: key))
            #expect(page.items.map(\.email) == Array(matches[19...21]))

            // Only the emails match "a": the first page's cursor says so, and its walks test the
            // email alone, finding what a walk testing all three finds.
            let firstPage = try await repository.page(eventId: Self.event.id, query: query, limit: 3, cursor: nil)
            let next = try PageCursor.decode(try #require(firstPage.nextCursor), for: query, key: key)
            #expect(next.keys == [0])
            #expect(next.population == 90)
            let third = ids[2]
            for keys: [Int]? in [nil, [0], [0, 1, 2], [7], []] {
                let after = PageCursor(key: third, id: third, total: 40, population: 90, keys: keys, fingerprint: query.fingerprint)
                let walked = try #require(try await repository.walk(eventId: Self.event.id, query: query,
                                                                     count: .init(total: 40, population: 90, keys: keys), limit: 3, after: after))
                #expect(walked.map(\.email) == Array(matches[3...6]), "keys \(String(describing: keys))")
            }
            // A search matching first names only ("Bo", everyone) is walked on first names.
            let byName = ParticipantQuery(search: "bo")
            let nameCursor = try PageCursor.decode(try #require(try await repository.page(eventId: Self.event.id, query: byName, limit: 3, cursor: nil).nextCursor), for: byName, key: key)
            #expect(nameCursor.keys == [1])
            #expect(try await all(repository, byName, pageSize: 7).emails == emails)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func searchMatchesTheStartOfEmailOrNamesInAnyCase(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: "ada@lovelace.org", firstName: "Ada", lastName: "Lovelace"))
            _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: "grace@navy.mil", firstName: "Grace", lastName: "Hopper"))
            _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: "alan@turing.uk", firstName: "Alan", lastName: "Turing"))
            _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: "50%_off@shop.com", firstName: "Per", lastName: "Cent"))

            func emails(_ search: String) async throws -> [String] {
                try await repository.page(eventId: Self.event.id, query: ParticipantQuery(search: search, sort: .email), limit: 10, cursor: nil).items.map(\.email)
            }
            #expect(try await emails("A") == ["ada@lovelace.org", "alan@turing.uk"])
            #expect(try await emails("hop") == ["grace@navy.mil"])
            #expect(try await emails("  GRACE@N ") == ["grace@navy.mil"])
            #expect(try await emails("love") == ["ada@lovelace.org"])
            #expect(try await emails("50%_") == ["50%_off@shop.com"], "% and _ are searched as themselves")
            #expect(try await emails("ring") == [], "the search matches starts, not the middle")
            let page = try await repository.page(eventId: Self.event.id, query: ParticipantQuery(search: "a"), limit: 1, cursor: nil)
            #expect(page.total == 2)
        }
    }

    @Test("A search ignores accents and case in names and companies, finds a company or an email's domain, sorts names as read",
          arguments: TestDatabaseKind.available)
    func searchWithoutAccentsByCompanyAndDomain(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            let people: [(String, String, String, String)] = [
                ("helene.lefevre@societe.fr", "Hélène", "Lefèvre", "Société Générale"),
                ("hlene@corp.com", "Hlene", "Martin", "Corp"),
                ("sean@corp.com", "Seán", "O’Brien", "Corp"),
                ("emile@corp.com.au", "Émile", "Zola", "Éditions"),
                ("ada@lovelace.org", "Ada", "Lovelace", "Analytical Engines"),
            ]
            for (email, first, last, company) in people {
                _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: email, firstName: first, lastName: last, company: company))
            }
            func emails(_ search: String) async throws -> [String] {
                try await repository.page(eventId: Self.event.id, query: ParticipantQuery(search: search, sort: .email), limit: 10, cursor: nil).items.map(\.email)
            }
            #expect(try await emails("helene") == ["helene.lefevre@societe.fr"])
            #expect(try await emails("HÉLÈNE") == ["helene.lefevre@societe.fr"])
            #expect(try await emails("lefevre") == ["helene.lefevre@societe.fr"])
            #expect(try await emails("helene lef") == ["helene.lefevre@societe.fr"], "a full name, folded")
            #expect(try await emails("société gén") == ["helene.lefevre@societe.fr"], "a company with a space")
            #expect(try await emails("editions") == ["emile@corp.com.au"], "a company, without its accent")
            #expect(try await emails("o'brien") == ["sean@corp.com"], "a typographic apostrophe found by a plain one")
            #expect(try await emails("@corp.com") == ["emile@corp.com.au", "hlene@corp.com", "sean@corp.com"], "a domain, or one starting so")
            #expect(try await emails("@CORP.COM.") == ["emile@corp.com.au"])
            #expect(try await emails("@lovelace.org") == ["ada@lovelace.org"])
            #expect(try await emails("corp.com") == [], "a domain without its @ is not an email's start")
            // Sorted by last name as a reader sorts ("Émile Zola" after "Lovelace"), paged by
            // cursors that hold the folded key.
            let byFirst = try await all(repository, ParticipantQuery(search: nil, sort: .firstName), pageSize: 2)
            #expect(byFirst.emails == ["ada@lovelace.org", "emile@corp.com.au", "helene.lefevre@societe.fr", "hlene@corp.com", "sean@corp.com"])
            // An edit refolds: the new name is found, the old one no longer.
            let helene = try #require(try await repository.page(eventId: Self.event.id, query: ParticipantQuery(search: "helene"), limit: 1, cursor: nil).items.first)
            _ = try await repository.update(in: Self.event, participantId: helene.id, ParticipantDraft(lastName: "Dupré"))
            #expect(try await emails("dupre") == ["helene.lefevre@societe.fr"])
            #expect(try await emails("lefevre") == [])
        }
    }

    @Test("A dense search sorted by name is walked along the name's index, page after page, as the sort would cut it",
          arguments: TestDatabaseKind.available)
    func aDenseSearchSortedByNameIsWalked(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            // 30 people, 20 named Ada, their last names in the reverse of their creation order.
            for index in 0..<30 {
                _ = try await repository.upsert(into: Self.event, ParticipantDraft(
                    email: "p\(index)@x.org", firstName: index % 3 == 0 ? "Bob" : "Ada", lastName: String(format: "É%02d", 29 - index)))
            }
            let expected = (0..<30).filter { $0 % 3 != 0 }.sorted { $0 > $1 }.map { "p\($0)@x.org" }
            let query = ParticipantQuery(search: "ada", sort: .lastName)
            #expect(SearchPlan.choose(matches: 20, population: 30, limit: 2) != .sortMatches, "dense enough to walk")
            #expect(try await all(repository, query, pageSize: 2).emails == expected)
            #expect(try await all(repository, ParticipantQuery(search: "ada", sort: .lastName, descending: true), pageSize: 3).emails == expected.reversed())
            // The walk alone, from a cursor, finds what the sort finds.
            let walked = try await ParticipantRow.read(repository.walkSQL(eventId: Self.event.id, prefix: "ada", sort: .lastName, descending: false,
                                                                          limit: 4, after: nil), on: database)
            #expect(walked.map(\.email) == Array(expected.prefix(5)))
            // A desk's search (names and company only) never matches an email's start.
            var desk = ParticipantQuery(search: "p1", sort: .lastName)
            #expect(try await repository.page(eventId: Self.event.id, query: desk, limit: 50, cursor: nil).total == 11)
            desk.searchScope = .namesAndCompany
            #expect(try await repository.page(eventId: Self.event.id, query: desk, limit: 50, cursor: nil).total == 0)
        }
    }

    @Test("A search matching more people than it counts says so, is walked, and still pages through every match",
          arguments: TestDatabaseKind.available)
    func aSearchPastItsCountCap(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            let cap = ParticipantQuery.searchCountCap
            // cap + 10 Hélène among cap + 40 people, their last names in reverse creation order.
            let count = cap + 40
            let rows = (0..<count).map { index in
                ImportRow(number: index + 1, draft: ParticipantDraft(email: String(format: "p%05d@x.org", index), firstName: index % 100 == 99 && index < cap ? "Zoé" : "Hélène",
                                                                      lastName: String(format: "L%05d", count - index)))
            }
            _ = try await repository.importRows(into: Self.event, rows)
            let helene = rows.filter { $0.draft.firstName == "Hélène" }.map(\.draft.email)
            #expect(helene.count > cap)

            let first = try await repository.page(eventId: Self.event.id, query: ParticipantQuery(search: "helene"), limit: 50, cursor: nil)
            #expect(first.total == cap)
            #expect(first.totalExact == false)
            #expect(first.items.map(\.email) == Array(helene.prefix(50)))
            // Walked in creation order and in a name's order, every match once, in order; each
            // page carries the first page's count.
            let byId = try await all(repository, ParticipantQuery(search: "helene"), pageSize: 500)
            #expect(byId.emails == helene)
            #expect(Set(byId.totals) == [cap])
            #expect(try await all(repository, ParticipantQuery(search: "HELENE", sort: .lastName), pageSize: 700).emails == helene.reversed())
            // A narrower search is counted exactly.
            let zoe = try await repository.page(eventId: Self.event.id, query: ParticipantQuery(search: "zoe"), limit: 50, cursor: nil)
            #expect(zoe.total == count - helene.count)
            #expect(zoe.totalExact)
            // The unsearched list's count is kept, never capped.
            let everyone = try await repository.page(eventId: Self.event.id, query: ParticipantQuery(), limit: 1, cursor: nil)
            #expect((everyone.total, everyone.totalExact) == (count, true))
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func aCursorIsRefusedOnAnotherListOrWhenForged(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            for index in 0..<3 { _ = try await repository.upsert(into: Self.event, draft("p\(index)@example.com")) }
            let first = try await repository.page(eventId: Self.event.id, query: ParticipantQuery(sort: .email), limit: 1, cursor: nil)
            let cursor = try #require(first.nextCursor)
            await #expect(throws: ParticipantQueryError.invalidCursor(cursor)) {
                try await repository.page(eventId: Self.event.id, query: ParticipantQuery(sort: .lastName), limit: 1, cursor: cursor)
            }
            await #expect(throws: ParticipantQueryError.invalidCursor("nonsense")) {
                try await repository.page(eventId: Self.event.id, limit: 1, cursor: "nonsense")
            }
            // A cursor whose total a client rewrote, signed with any key but the database's own.
            let key = try await database.cursorKey.key(in: database)
            var forged = try PageCursor.decode(cursor, for: ParticipantQuery(sort: .email), key: key)
            forged.total = 1_000_000
            let text = forged.encoded(key: SymmetricKey(size: .bits256))
            await #expect(throws: ParticipantQueryError.invalidCursor(text)) {
                try await repository.page(eventId: Self.event.id, query: ParticipantQuery(sort: .email), limit: 1, cursor: text)
            }
            #expect(throws: ParticipantQueryError.self) { try ParticipantQuery(synced: nil, search: nil, sort: "shoeSize") }
            // A name's order needs both names: a cursor holding one (signed before migration 0022) starts again.
            let byName = ParticipantQuery(sort: .lastName)
            let old = PageCursor(key: "b", id: forged.id, total: 3, population: nil, fingerprint: byName.fingerprint).encoded(key: key)
            await #expect(throws: ParticipantQueryError.invalidCursor(old)) {
                try await repository.page(eventId: Self.event.id, query: byName, limit: 1, cursor: old)
            }
        }
    }

    @Test("A name's order breaks its ties on the other name, then the id, and a full name matches across its spaces",
          arguments: TestDatabaseKind.available)
    func aNamesOrderBreaksTiesOnTheOtherName(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            // Created in an order that neither names nor ids would give.
            let people = [("p0@x.org", "Zoé", "Adams"), ("p1@x.org", "Al", "Adams"), ("p2@x.org", "Jean Marc", "Dupont"), ("p3@x.org", "Al", "Adams"),
                          ("p4@x.org", "Jean", "Marc Dupuis"), ("p5@x.org", "Élise", "adams"), ("p6@x.org", "Jean", "Martin")]
            for (email, first, last) in people {
                _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: email, firstName: first, lastName: last))
            }
            let byLast = ["p1@x.org", "p3@x.org", "p5@x.org", "p0@x.org", "p2@x.org", "p4@x.org", "p6@x.org"]
            #expect(try await all(repository, ParticipantQuery(sort: .lastName), pageSize: 2).emails == byLast)
            #expect(try await all(repository, ParticipantQuery(sort: .lastName, descending: true), pageSize: 3).emails == byLast.reversed())
            let byFirst = ["p1@x.org", "p3@x.org", "p5@x.org", "p4@x.org", "p6@x.org", "p2@x.org", "p0@x.org"]
            #expect(try await all(repository, ParticipantQuery(sort: .firstName), pageSize: 2).emails == byFirst)
            // "jean marc du": Jean Marc Dupont (first name "jean marc") and Jean Marc Dupuis (last
            // name "marc dupuis"); "jean ma" adds Jean Martin; in a name's order, on every page.
            func found(_ search: String, _ sort: ParticipantQuery.Sort) async throws -> [String] {
                try await all(repository, ParticipantQuery(search: search, sort: sort), pageSize: 1).emails
            }
            #expect(try await found("jean marc du", .created) == ["p2@x.org", "p4@x.org"])
            #expect(try await found("Jean  Marc Dup", .lastName) == ["p2@x.org", "p4@x.org"])
            #expect(try await found("jean ma", .firstName) == ["p4@x.org", "p6@x.org", "p2@x.org"])
            #expect(try await found("adams al", .created) == ["p1@x.org", "p3@x.org"])
            #expect(try await found("adams e", .lastName) == ["p5@x.org"])
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func countsPerEventFollowRegistrationAttendanceAndSync(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let repository = try await setUp(database)
            let ada = try await repository.upsert(into: Self.event, draft("ada@example.com")).participant
            _ = try await repository.upsert(into: Self.event, ParticipantDraft(email: "bo@example.com", firstName: "Bo", lastName: "B", isRegistered: .bool(false)))
            _ = try await repository.update(in: Self.event, participantId: ada.id, ParticipantDraft(hasAttended: .bool(true)))
            try await markSynced(database, ada.id)
            let counts = try await repository.counts(eventId: Self.event.id)
            #expect(counts == EventCounts(participants: 2, registered: 1, attended: 1, synced: 1, pending: 1, members: 0))
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func migrationsRunOnce(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            let again = try await Migrator(database: database, logger: .init(label: "test")).migrate()
            #expect(again.isEmpty)
        }
    }
}

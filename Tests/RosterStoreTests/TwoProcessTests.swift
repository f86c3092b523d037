import Foundation
import Logging
import RosterCore
import ServiceLifecycle
import Synchronization
import Testing
@testable import RosterStore

/// Two Roster processes on one database, as `--role web` and several workers run: each here is
/// a store of its own (its own connections, its own writer) on the same database.
@Suite("Two processes on one database: no lost update, no failed batch, one worker per event")
struct TwoProcessTests {
    static let event = ParticipantRepositoryTests.event

    /// Runs `body` with two writers, each on its own connections to one new database.
    private func withTwoWriters(_ kind: TestDatabaseKind,
                                _ body: @escaping @Sendable ([(ParticipantWriter, ParticipantRepository)]) async throws -> Void) async throws {
        try await withTestDatabase(kind) { first in
            try await EventRepository(database: first).create(Self.event)
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let second = try RosterDatabase(url: first.url, logger: logger)
            let sides = [first, second].map { database in
                let repository = ParticipantRepository(database: database)
                return (ParticipantWriter(database: database, participants: repository, logger: logger), repository)
            }
            let group = ServiceGroup(services: sides.map(\.0), logger: logger)
            async let running: Void = group.run()
            do {
                try await body(sides)
            } catch {
                await group.triggerGracefulShutdown()
                try await running
                try? await second.shutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await running
            try await second.shutdown()
        }
    }

    /// Several processes share PostgreSQL (SPEC S60); SQLite is one process's database.
    static let shared = TestDatabaseKind.available.filter { $0 == .postgres }

    @Test("updates of one participant from two processes all land: each applies to what the other wrote", arguments: shared)
    func noLostUpdate(kind: TestDatabaseKind) async throws {
        try await withTwoWriters(kind) { (sides: [(ParticipantWriter, ParticipantRepository)]) async throws in
            let created = try await sides[0].0.upsert(into: Self.event, ParticipantDraft(email: "ada@example.com", firstName: "Ada", lastName: "L"))
            let id = created.participant.id
            // Process 0 sets the company, process 1 the job title, forty times each, interleaved.
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for round in 0..<40 {
                    for (side, (writer, repository)) in sides.enumerated() {
                        tasks.addTask {
                            let draft = side == 0 ? ParticipantDraft(company: "Company \(round)") : ParticipantDraft(jobTitle: "Title \(round)")
                            _ = try await writer.perform { db in try await repository.update(in: Self.event, participantId: id, draft, on: db) }
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            let stored = try #require(try await sides[1].1.find(eventId: Self.event.id, id: id))
            #expect(stored.company.hasPrefix("Company ") && stored.jobTitle.hasPrefix("Title "), "neither side's last write was overwritten")
            let version = try await sides[0].1.database.writer.raw("SELECT version FROM participants WHERE id = \(bind: id)").first(decodingColumn: "version", as: Int.self)
            #expect(version == 1 + 80, "every update counted once: \(version ?? -1)")
        }
    }

    @Test("a stale write is refused as a version conflict, not applied over the newer row", arguments: TestDatabaseKind.available)
    func staleWriteIsRefused(kind: TestDatabaseKind) async throws {
        try await withTwoWriters(kind) { (sides: [(ParticipantWriter, ParticipantRepository)]) async throws in
            let repository = sides[0].1
            let created = try await repository.upsert(into: Self.event, ParticipantDraft(email: "grace@example.com", firstName: "Grace", lastName: "H"))
            let participant = created.participant
            _ = try await repository.update(in: Self.event, participantId: participant.id, ParticipantDraft(company: "Navy"))
            var edited = participant
            edited.company = "Stale Inc"
            let stale = edited
            await #expect(throws: StoreError.versionConflict("the participant \(participant.id) was changed by another request meanwhile; read it again and retry")) {
                _ = try await repository.database.transaction { db in try await repository.save(stale, over: participant, version: 1, on: db) }
            }
            #expect(try await repository.find(eventId: Self.event.id, id: participant.id)?.company == "Navy")
        }
    }

    @Test("the same new people registered by two processes at once: each once, nobody refused", arguments: shared)
    func sameEmailsFromTwoProcesses(kind: TestDatabaseKind) async throws {
        try await withTwoWriters(kind) { (sides: [(ParticipantWriter, ParticipantRepository)]) async throws in
            let failures = await withTaskGroup(of: Int.self) { tasks in
                for index in 0..<120 {
                    for (writer, _) in sides {
                        tasks.addTask {
                            let draft = ParticipantDraft(email: "p\(index)@example.com", firstName: "P", lastName: "\(index)")
                            do { _ = try await writer.upsert(into: Self.event, draft); return 0 } catch { return 1 }
                        }
                    }
                }
                return await tasks.reduce(0, +)
            }
            #expect(failures == 0, "a race with the other process costs no one their registration")
            #expect(try await sides[0].1.count(eventId: Self.event.id) == 120)
        }
    }

    @Test("a client of an old connection cannot write over a new one: its renewed token and its failure apply to its own connection only",
          arguments: TestDatabaseKind.available)
    func oldConnectionWritesNothing(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(Self.event)
            let clock = TestClock()
            let connectors = ConnectorRepository(database: database, secrets: try SecretBox(key: SecretBox.generateKey()), now: { clock.now })
            _ = try await connectors.save(eventId: Self.event.id, settings: ConnectorSettings(), consumerSecret: "secret")
            try await connectors.connect(eventId: Self.event.id, flow: .webServer, instanceUrl: "https://old.example", username: "a",
                                         accessToken: "old-token", refreshToken: "old-refresh")
            let old = try #require(try await connectors.find(eventId: Self.event.id)?.connection.connectedAt)
            clock.advance(by: 60)
            // Another process logs in to another org.
            try await connectors.connect(eventId: Self.event.id, flow: .webServer, instanceUrl: "https://new.example", username: "b",
                                         accessToken: "new-token", refreshToken: "new-refresh")
            await #expect(throws: ConnectorRepository.ConnectionChanged.self) {
                try await connectors.renew(eventId: Self.event.id, connectedAt: old, stale: "old-token") { _ in
                    .init(accessToken: "renewed-old", refreshToken: nil, instanceUrl: "https://old.example")
                }
            }
            try await connectors.markBroken(eventId: Self.event.id, connectedAt: old, error: "the old token was refused")
            let stored = try #require(try await connectors.find(eventId: Self.event.id))
            #expect(stored.accessToken == "new-token" && stored.connection.instanceUrl == "https://new.example")
            #expect(stored.connection.state == .connected)
            // The current connection's own renewal does apply, its rotated refresh token too.
            _ = try await connectors.renew(eventId: Self.event.id, connectedAt: stored.connection.connectedAt, stale: "new-token") { refresh in
                #expect(refresh == "new-refresh")
                return .init(accessToken: "renewed-new", refreshToken: "rotated", instanceUrl: "https://new.example")
            }
            let renewed = try #require(try await connectors.find(eventId: Self.event.id))
            #expect(renewed.accessToken == "renewed-new" && renewed.refreshToken == "rotated")
        }
    }

    @Test("one renewal at a time: those that come with the same stale token take its tokens instead of presenting the refresh token again",
          arguments: TestDatabaseKind.available)
    func oneRenewalAtATime(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(Self.event)
            let secrets = try SecretBox(key: SecretBox.generateKey())
            let connectors = ConnectorRepository(database: database, secrets: secrets)
            _ = try await connectors.save(eventId: Self.event.id, settings: ConnectorSettings(), consumerSecret: "secret")
            try await connectors.connect(eventId: Self.event.id, flow: .webServer, instanceUrl: "https://org.example", username: "a",
                                         accessToken: "expired", refreshToken: "refresh-1")
            let connectedAt = try #require(try await connectors.find(eventId: Self.event.id)?.connection.connectedAt)
            // What Salesforce saw: each refresh token presented, in order (with rotation, a second
            // presentation of one would revoke the connection).
            let presented = Mutex<[String?]>([])
            let renew: @Sendable (String?) async throws -> ConnectorRepository.RenewedTokens = { refresh in
                let count = presented.withLock { $0.append(refresh); return $0.count }
                return .init(accessToken: "access-\(count + 1)", refreshToken: "refresh-\(count + 1)", instanceUrl: "https://org.example")
            }
            // Several processes (a database handle each) find the same token expired at once.
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            let handles = try (0..<3).map { _ in try RosterDatabase(url: database.url, logger: logger) }
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for handle in handles {
                    let repository = ConnectorRepository(database: handle, secrets: secrets)
                    for _ in 0..<2 {
                        group.addTask { try await repository.renew(eventId: Self.event.id, connectedAt: connectedAt, stale: "expired", renew).accessToken }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            for handle in handles { try await handle.shutdown() }
            #expect(presented.withLock { $0 } == ["refresh-1"], "Salesforce was asked once")
            #expect(Set(answers) == ["access-2"] && answers.count == 6, "everyone took the one renewal")
            let stored = try #require(try await connectors.find(eventId: Self.event.id))
            #expect(stored.accessToken == "access-2" && stored.refreshToken == "refresh-2")
            // The next expiry renews again, with the rotated refresh token.
            _ = try await connectors.renew(eventId: Self.event.id, connectedAt: connectedAt, stale: "access-2", renew)
            #expect(presented.withLock { $0 } == ["refresh-1", "refresh-2"])
        }
    }
}

import Foundation
import Logging
import RosterCore
import ServiceLifecycle
import Testing
@testable import RosterStore

/// Runs `body` with a writer serving as a service on a new database with the test event,
/// then shuts the writer down gracefully.
private func withRunningWriter(
    _ kind: TestDatabaseKind, _ body: @escaping @Sendable (ParticipantWriter, ParticipantRepository) async throws -> Void
) async throws {
    try await withTestDatabase(kind) { database in
        try await EventRepository(database: database).create(ParticipantRepositoryTests.event)
        let repository = ParticipantRepository(database: database)
        let writer = ParticipantWriter(database: database, participants: repository, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        async let running: Void = group.run()
        do {
            try await body(writer, repository)
        } catch {
            await group.triggerGracefulShutdown()
            try await running
            throw error
        }
        await group.triggerGracefulShutdown()
        try await running
    }
}

@Suite("Group commit: concurrent writes share transactions, each failing alone")
struct ParticipantWriterTests {
    @Test(arguments: TestDatabaseKind.available)
    func concurrentWritesAreAllCommittedAndBadOnesFailAlone(kind: TestDatabaseKind) async throws {
        try await withRunningWriter(kind) { (writer: ParticipantWriter, repository: ParticipantRepository) async throws in

            let results = await withTaskGroup(of: (Int, Bool).self) { tasks in
                for index in 0..<200 {
                    tasks.addTask {
                        // Every tenth write is invalid (an unknown option) and must fail on its own.
                        let size: InputValue = index % 10 == 0 ? .string("XXL") : .string("S")
                        let draft = ParticipantDraft(email: "w\(index)@example.com", firstName: "W", lastName: "\(index)", fields: ["size": size])
                        do {
                            _ = try await writer.perform { db in try await repository.upsert(into: ParticipantRepositoryTests.event, draft, on: db) }
                            return (index, true)
                        } catch {
                            return (index, false)
                        }
                    }
                }
                return await tasks.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(results.filter { !$0.value }.keys.sorted() == Array(stride(from: 0, to: 200, by: 10)))
            #expect(try await repository.count(eventId: ParticipantRepositoryTests.event.id) == 180)
            #expect(try await Outbox(database: repository.database).pending(eventId: ParticipantRepositoryTests.event.id, limit: 1000).changes.count == 180, "one outbox row per committed write")
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func concurrentRegistrationsGoInBulkAndRefusalsStayAlone(kind: TestDatabaseKind) async throws {
        try await withRunningWriter(kind) { (writer: ParticipantWriter, repository: ParticipantRepository) async throws in

            let outcomes = await withTaskGroup(of: String.self) { tasks in
                for index in 0..<300 {
                    tasks.addTask {
                        // Ten people register twice (another case): one participant each. Every 25th draft is refused.
                        let email = index < 20 ? "twice\(index % 10)@EXAMPLE.com" : "r\(index)@example.com"
                        let size: InputValue = index % 25 == 24 ? .string("XXL") : .string("M")
                        do {
                            switch try await writer.upsert(into: ParticipantRepositoryTests.event, ParticipantDraft(email: email, firstName: "R", lastName: "\(index)", fields: ["size": size])) {
                            case .created: return "created"
                            case .updated: return "updated"
                            }
                        } catch is ValidationFailure {
                            return "refused"
                        } catch {
                            return "error"
                        }
                    }
                }
                return await tasks.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes["refused"] == 12)
            #expect(outcomes["error"] == nil)
            #expect(outcomes["updated"] == 10)
            #expect(outcomes["created"] == 278)
            #expect(try await repository.count(eventId: ParticipantRepositoryTests.event.id) == 278)
        }
    }

    @Test(arguments: TestDatabaseKind.available)
    func writesQueuedAtShutdownAreStillCommitted(kind: TestDatabaseKind) async throws {
        try await withTestDatabase(kind) { database in
            try await EventRepository(database: database).create(ParticipantRepositoryTests.event)
            let repository = ParticipantRepository(database: database)
            let writer = ParticipantWriter(database: database, participants: repository, logger: Logger(label: "test"))
            let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
            async let running: Void = group.run()
            async let write = writer.upsert(into: ParticipantRepositoryTests.event, ParticipantDraft(email: "last@example.com", firstName: "L", lastName: "L"))
            await group.triggerGracefulShutdown()
            try await running
            _ = try await write
            await #expect(throws: StoreError.self) {
                try await writer.perform { _ in 1 }
            }
            #expect(try await repository.count(eventId: ParticipantRepositoryTests.event.id) == 1)
        }
    }
}

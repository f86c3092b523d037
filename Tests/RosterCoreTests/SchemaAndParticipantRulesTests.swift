import Foundation
import Testing
@testable import RosterCore

@Suite("Event schemas and participant rules")
struct SchemaAndParticipantRulesTests {
    let schema = [
        FieldDefinition(code: "size", label: "Size", type: .selectList, options: ["S", "M"]),
        FieldDefinition(code: "age", label: "Age", type: .number),
    ]

    @Test func incoherentSchemasAreRefusedFieldByField() {
        let problems = FieldDefinition.problems(in: [
            FieldDefinition(code: "a", label: "A", type: .text),
            FieldDefinition(code: "A", label: "A again", type: .text),
            FieldDefinition(code: "pick", label: "Pick", type: .selectList),
            FieldDefinition(code: "n", label: "N", type: .number, maxLength: 3),
            FieldDefinition(code: "email", label: "Email", type: .email),
            FieldDefinition(code: "9lives", label: "Nine", type: .text),
        ])
        #expect(problems.map(\.field) == ["A", "pick", "n", "email", "9lives"])
        #expect(problems[1].message == "a selectList needs a non-empty 'options' list")
    }

    @Test func aNewParticipantNeedsEmailAndNames() {
        #expect(throws: ValidationFailure.self) { try ParticipantRules.check(ParticipantDraft(email: "a@b.co"), schema: schema, isNew: true) }
        do {
            _ = try ParticipantRules.check(ParticipantDraft(firstName: "A"), schema: schema, isNew: true)
        } catch {
            #expect(error.issues.map(\.field) == ["email", "lastName"])
        }
    }

    @Test func anUpdateNeedsNothingButChecksWhatIsGiven() throws {
        let changes = try ParticipantRules.check(ParticipantDraft(hasAttended: .bool(true)), schema: schema, isNew: false)
        #expect(changes.hasAttended == true)
        #expect(changes.email == nil)
        #expect(throws: ValidationFailure.self) { try ParticipantRules.check(ParticipantDraft(lastName: " "), schema: schema, isNew: false) }
    }

    @Test func unknownFieldsAreNamedWithTheKnownOnes() {
        do {
            _ = try ParticipantRules.check(ParticipantDraft(email: "a@b.co", firstName: "A", lastName: "B", fields: ["shoe": .string("42")]), schema: schema, isNew: true)
            Issue.record("an unknown field was accepted")
        } catch {
            #expect(error.issues == [ValidationIssue(field: "shoe", message: "no such field in this event; its fields are: size, age")])
        }
    }

    @Test func controlCharactersInNamesAndEmailsAreRefusedWithTheirPosition() {
        do {
            _ = try ParticipantRules.check(ParticipantDraft(email: "a@b.co", firstName: "Ren\u{0}e", lastName: "B", company: "Ac\u{85}me"), schema: [], isNew: true)
            Issue.record("a NUL in a first name was accepted")
        } catch {
            #expect(error.issues.map(\.field) == ["firstName", "company"])
            #expect(error.issues.first?.message.hasPrefix("contains the control character U+0000 at position 4") == true)
        }
        #expect(throws: ValidationFailure.self) { try ParticipantRules.check(ParticipantDraft(email: "a\u{7}@b.co"), schema: [], isNew: false) }
        #expect((try? ParticipantRules.check(ParticipantDraft(email: "a@b.co", firstName: "René", lastName: "Ça"), schema: [], isNew: true)) != nil)
    }

    @Test("lengths count code points, as JSON Schema's maxLength does: 40 thumbs with a skin tone are 80")
    func lengthsCountCodePoints() {
        let thumbs = String(repeating: "👍🏻", count: 40)
        #expect(thumbs.count == 40 && thumbs.unicodeScalars.count == 80)
        #expect(throws: ValidationFailure.self) { try ParticipantRules.check(ParticipantDraft(email: "a@b.co", firstName: thumbs, lastName: "L"), schema: [], isNew: true) }
        #expect((try? ParticipantRules.check(ParticipantDraft(email: "a@b.co", firstName: String(repeating: "👍🏻", count: 20), lastName: "L"), schema: [], isNew: true)) != nil)
    }

    @Test func builtInLengthsAreSalesforceLengths() {
        do {
            _ = try ParticipantRules.check(ParticipantDraft(email: "a@b.co", firstName: String(repeating: "x", count: 41), lastName: "B"), schema: [], isNew: true)
            Issue.record("a 41-character first name was accepted")
        } catch {
            #expect(error.issues.first?.field == "firstName")
        }
    }

    @Test func recordsReadBuiltInsInAnyCaseAndCustomFieldsByCode() {
        let draft = ParticipantDraft(record: ["EMAIL": .string("a@b.co"), "firstname": .string("A"), "age": .string("3"), "fields": .object(["size": .string("S")])])
        #expect(draft.email == "a@b.co")
        #expect(draft.firstName == "A")
        #expect(draft.fields == ["age": .string("3"), "size": .string("S")])
    }

    @Test func changesApplyOverAnExistingParticipant() throws {
        let existing = Participant(id: "p", eventId: "e", email: "a@b.co", firstName: "A", lastName: "B", fields: ["age": .number(3)], createdAt: Date(), updatedAt: Date())
        let changes = try ParticipantRules.check(ParticipantDraft(record: ["size": .string("m"), "hasAttended": .string("yes")]), schema: schema, isNew: false)
        let updated = changes.applied(to: existing)
        #expect(updated.fields == ["age": .number(3), "size": .text("M")])
        #expect(updated.hasAttended)
        #expect(updated.firstName == "A")
    }

    @Test func emailsCompareTrimmedAndCaseInsensitive() {
        #expect(EmailAddress.normalized(" Ada@Example.COM\n") == "ada@example.com")
    }

    @Test func uuidV7IdsSortInCreationOrderEvenWithinOneMillisecond() {
        let generator = UUIDv7Generator(now: { Date(timeIntervalSince1970: 1_700_000_000) })
        let ids = (0..<5_000).map { _ in generator.next() }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 5_000)
        #expect(ids[0].count == 36)
        #expect(ids[0].dropFirst(14).first == "7", "version 7")
    }

    @Test func calendarDates() {
        #expect(CalendarDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(CalendarDate(iso: "2024-02-29")?.daysSinceEpoch == 19782)
        #expect(CalendarDate(iso: "2023-02-29") == nil)
        for days in [-719_468, -1, 0, 19_782, 2_932_896] {
            #expect(CalendarDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CalendarDate(daysSinceEpoch: 19_782).iso == "2024-02-29")
    }

    @Test("Check-in time: set when hasAttended turns true, kept while it stays, cleared by an undo")
    func checkInTime() throws {
        let start = Date(timeIntervalSince1970: 1_000)
        let blank = Participant(id: "p", eventId: "e", email: "a@example.com", firstName: "A", lastName: "B", createdAt: start, updatedAt: start)
        let checkIn = ParticipantChanges(hasAttended: true, fields: [:])
        let first = checkIn.applied(to: blank, at: start.addingTimeInterval(60))
        #expect(first.checkedInAt == start.addingTimeInterval(60))
        let edited = ParticipantChanges(company: "Co", fields: [:]).applied(to: first, at: start.addingTimeInterval(120))
        #expect(edited.checkedInAt == first.checkedInAt, "an edit keeps the time")
        #expect(checkIn.applied(to: first, at: start.addingTimeInterval(180)).checkedInAt == first.checkedInAt, "checked in again while in: kept")
        let undone = ParticipantChanges(hasAttended: false, fields: [:]).applied(to: first, at: start.addingTimeInterval(240))
        #expect(undone.checkedInAt == nil)
        #expect(checkIn.applied(to: undone, at: start.addingTimeInterval(300)).checkedInAt == start.addingTimeInterval(300))
        #expect(ParticipantChanges(fields: [:]).applied(to: blank, at: start).checkedInAt == nil, "never checked in")
    }

    @Test("An event's schema: fields no participant uses change freely; one in use is kept whole")
    func schemaConflicts() {
        let size = FieldDefinition(code: "size", label: "Size", type: .selectList, options: ["S", "M"])
        let unused = FieldDefinition(code: "note", label: "Note", type: .text)
        let usage = ["size": FieldUsage(participants: 1, longest: 1)]
        #expect(Event.conflicts(replacing: [size, unused], with: [size], usage: usage).isEmpty, "an unused field removed")
        var retyped = unused
        retyped.type = .number
        #expect(Event.conflicts(replacing: [size, unused], with: [size, retyped], usage: usage).isEmpty, "an unused field retyped")
        #expect(Event.conflicts(replacing: [size], with: [], usage: usage).map(\.message)
            == ["1 participant holds a value for this field; a field in use can't be removed"])
        var more = size
        more.options = ["XS", "S", "M"]
        more.label = "T-shirt"
        #expect(Event.conflicts(replacing: [size], with: [more], usage: usage).isEmpty, "options added, relabelled")
    }
}

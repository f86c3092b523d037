import Foundation
import HTTPTypes
import NIOCore
@_spi(Generated) import OpenAPIRuntime
import RosterCore
@testable import RosterServer
import RosterStore
import Testing

/// `ParticipantPageJSON` must write the very bytes the generated layer writes for the same page.
@Suite struct ParticipantPageJSONTests {
    /// The page as the generated handler answers it: its types, its converter, its encoder.
    /// Exclusions that catch some of the test people, so every state is written.
    static let exclusions = ["grace@example.org", "@excluded.example"]

    static func generated(_ page: ParticipantPage) async throws -> String {
        let converter = Converter(configuration: RosterAPI.openAPIConfiguration)
        var headers = HTTPFields()
        let body = try converter.setResponseBodyAsJSON(
            Components.Schemas.ParticipantPage(items: try page.items.map { try Components.Schemas.Participant($0, exclusions: exclusions) }, total: page.total,
                                               totalExact: page.totalExact, nextCursor: page.nextCursor),
            headerFields: &headers, contentType: "application/json; charset=utf-8")
        return try await String(collecting: body, upTo: 16 * 1024 * 1024)
    }

    static func handWritten(_ page: ParticipantPage) -> String {
        String(buffer: ParticipantPageJSON.encode(page, exclusions: exclusions))
    }

    static let created = Date(timeIntervalSince1970: 1_795_000_000.123)

    static func person(_ index: Int, email: String = "ada@example.org", first: String = "Ada", last: String = "Lovelace",
                       fields: [String: FieldValue] = [:], salesforce: SalesforceState = .init()) -> Participant {
        Participant(id: "01J0000000000000000000000\(index)", eventId: "ev-1", email: email, firstName: first, lastName: last,
                    company: "Analytical Engines", jobTitle: "Programmer", isRegistered: index % 2 == 0, hasAttended: index % 3 == 0,
                    allowNetworking: index % 5 == 0, fields: fields, createdAt: created,
                    updatedAt: created.addingTimeInterval(Double(index) * 61.5), salesforce: salesforce)
    }

    @Test func plainPagesMatchByteForByte() async throws {
        let page = ParticipantPage(items: (0..<20).map { Self.person($0) }, total: 100_000, nextCursor: "eyJpZCI6IjAxIn0")
        let expected = try await Self.generated(page)
        #expect(Self.handWritten(page) == expected)
        #expect(expected.contains("\"nextCursor\":\"eyJpZCI6IjAxIn0\""), "the comparison covers the cursor")
        // A search past its count's cap.
        let capped = ParticipantPage(items: [Self.person(2)], total: 2_000, totalExact: false, nextCursor: "eyJpZCI6IjAyIn0")
        let cappedExpected = try await Self.generated(capped)
        #expect(Self.handWritten(capped) == cappedExpected)
        #expect(cappedExpected.hasSuffix("\"total\":2000,\"totalExact\":false}"))
    }

    @Test func theLastAndEmptyPagesMatch() async throws {
        for page in [ParticipantPage(items: [], total: 0, nextCursor: nil), ParticipantPage(items: [Self.person(1)], total: 1, nextCursor: nil)] {
            let expected = try await Self.generated(page)
            #expect(Self.handWritten(page) == expected)
            #expect(expected.contains("\"nextCursor\":null"), "the last page says so")
        }
    }

    @Test func everyKindOfFieldValueAndKeyOrderMatches() async throws {
        let fields: [String: FieldValue] = [
            "field10": .number(10), "field2": .number(2.5), "Zeta": .text("z"), "alpha": .bool(true), "Age": .number(-0.25),
            "size": .list(["S", "M \"tall\"", "x/y"]), "day": .date("2026-03-01"), "big": .number(1e15), "huge": .number(1.5e21),
            "tiny": .number(0.1), "whole": .number(123_456_789_012_345), "almost": .number(123_456_789_012_345.5), "off": .bool(false),
            "ÉTÉ": .text("été"), "empty": .text(""), "neg": .number(-42),
        ]
        let page = ParticipantPage(items: [Self.person(1, fields: fields), Self.person(2, fields: ["only": .text("one")])], total: 2, nextCursor: nil)
        let expected = try await Self.generated(page)
        #expect(Self.handWritten(page) == expected, "\(Self.difference(Self.handWritten(page), expected))")
    }

    @Test func everySalesforceStateMatches() async throws {
        let synced = Self.created.addingTimeInterval(86_400)
        let people = [
            Self.person(1, email: "grace@example.org", salesforce: .init(syncedAt: synced)),
            Self.person(2, email: "x@excluded.example"),
            Self.person(3, salesforce: .init(syncedAt: synced, contactId: "003000000000001AAA", error: "DUPLICATES_DETECTED")),
            Self.person(4, salesforce: .init(syncedAt: synced, leadId: "00Q000000000001AAA", campaignMemberId: "00v000000000001AAA")),
            Self.person(5, salesforce: .init(syncedAt: Self.created)),
            Self.person(6),
        ]
        let page = ParticipantPage(items: people, total: 6, nextCursor: nil)
        let expected = try await Self.generated(page)
        #expect(Self.handWritten(page) == expected, "\(Self.difference(Self.handWritten(page), expected))")
        for (state, rule) in [("excluded", "\"grace@example.org\""), ("excluded", "\"@excluded.example\""), ("error", "null"),
                              ("synced", "null"), ("pending", "null"), ("notSynced", "null")] {
            #expect(expected.contains("\"excludedBy\":\(rule),\"leadId\""), "\(rule)")
            #expect(expected.contains("\"state\":\"\(state)\""), "\(state)")
        }
    }

    /// Where two texts part, for a failure message.
    static func difference(_ a: String, _ b: String) -> String {
        let common = zip(a, b).prefix { $0 == $1 }.count
        return "hand-written: …\(a.dropFirst(max(0, common - 30)).prefix(90))\ngenerated:    …\(b.dropFirst(max(0, common - 30)).prefix(90))"
    }

    @Test func textThatNeedsEscapingMatches() async throws {
        let awkward = "quote \" backslash \\ slash / newline \n return \r tab \t bell \u{07} backspace \u{08} feed \u{0C} unit \u{1F} nul \u{00} é 漢字 😇 \u{2028} \u{7F}"
        let page = ParticipantPage(items: [Self.person(3, email: "o'neil+tag/x@example.org", first: awkward, last: "\"\\",
                                                       fields: ["bio": .text(awkward), "line\nkey": .text("k")])],
                                   total: 1, nextCursor: nil)
        let expected = try await Self.generated(page)
        #expect(Self.handWritten(page) == expected, "\(Self.difference(Self.handWritten(page), expected))")
    }

    @Test func salesforceStatesSetAndUnsetMatch() async throws {
        let synced = SalesforceState(syncedAt: Self.created.addingTimeInterval(3600.004), contactId: "003000000000001AAA", leadId: nil,
                                     campaignMemberId: "00v000000000001AAA", error: "DUPLICATES_DETECTED: use one of 003…", dataHash: "h")
        let lead = SalesforceState(syncedAt: Date(timeIntervalSince1970: 0), leadId: "00Q000000000001AAA")
        let page = ParticipantPage(items: [Self.person(4, salesforce: synced), Self.person(5, salesforce: lead), Self.person(6)], total: 3, nextCursor: nil)
        let expected = try await Self.generated(page)
        #expect(Self.handWritten(page) == expected)
        #expect(expected.contains("\"leadId\":null"), "unset keys are written as null")
    }
}

import Foundation
import PropertyBased
import SalesforceClient
import SalesforceSandbox
import Testing

/// SOQL string literals (SOQL reference, "Quoted String Escape Sequences"): whatever an email
/// holds, it stays one literal and compares equal to itself only.
@Suite("SOQL escaping")
struct SOQLEscapingTests {
    /// Characters that break naive quoting, plus ordinary ones.
    static let hostile = Array("'\\\"%_-@.()=,;\n\r\t aB9éß") + ["\u{08}", "\u{0C}"]

    static let hostileCharacter = Gen.int(in: 0..<hostile.count).map { hostile[$0] }

    @Test("the documented escapes, character by character")
    func documentedEscapes() {
        #expect(SOQL.literal("o'hara@x.org") == #"'o\'hara@x.org'"#)
        #expect(SOQL.literal(#"a\'--@x.org"#) == #"'a\\\'--@x.org'"#)
        #expect(SOQL.literal("line\nbreak\t\"q\"") == #"'line\nbreak\t\"q\"'"#)
        #expect(SOQL.likeLiteral("x%_@y.org", suffix: "%") == #"'x\%\_@y.org%'"#)
        #expect(SOQL.select(["Id"], from: "Contact", where: .in("Email", ["a@x.org", "o'hara@x.org"])).text
                == #"SELECT Id FROM Contact WHERE Email IN ('a@x.org', 'o\'hara@x.org')"#)
    }

    @Test("any text becomes exactly one literal that reads back as itself")
    func roundTrip() async {
        await propertyCheck(count: 500, input: Self.hostileCharacter.string(of: 0...40)) { text in
            let literal = SOQL.literal(text)
            let tokens = SOQLLiteralReader.strings(in: "SELECT Id FROM Contact WHERE Email = \(literal) AND LastName = 'end'")
            #expect(tokens == [text, "end"])
        }
    }

    @Test("a hostile value in a query finds that row and nobody else")
    func hostileValuesAgainstTheSandbox() async throws {
        // Text fields hold what an Email field would refuse (the sandbox validates emails as
        // Salesforce does), so the hostile values live in LastName.
        let org = SandboxOrg()
        let victims = ["o'hara@x.org", #"a\'--@x.org"#, "x%_@y.org", #"' OR LastName != 'z"#, "plain@x.org", "xAB@y.org"]
        for victim in victims { try org.create("Contact", ["LastName": .string(victim)]) }
        for victim in victims {
            let rows = try org.query(SOQL.select(["LastName"], from: "Contact", where: .equals("LastName", victim)).text)
            #expect(rows.map { $0["LastName"]?.stringValue } == [victim])
        }
        let like = try org.query(SOQL.select(["LastName"], from: "Contact", where: .like("LastName", prefix: "x%_")).text)
        #expect(like.map { $0["LastName"]?.stringValue } == ["x%_@y.org"])
        await propertyCheck(count: 100, input: Self.hostileCharacter.string(of: 1...20)) { text in
            let rows = (try? org.query(SOQL.select(["LastName"], from: "Contact", where: .equals("LastName", text)).text)) ?? [["error": "query failed"]]
            #expect(rows.allSatisfy { $0["LastName"]?.stringValue?.lowercased() == text.lowercased() })
        }
    }
}

/// A reader of SOQL string literals that follows the reference's escape table, independent of
/// the code under test.
enum SOQLLiteralReader {
    static func strings(in soql: String) -> [String] {
        var result: [String] = []
        var iterator = soql.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            guard scalar == "'" else { continue }
            var value = String.UnicodeScalarView()
            while let next = iterator.next(), next != "'" {
                if next == "\\", let escaped = iterator.next() {
                    switch escaped {
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    case "t": value.append("\t")
                    case "b": value.append("\u{08}")
                    case "f": value.append("\u{0C}")
                    default: value.append(escaped)
                    }
                } else {
                    value.append(next)
                }
            }
            result.append(String(value))
        }
        return result
    }
}

@Suite("Date-times in SOQL and in the Get Deleted Records window")
struct DateTimeLiteralTests {
    @Test("a date-time literal is UTC, to the second, unquoted")
    func literal() {
        let date = Date(timeIntervalSince1970: 1_796_119_230.789) // 2026-12-01T10:00:30.789Z
        #expect(SOQL.dateTimeLiteral(date) == "2026-12-01T10:00:30Z")
        #expect(SOQL.select(["Id"], from: "CampaignMember", where: .onOrAfter("SystemModstamp", date)).text
                == "SELECT Id FROM CampaignMember WHERE SystemModstamp >= 2026-12-01T10:00:30Z")
    }

    @Test("the deleted-records subrequest carries its window percent-encoded")
    func deletedSubrequest() {
        let start = Date(timeIntervalSince1970: 1_796_119_200)
        let sub = CompositeSubrequest.deleted("CampaignMember", from: start, to: start.addingTimeInterval(3_600), version: "62.0", referenceId: "gone")
        #expect(sub.method == "GET")
        #expect(sub.url == "/services/data/v62.0/sobjects/CampaignMember/deleted/?start=2026-12-01T10%3A00%3A00Z&end=2026-12-01T11%3A00%3A00Z")
    }
}

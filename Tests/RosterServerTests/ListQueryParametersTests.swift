import Foundation
@_spi(Generated) import OpenAPIRuntime
import PropertyBased
@testable import RosterServer
import RosterStore
import Testing

/// The list's one-pass parameter reader must read what the generated layer reads, and refuse
/// what it refuses, naming the parameter.
@Suite struct ListQueryParametersTests {
    typealias Query = Operations.ListParticipants.Input.Query

    /// The query as the generated deserializer reads it, one parameter at a time.
    static func generated(_ query: Substring?) throws -> Query {
        let converter = Converter(configuration: RosterAPI.openAPIConfiguration)
        func item<T: Decodable>(_ name: String, _ type: T.Type) throws -> T? {
            try converter.getOptionalQueryItemAsURI(in: query, style: .form, explode: true, name: name, as: type)
        }
        return .init(synced: try item("synced", Bool.self), q: try item("q", String.self), sort: try item("sort", String.self),
                     limit: try item("limit", Int.self), cursor: try item("cursor", String.self))
    }

    /// Query strings of pairs: the list's names and others, values of every type, escapes good
    /// and bad, `+`; now and then an empty pair or one without `=`.
    static let names = ["limit", "synced", "q", "sort", "cursor", "other", "li%6Dit", "", "!"]
    static let values = ["5", "50", "-3", "+7", "1%30", "abc", "true", "false", "TRUE", "%74rue", "ada", "Ad+a", "%C3%A9",
                         "%", "%zz", "%2B", "+", "-email", "é", "="]
    static let pair = zip(Gen.int(in: 0..<names.count), Gen.int(in: 0..<values.count).array(of: 0...3)).map { name, value in
        names[name] == "!" ? "limit" : names[name] + "=" + value.map { values[$0] }.joined()
    }
    static let queryString = pair.array(of: 0...5).map { $0.joined(separator: "&") }

    @Test("random query strings: the same values, or both refuse, or it hands over")
    func agreesWithTheGeneratedLayer() async {
        var handedOver = 0
        await propertyCheck(count: 2_000, input: Self.queryString) { text in
            let text = text[...]
            let expected = Result { try Self.generated(text) }
            do {
                guard let query = try ListQueryParameters.parse(text) else {
                    handedOver += 1
                    return
                }
                #expect(try expected.get() == query, "\(text)")
            } catch {
                // A value of the wrong type: the generated layer refuses it too.
                #expect(throws: (any Error).self, "\(text)") { try expected.get() }
            }
        }
        // Most strings are read here, not handed over.
        #expect(handedOver < 1_000)
    }

    @Test func namesTheParameterOfTheWrongType() throws {
        #expect(throws: ParticipantQueryError.invalidValue(parameter: "limit", value: "many", expected: "a whole number from 1 to 1000")) {
            try ListQueryParameters.parse("q=ada&limit=many")
        }
        #expect(throws: ParticipantQueryError.invalidValue(parameter: "synced", value: "perhaps", expected: "true or false")) {
            try ListQueryParameters.parse("synced=perhaps&limit=5")
        }
        #expect(try ListQueryParameters.parse("q=Ad+a%C3%A9&limit=5&limit=6&sort=-email&synced=true&x=1")
                == Query(synced: true, q: "Ad aé", sort: "-email", limit: 5, cursor: nil))
        #expect(try ListQueryParameters.parse(nil) == Query())
        #expect(try ListQueryParameters.parse("limit=5&&q=a") == nil)
    }
}

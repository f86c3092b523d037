import Foundation
import RosterCore
import Testing

@Suite("Mapping syntax")
struct FieldMappingParsingTests {
    @Test("the seed's syntax and the overwrite form, as objects or as text in the order written")
    func parses() throws {
        let text = #"{"zeta": "Zeta__c", "alpha": {"field": "Alpha__c", "overwrite": "never"}}"#
        let mapping = try FieldMapping.parse(text, path: "mappings.lead")
        #expect(mapping.entries == [
            MappingEntry(participantField: "zeta", salesforceField: "Zeta__c"),
            MappingEntry(participantField: "alpha", salesforceField: "Alpha__c", overwrite: .never),
        ])
        let object: [String: Any] = ["shirt": "Tshirt_Size__c"]
        #expect(try FieldMapping.parse(object, path: "mappings.contact").entries == [MappingEntry(participantField: "shirt", salesforceField: "Tshirt_Size__c")])
        #expect(try FieldMapping.parse(nil, path: "m").isEmpty)
        #expect(try FieldMapping.parse("  ", path: "m").isEmpty)
    }

    @Test("what is not a flat object of names is refused, naming the key")
    func refuses() {
        let cases: [(Any, String)] = [
            (#"{"a": "A__c" "b"}"#, "mappings.lead"), (["a": 3], "mappings.lead.a"), (["a": ["b": "c"]], "mappings.lead.a.b"),
            (["a": ["field": "A__c", "overwrite": "maybe"]], "mappings.lead.a.overwrite"), (["a": "A c"], "mappings.lead.a"),
            ("[1, 2]", "mappings.lead"),
        ]
        for (value, field) in cases {
            #expect(throws: MappingSyntaxError.self) { try FieldMapping.parse(value, path: "mappings.lead") }
            do { _ = try FieldMapping.parse(value, path: "mappings.lead") } catch { #expect(error.field == field, "\(value)") }
        }
    }
}

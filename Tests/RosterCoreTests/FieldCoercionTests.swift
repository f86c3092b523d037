import Testing
@testable import RosterCore

@Suite("Custom field values are checked against their type")
struct FieldCoercionTests {
    func field(_ type: FieldType, maxLength: Int? = nil, options: [String]? = nil, required: Bool = false) -> FieldDefinition {
        FieldDefinition(code: "f_\(type.rawValue)", label: "F", type: type, maxLength: maxLength, options: options, required: required)
    }

    func refusal(_ field: FieldDefinition, _ raw: InputValue) -> ValidationIssue? {
        do { _ = try field.coerce(raw); return nil } catch { return error.issues.first }
    }

    @Test func text() throws {
        #expect(try field(.text).coerce(.string("hello")) == .text("hello"))
        #expect(try field(.text).coerce(.number(12)) == .text("12"))
        #expect(refusal(field(.text), .bool(true))?.message == "expected text, got a boolean")
    }

    @Test func textLongerThanMaxLengthIsRefusedNamingTheField() {
        let issue = refusal(field(.text, maxLength: 255), .string(String(repeating: "x", count: 300)))
        #expect(issue?.field == "f_text")
        #expect(issue?.message == "300 characters is more than the 255 allowed")
        #expect(refusal(field(.text, maxLength: 255), .string(String(repeating: "x", count: 255))) == nil)
    }

    @Test func multilineTextKeepsLineBreaks() throws {
        #expect(try field(.multilineText).coerce(.string("a\nb")) == .text("a\nb"))
    }

    @Test func number() throws {
        #expect(try field(.number).coerce(.number(2.5)) == .number(2.5))
        #expect(try field(.number).coerce(.string(" 12.5 ")) == .number(12.5))
        #expect(try field(.number).coerce(.string("12,5")) == .number(12.5))
        #expect(refusal(field(.number), .string("abc"))?.message == "'abc' is not a number")
        #expect(refusal(field(.number), .bool(true)) != nil)
    }

    @Test func selectListTakesTheOptionsSpelling() throws {
        let sizes = field(.selectList, options: ["S", "M", "L"])
        #expect(try sizes.coerce(.string("m")) == .text("M"))
        #expect(refusal(sizes, .string("XL"))?.message == "'XL' is not one of the options: 'S', 'M', 'L'")
    }

    @Test func multiselectListFromListOrSemicolons() throws {
        let topics = field(.multiselectList, options: ["Swift", "Go", "Rust"])
        #expect(try topics.coerce(.array([.string("swift"), .string("Go")])) == .list(["Swift", "Go"]))
        #expect(try topics.coerce(.string("Rust; Go; Rust")) == .list(["Rust", "Go"]))
        #expect(refusal(topics, .string("Swift;Cobol"))?.message.contains("'Cobol' is not one of the options") == true)
    }

    @Test func date() throws {
        #expect(try field(.date).coerce(.string("2026-02-28")) == .date("2026-02-28"))
        #expect(refusal(field(.date), .string("2026-02-30"))?.message == "'2026-02-30' is not a date; write it YYYY-MM-DD")
        #expect(refusal(field(.date), .string("28/02/2026")) != nil)
        #expect(refusal(field(.date), .number(3)) != nil)
    }

    @Test(arguments: [FieldType.boolean, .nullableBoolean])
    func booleans(type: FieldType) throws {
        #expect(try field(type).coerce(.bool(true)) == .bool(true))
        #expect(try field(type).coerce(.string("oui")) == .bool(true))
        #expect(try field(type).coerce(.string("No")) == .bool(false))
        #expect(try field(type).coerce(.number(0)) == .bool(false))
        #expect(try field(type).coerce(.null) == nil)
        #expect(refusal(field(type), .string("maybe")) != nil)
    }

    @Test func email() throws {
        #expect(try field(.email).coerce(.string(" ada@example.com ")) == .text("ada@example.com"))
        #expect(refusal(field(.email), .string("ada@"))?.message == "'ada@' is not an email address")
        #expect(refusal(field(.email), .string("a b@example.com")) != nil)
    }

    @Test func url() throws {
        #expect(try field(.url).coerce(.string("https://example.com/x")) == .text("https://example.com/x"))
        #expect(refusal(field(.url), .string("example.com")) != nil)
        #expect(refusal(field(.url), .string("javascript:alert(1)")) != nil)
    }

    @Test(arguments: [FieldType.phone, .file, .picture, .document])
    func textualTypes(type: FieldType) throws {
        #expect(try field(type).coerce(.string("+33 1 23 45 67 89")) == .text("+33 1 23 45 67 89"))
        #expect(refusal(field(type, maxLength: 3), .string("1234")) != nil)
    }

    @Test func requiredFieldsRefuseEmptyValues() {
        #expect(refusal(field(.number, required: true), .null)?.message == "a value is required")
        #expect(refusal(field(.number, required: true), .string("  ")) != nil)
    }

    @Test func everyTypeIsCovered() {
        // A new type must be added to the tests above: this list is the reminder.
        #expect(FieldType.allCases.count == 14)
    }
}

import RosterCore
import Testing
@testable import RosterFiles

@Suite("A JSON array is read element by element as it arrives")
struct JSONArrayReaderTests {
    func elements(_ text: String, chunk: Int = .max) throws(ImportFileError) -> [JSONArrayReader.Element] {
        var reader = JSONArrayReader()
        let bytes = Array(text.utf8)
        var elements: [JSONArrayReader.Element] = []
        var start = 0
        while start < bytes.count {
            elements += try reader.read(bytes[start..<min(start + chunk, bytes.count)])
            start += chunk
        }
        return elements + (try reader.finish())
    }

    @Test("objects, scalars, nesting, strings with brackets and escapes, cut anywhere")
    func elementsOfEveryKind() throws {
        let text = #" [ {"email": "a@x.org", "fields": {"tags": ["x", "]"]}}, 12.5, true, null, "q\"]," , [1, {"a": "}"}] ] "#
        for chunk in [1, 2, 5, 1000] {
            let values = try elements(text, chunk: chunk).map { try $0.value.get() }
            #expect(values == [
                .object(["email": .string("a@x.org"), "fields": .object(["tags": .array([.string("x"), .string("]")])])]),
                .number(12.5), .bool(true), .null, .string("q\"],"), .array([.number(1), .object(["a": .string("}")])]),
            ], "chunk \(chunk)")
        }
        #expect(try elements("[1, 0]").map { try $0.value.get() } == [.number(1), .number(0)], "numbers are not booleans")
        #expect(try elements("[]").isEmpty)
        #expect(try elements("[{}]").map(\.number) == [1])
    }

    @Test("an element that is not JSON is its own row's problem")
    func badElements() throws {
        let result = try elements(#"[{"a": 1}, {"a": tru}, {"a": 2}]"#)
        #expect(result.map(\.number) == [1, 2, 3])
        #expect(throws: ValidationFailure.self) { try result[1].value.get() }
        #expect(try result[2].value.get() == .object(["a": .number(2)]))
    }

    @Test("a body that is not an array is refused as a whole")
    func notAnArray() {
        for text in ["", "{}", "[1, 2", "[1,]", "[1] x", "[1}"] {
            #expect(throws: ImportFileError.self, "\(text)") { try elements(text) }
        }
    }
}

import RosterCore
import Testing
@testable import RosterFiles

@Suite("CSV imports are read record by record")
struct ParticipantCSVReaderTests {
    func rows(_ text: String, chunk: Int = .max) throws -> [ParticipantCSVReader.Row] {
        var reader = try ParticipantCSVReader(charset: nil)
        let bytes = Array(text.utf8)
        var rows: [ParticipantCSVReader.Row] = []
        for start in stride(from: 0, to: bytes.count, by: min(chunk, max(bytes.count, 1))) {
            rows += try reader.read(bytes[start..<min(start + chunk, bytes.count)])
        }
        return rows + (try reader.finish())
    }

    @Test func headerNamesBuiltInsLooselyAndCustomFieldsByCode() throws {
        let result = try rows("Email,First Name,last_name,size\nada@example.com,Ada,Lovelace,M\n")
        let draft = try #require(try result.first?.result.get())
        #expect(draft.email == "ada@example.com")
        #expect(draft.firstName == "Ada")
        #expect(draft.lastName == "Lovelace")
        #expect(draft.fields == ["size": .string("M")])
    }

    @Test("the import template names every built-in column and the event's fields; filled in, it imports")
    func templateReadsBack() throws {
        let fields = [FieldDefinition(code: "size", label: "T-shirt", type: .selectList, options: ["S", "M"]),
                      FieldDefinition(code: "day", label: "Day", type: .date)]
        let template = ParticipantCSVReader.template(fields: fields)
        #expect(template == "email,firstName,lastName,company,jobTitle,isRegistered,hasAttended,allowNetworking,size,day\r\n")
        let draft = try #require(try rows(template + "ada@example.com,Ada,Lovelace,,,true,false,false,M,2026-03-01\r\n").first?.result.get())
        #expect(draft.email == "ada@example.com" && draft.lastName == "Lovelace")
        #expect(draft.fields == ["size": .string("M"), "day": .string("2026-03-01")])
    }

    @Test func byteOrderMarkSemicolonsAndCRLF() throws {
        let result = try rows("\u{FEFF}email;firstName;lastName;age\r\nada@example.com;Ada;L;12,5\r\n")
        let draft = try #require(try result.first?.result.get())
        #expect(draft.email == "ada@example.com")
        #expect(draft.fields["age"] == .string("12,5"))
    }

    @Test func brokenQuotingRejectsOneRowAndKeepsTheRest() throws {
        let text = #"""
            email,firstName,lastName
            a@example.com,"Ann,A
            b@example.com,Bob,B
            c@example.com,Ca"rl,C
            d@example.com,"Dan ""The Man""",D
            """#
        let result = try rows(text)
        #expect(result.map(\.number) == [1, 2, 3, 4])
        #expect(throws: ValidationFailure.self) { try result[0].result.get() }
        #expect(try result[1].result.get().firstName == "Bob")
        #expect(throws: ValidationFailure.self) { try result[2].result.get() }
        #expect(try result[3].result.get().firstName == "Dan \"The Man\"")
    }

    @Test func quotedValuesMaySpanLines() throws {
        let result = try rows("email,firstName,lastName,bio\na@example.com,Ann,A,\"line one\nline two\"\nb@example.com,Bob,B,\n")
        #expect(result.count == 2)
        #expect(try result[0].result.get().fields["bio"] == .string("line one\nline two"))
        #expect(result[1].line == 4)
    }

    @Test func emptyCellsAreAbsentValues() throws {
        let draft = try rows("email,firstName,lastName,company\na@example.com,Ann,A,\n")[0].result.get()
        #expect(draft.company == nil)
    }

    @Test func tooManyValuesIsARowError() throws {
        let result = try rows("email,firstName\na@example.com,Ann,extra\n")
        #expect(throws: ValidationFailure.self) { try result[0].result.get() }
    }

    @Test func aFileWithoutEmailColumnIsRefusedAsAWhole() {
        #expect(throws: ParticipantCSVReader.FileError.self) { try rows("name,company\nAda,X\n") }
        #expect(throws: ParticipantCSVReader.FileError.self) { try rows("") }
        #expect(throws: ParticipantCSVReader.FileError.self) { try rows("\n \n") }
    }

    @Test("bytes cut anywhere read the same: mid-character, mid-quote, between \\r and \\n")
    func chunksReadAsTheWholeFile() throws {
        let text = "\u{FEFF}email;firstName;bio\r\nzoë@example.com;Zoë;\"one\r\ntwo\"\r\nb@example.com;\"Bo;b\";\r\nc@example.com;Ca\"rl;x\r\n"
        let whole = try rows(text)
        #expect(whole.count == 3)
        for chunk in [1, 2, 3, 7] {
            let parts = try rows(text, chunk: chunk)
            #expect(parts.map(\.number) == whole.map(\.number) && parts.map(\.line) == whole.map(\.line), "chunk \(chunk)")
            #expect(try parts[0].result.get().fields["bio"] == .string("one\ntwo"), "chunk \(chunk)")
            #expect(try parts[1].result.get().firstName == "Bo;b", "chunk \(chunk)")
            #expect(throws: ValidationFailure.self) { try parts[2].result.get() }
        }
        #expect(try whole[0].result.get().email == "zoë@example.com")
        #expect(whole.map(\.line) == [2, 4, 5])
    }
}

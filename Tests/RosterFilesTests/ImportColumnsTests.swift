import Foundation
import RosterCore
import Testing
@testable import RosterFiles

@Suite("Columns are matched as people name them")
struct ImportColumnsTests {
    static let fields = [
        FieldDefinition(code: "size", label: "T-shirt size", type: .selectList, options: ["S", "M"]),
        FieldDefinition(code: "diet", label: "Régime alimentaire", type: .text),
    ]

    func fields(of header: [String], chosen: [String: String?] = [:]) throws -> [String?] {
        try ImportColumns(header: header, fields: Self.fields, chosen: chosen).columns.map(\.field)
    }

    @Test("English and French headers, any case, accents, spaces and punctuation")
    func aliases() throws {
        #expect(try fields(of: ["Email", "Prénom", "Nom", "Société", "Fonction", "Inscrit", "Présent"])
                == ["email", "firstName", "lastName", "company", "jobTitle", "isRegistered", "hasAttended"])
        #expect(try fields(of: ["E-mail", "First Name", "Last name", "Company", "Job title", "Registered", "Checked-in", "Networking"])
                == ["email", "firstName", "lastName", "company", "jobTitle", "isRegistered", "hasAttended", "allowNetworking"])
        #expect(try fields(of: ["ADRESSE E-MAIL", "prenom", "NOM DE FAMILLE", "Entreprise", "poste", "présent(e)"])
                == ["email", "firstName", "lastName", "company", "jobTitle", "hasAttended"])
        #expect(try fields(of: ["courriel", "first_name", "last-name", "Organisation"]) == ["email", "firstName", "lastName", "company"])
    }

    @Test("custom fields by code or label; unknown columns ignored and listed; a second column for a field too")
    func customFieldsAndIgnoredColumns() throws {
        let columns = try ImportColumns(header: ["email", "firstName", "lastName", "size", "régime alimentaire", "notes", "E-mail", ""], fields: Self.fields)
        #expect(columns.columns.map(\.field) == ["email", "firstName", "lastName", "size", "diet", nil, nil, nil])
        #expect(columns.ignored == ["notes", "E-mail"])
        #expect(try fields(of: ["Email", "First name", "Last name", "T-shirt size"]).last == "size")
    }

    @Test("the caller's choices come first, and null skips a column")
    func chosenColumns() throws {
        #expect(try fields(of: ["Mail", "Name", "Surname", "Company", "Employer"], chosen: ["name": "firstName", "Surname": "lastName", "Employer": "company", "Company": nil])
                == ["email", "firstName", "lastName", nil, "company"])
        #expect(try fields(of: ["Email", "A", "B", "Taille"], chosen: ["A": "firstName", "B": "lastName", "Taille": "fields.size"]).last == "size")
        #expect(throws: ImportFileError.self) { try fields(of: ["Email"], chosen: ["Email": "phone"]) }
    }

    @Test("a file without a needed column is one error naming each, not one per row")
    func missingColumns() throws {
        let columns = try ImportColumns(header: ["Mail", "Name"], fields: Self.fields + [FieldDefinition(code: "badge", label: "Badge", type: .text, required: true)])
        #expect(columns.missing == ["firstName", "lastName", "badge"])
        let error = #expect(throws: ImportFileError.self) { try columns.requireAll() }
        #expect(error?.kind == .missingColumns(["firstName", "lastName", "badge"]))
        #expect(error?.description.contains("found 'Mail', 'Name'") == true)
    }

    @Test("a row's cells make a draft; blank cells are absent; an unusable cell is its field's problem")
    func drafts() throws {
        let columns = try ImportColumns(header: ["Email", "Prénom", "Nom", "size", "Notes", "Présent"], fields: Self.fields)
        let draft = columns.draft([.string("a@x.fr"), .string("André"), .string(" "), .string("M"), .string("ignored"), .bool(true)])
        #expect(draft.email == "a@x.fr" && draft.firstName == "André" && draft.lastName == nil)
        #expect(draft.fields == ["size": .string("M")])
        #expect(draft.hasAttended == .bool(true))
        let broken = columns.draft([.string("a@x.fr"), .null, .null, .null], problems: [3: "cell D2 holds the spreadsheet error #N/A"])
        #expect(broken.readingIssues == [ValidationIssue(field: "size", message: "cell D2 holds the spreadsheet error #N/A")])
    }

    @Test("the import template names every built-in column and the event's fields; read back, it matches them all")
    func templateReadsBack() throws {
        let template = ImportColumns.template(fields: Self.fields)
        #expect(template == "email,firstName,lastName,company,jobTitle,isRegistered,hasAttended,allowNetworking,size,diet\r\n")
        let header = template.trimmingCharacters(in: .newlines).split(separator: ",").map(String.init)
        #expect(try fields(of: header) == header)
    }
}

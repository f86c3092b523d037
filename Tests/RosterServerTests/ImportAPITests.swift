import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Imports take files as organisers have them")
struct ImportAPITests {
    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    /// Everyone in the event, by email.
    func people(_ app: TestApp, _ event: String) async throws -> [String: [String: Any]] {
        let page = try await app.send(.get, "/api/v1/events/\(event)/participants?limit=1000").json()
        let items = try #require(page["items"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: items.map { ($0["email"] as! String, $0) })
    }

    func importing(_ app: TestApp, _ event: String, _ bytes: [UInt8], _ type: String = "text/csv", query: String = "") async throws -> TestResponse {
        try await app.send(.post, "/api/v1/events/\(event)/participants/import" + query, bytes: bytes, contentType: type)
    }

    @Test("a Windows-1252 file with French headers, an extra column and a bad row: accents intact, the rest imported")
    func windows1252WithFrenchHeaders() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            // As Excel saves "CSV (séparateur: point-virgule)" in France.
            var bytes: [UInt8] = Array("Email;Pr".utf8) + [0xE9]
            bytes += Array("nom;Nom;Soci".utf8) + [0xE9, 0x74, 0xE9]
            bytes += Array(";T-shirt;Notes\r\nandre@example.fr;Andr".utf8) + [0xE9]
            bytes += Array(";Legrand;Cr".utf8) + [0xE9]
            bytes += Array("dit Mutuel;m;VIP\r\nnobody;X;Y;Z;S;\r\n".utf8)
            let response = try await importing(app, event, bytes, query: "?fileName=inscrits.csv")
            #expect(response.status == .ok)
            let result = try response.json()
            #expect(result["created"] as? Int == 1)
            #expect(result["encoding"] as? String == "windows-1252")
            #expect(result["separator"] as? String == ";")
            #expect(result["ignoredColumns"] as? [String] == ["Notes"])
            let columns = try #require(result["columns"] as? [[String: Any]])
            #expect(columns.map { $0["field"] as? String } == ["email", "firstName", "lastName", "company", "size", nil])
            #expect(columns.last?.keys.contains("field") == true, "an ignored column says field: null")
            let rejected = try #require(result["rejected"] as? [[String: Any]])
            #expect(rejected.count == 1 && rejected[0]["row"] as? Int == 2 && rejected[0]["sheetRow"] as? Int == 3)
            #expect(result["rejectedCount"] as? Int == 1)
            let andre = try #require(try await people(app, event)["andre@example.fr"])
            #expect(andre["firstName"] as? String == "André")
            #expect(andre["company"] as? String == "Crédit Mutuel")
            #expect((andre["fields"] as? [String: Any])?["size"] as? String == "M")

            let history = try await app.send(.get, "/api/v1/events/\(event)/participants/imports").json()
            let last = try #require((history["items"] as? [[String: Any]])?.first)
            #expect(last["fileName"] as? String == "inscrits.csv" && last["encoding"] as? String == "windows-1252")
            #expect(last["created"] as? Int == 1 && last["rejected"] as? Int == 1 && last["complete"] as? Bool == true)
            #expect(last["by"] as? String == "tests" && last["format"] as? String == "csv")
        }
    }

    @Test("UTF-8 with and without its mark, UTF-16 with its mark, a named charset; refused bytes name their line")
    func encodings() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let text = "email,first name,last name\r\n"
            var utf16: [UInt8] = [0xFF, 0xFE]
            for unit in (text + "zoe@example.com,Zoë,Ünal\r\n").utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            let files: [(String, [UInt8], String, String)] = [
                ("rene@example.com", Array((text + "rene@example.com,René,Ärger\r\n").utf8), "text/csv", "utf-8"),
                ("bom@example.com", [0xEF, 0xBB, 0xBF] + Array((text + "bom@example.com,Bön,Ö\r\n").utf8), "text/csv", "utf-8"),
                ("zoe@example.com", utf16, "text/csv", "utf-16le"),
                ("latin@example.com", Array((text + "latin@example.com,Ren").utf8) + [0xE9, 0x2C, 0x4C], "text/csv; charset=iso-8859-1", "iso-8859-1"),
            ]
            for (email, bytes, type, encoding) in files {
                let response = try await importing(app, event, bytes, type)
                #expect(response.status == .ok, "\(email)")
                #expect(try response.json()["encoding"] as? String == encoding, "\(email)")
            }
            let stored = try await people(app, event)
            #expect(stored["rene@example.com"]?["lastName"] as? String == "Ärger")
            #expect(stored["bom@example.com"]?["firstName"] as? String == "Bön")
            #expect(stored["zoe@example.com"]?["firstName"] as? String == "Zoë")
            #expect(stored["latin@example.com"]?["firstName"] as? String == "René")

            // Windows-1252's undefined byte 0x81: refused, nothing stored, the line and byte named.
            let refused = try await importing(app, event, Array((text + "x@example.com,A").utf8) + [0x81] + Array(",B\r\n".utf8))
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.apiError().code == "invalid_csv")
            #expect(try refused.apiError().message.contains("line 2 has the byte 0x81"))
            #expect(try await people(app, event)["x@example.com"] == nil)
            // Told UTF-8, Windows-1252 bytes are refused.
            let told = try await importing(app, event, Array((text + "y@example.com,Ren").utf8) + [0xE9, 0x2C, 0x4C], "text/csv; charset=utf-8")
            #expect(told.status == .unprocessableContent)
            #expect(try told.apiError().message.contains("line 2 is not UTF-8"))
            // Text already damaged elsewhere (U+FFFD) is never stored.
            let damaged = try await importing(app, event, Array((text + "d@example.com,Andr\u{FFFD},L\r\n").utf8))
            #expect(try damaged.json()["rejectedCount"] as? Int == 1)
            #expect(try await people(app, event)["d@example.com"] == nil)
        }
    }

    @Test("tab and comma separators, quoted newlines, English headers")
    func separatorsAndQuotedNewlines() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let tab = try await importing(app, event, Array("E-mail\tFirst Name\tLast Name\tBio\nt@example.com\tTab\tT\t\"two\nlines\"\n".utf8))
            #expect(try tab.json()["separator"] as? String == "\t")
            #expect(try tab.json()["created"] as? Int == 1)
            #expect((try await people(app, event)["t@example.com"]?["fields"] as? [String: Any])?["bio"] as? String == "two\nlines")
        }
    }

    @Test("a file without a needed column is one 422 naming it, with the columns found; nothing stored")
    func missingColumn() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let rows = (1...300).map { "p\($0)@example.com,Person \($0)" }.joined(separator: "\n")
            let response = try await importing(app, event, Array(("Email,Name\n" + rows).utf8))
            #expect(response.status == .unprocessableContent)
            let error = try response.apiError()
            #expect(error.code == "missing_column")
            #expect(error.details.compactMap { $0["field"] as? String } == ["firstName", "lastName"])
            let columns = try #require(try response.json()["columns"] as? [[String: Any]])
            #expect(columns.compactMap { $0["header"] as? String } == ["Email", "Name"])
            #expect(try await people(app, event).isEmpty)
            let history = try await app.send(.get, "/api/v1/events/\(event)/participants/imports").json()
            #expect((history["items"] as? [Any])?.isEmpty == true, "a refused file is no import")

            // The same file, its columns chosen: imported.
            let chosen = try #require(#"{"Name": "firstName", "Email": "email"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let again = try await importing(app, event, Array(("Email,Name,Surname\n" + rows.replacingOccurrences(of: "\n", with: ",X\n") + ",X").utf8),
                                            query: "?columns=\(chosen)")
            #expect(again.status == .ok, "\(String(buffer: again.body))")
            #expect(try again.json()["created"] as? Int == 300)
        }
    }

    @Test("a French screen reads what is wrong with a file in French")
    func frenchMessages() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let missing = try await app.send(.post, "/api/v1/events/\(event)/participants/import", body: "Courriel;Nom complet\na@b.fr;A B\n",
                                             contentType: "text/csv", language: "fr")
            #expect(try missing.apiError().message.hasPrefix("le fichier n'a pas de colonne pour firstName, lastName, dont tout nouveau participant a besoin ; trouvées : 'Courriel', 'Nom complet'."))
            #expect(try missing.apiError().details.first?["message"] as? String == "aucune colonne du fichier ne le remplit")
            let damaged = try await app.send(.post, "/api/v1/events/\(event)/participants/import", body: "email,Prénom,Nom\na@b.fr,Andr\u{FFFD},L\n",
                                             contentType: "text/csv", language: "fr")
            let row = try #require((try damaged.json()["rejected"] as? [[String: Any]])?.first)
            #expect((row["error"] as? String)?.hasPrefix("firstName : contient le caractère \u{FFFD} (U+FFFD)") == true, "\(row)")
        }
    }

    @Test("a preview reads the whole file, shows its first rows as they would be stored, and stores nothing")
    func previewStoresNothing() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            try await app.send(.post, "/api/v1/events/\(event)/participants", json: #"{"email": "old@example.com", "firstName": "Old", "lastName": "One"}"#)
            let rows = (1...30).map { "p\($0)@example.com;P\($0);L;\($0 == 3 ? "nope" : "\($0)")" }
            let csv = "Adresse e-mail;Prénom;Nom;Age\nOLD@example.com;Older;One;70\n" + rows.joined(separator: "\n")
            let response = try await importing(app, event, Array(csv.utf8), query: "?preview=true")
            #expect(response.status == .ok)
            let result = try response.json()
            #expect(result["total"] as? Int == 31)
            #expect(result["created"] as? Int == 29 && result["updated"] as? Int == 1 && result["rejectedCount"] as? Int == 1)
            let shown = try #require(result["rows"] as? [[String: Any]])
            #expect(shown.count == 20)
            #expect(shown[0]["outcome"] as? String == "updated")
            #expect((shown[0]["participant"] as? [String: Any])?["firstName"] as? String == "Older")
            #expect((shown[1]["participant"] as? [String: Any])?["fields"] as? [String: Double] == ["age": 1])
            #expect(shown[3]["outcome"] as? String == "rejected" && shown[3]["sheetRow"] as? Int == 5)
            let stored = try await people(app, event)
            #expect(stored.count == 1 && stored["old@example.com"]?["firstName"] as? String == "Old")
            #expect((try await app.send(.get, "/api/v1/events/\(event)/participants/imports").json()["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a file of bad rows answers the first 1,000 and counts them all")
    func rejectionsAreBounded() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let body = "[" + Array(repeating: "1", count: 5_000).joined(separator: ",") + "]"
            let response = try await app.send(.post, "/api/v1/events/\(event)/participants/import", json: body)
            #expect(response.status == .ok)
            let result = try response.json()
            #expect((result["rejected"] as? [Any])?.count == 1_000)
            #expect(result["rejectedCount"] as? Int == 5_000)
            #expect(result["created"] as? Int == 0)
        }
    }

    @Test("past the row limit, an import stops with 413 and answers what it stored")
    func cutShortByRows() async throws {
        try await TestApp.run(configure: { $0.maxImportRows = 700 }) { app in
            let event = try await app.createEvent()
            let rows = (1...1_000).map { "p\($0)@example.com,P,L" }.joined(separator: "\n")
            let response = try await importing(app, event, Array(("email,firstName,lastName\n" + rows).utf8), query: "?fileName=big.csv")
            #expect(response.status == .contentTooLarge)
            let result = try response.json()
            #expect(try response.apiError().code == "too_many_rows")
            #expect(result["created"] as? Int == 700)
            #expect(result["stoppedAtRow"] as? Int == 701)
            #expect(try await app.send(.get, "/api/v1/events/\(event)").json()["participantCount"] as? Int == 700)
            let last = try #require((try await app.send(.get, "/api/v1/events/\(event)/participants/imports").json()["items"] as? [[String: Any]])?.first)
            #expect(last["complete"] as? Bool == false && last["stoppedAtRow"] as? Int == 701 && last["created"] as? Int == 700)
        }
    }

    @Test("an exported xlsx imports again into another event, sent as xlsx or by mistake as CSV")
    func xlsxRoundTrip() async throws {
        try await TestApp.run { app in
            let source = try await app.createEvent()
            try await app.send(.post, "/api/v1/events/\(source)/participants", json: """
                {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "company": "Société", "hasAttended": true,
                 "fields": {"size": "M", "age": 36, "day": "2026-12-01"}}
                """)
            let file = Array(Data(buffer: try await app.send(.get, "/api/v1/events/\(source)/participants/export?format=xlsx").body))
            for type in [Self.xlsxType, "text/csv"] {
                let target = try await app.createEvent()
                let response = try await importing(app, target, file, type)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let result = try response.json()
                #expect(result["format"] as? String == "xlsx")
                #expect(result["created"] as? Int == 1, "\(result)")
                #expect((result["ignoredColumns"] as? [String])?.contains("salesforceContactId") == true)
                let ada = try #require(try await people(app, target)["ada@example.com"])
                #expect(ada["company"] as? String == "Société" && ada["hasAttended"] as? Bool == true)
                let fields = try #require(ada["fields"] as? [String: Any])
                #expect(fields["size"] as? String == "M" && fields["age"] as? Double == 36 && fields["day"] as? String == "2026-12-01")
            }
        }
    }

    @Test("an xls file is refused with 415 naming the format, as body or as content type")
    func xlsIsRefused() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let xls: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 1_000)
            for type in [Self.xlsxType, "application/vnd.ms-excel"] {
                let response = try await importing(app, event, xls, type)
                #expect(response.status == .unsupportedMediaType)
                #expect(try response.apiError().message.contains(".xls"))
            }
        }
    }
}

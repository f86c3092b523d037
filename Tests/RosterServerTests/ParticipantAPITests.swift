import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The participant API, as an integrator uses it")
struct ParticipantAPITests {
    @Test func registerUpsertCheckInAndRead() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let created = try await app.send(.post, "/api/v1/events/\(event)/participants", json: """
                {"email": "Ada@Example.com", "firstName": "Ada", "lastName": "Lovelace", "company": "Analytical",
                 "fields": {"size": "m", "age": 36, "day": "2026-12-01"}}
                """)
            #expect(created.status == .created)
            let participant = try created.json()
            let id = try #require(participant["id"] as? String)
            #expect(participant["isRegistered"] as? Bool == true)
            #expect(participant["hasAttended"] as? Bool == false)
            #expect((participant["fields"] as? [String: Any])?["size"] as? String == "M")
            let salesforce = try #require(participant["salesforce"] as? [String: Any])
            #expect(Set(salesforce.keys) == ["syncedAt", "contactId", "leadId", "campaignMemberId", "error", "state", "excludedBy"])
            #expect(salesforce["syncedAt"] is NSNull)
            #expect(salesforce["state"] as? String == "notSynced" && salesforce["excludedBy"] is NSNull)

            let again = try await app.send(.post, "/api/v1/events/\(event)/participants", json: #"{"email": " ada@EXAMPLE.com", "firstName": "Ada", "lastName": "King"}"#)
            #expect(again.status == .ok)
            #expect(try again.json()["id"] as? String == id)
            #expect(try again.json()["company"] as? String == "Analytical")

            let checkIn = try await app.send(.patch, "/api/v1/events/\(event)/participants/\(id)", json: #"{"hasAttended": true}"#)
            #expect(checkIn.status == .ok)
            #expect(try checkIn.json()["hasAttended"] as? Bool == true)

            let read = try await app.send(.get, "/api/v1/events/\(event)/participants/\(id)")
            #expect(try read.json()["lastName"] as? String == "King")
            #expect(try read.json()["hasAttended"] as? Bool == true)
            #expect(try read.json()["createdAt"] as? String == participant["createdAt"] as? String)

            let eventNow = try await app.send(.get, "/api/v1/events/\(event)")
            #expect(try eventNow.json()["participantCount"] as? Int == 1)
        }
    }

    @Test func listPagesWithCursorsAndTotals() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let rows = (0..<25).map { #"{"email": "p\#($0)@example.com", "firstName": "P", "lastName": "\#($0)"}"# }
            let imported = try await app.send(.post, "/api/v1/events/\(event)/participants/import", json: "[\(rows.joined(separator: ","))]")
            #expect(try imported.json()["created"] as? Int == 25)

            var emails: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await app.send(.get, "/api/v1/events/\(event)/participants?limit=10" + (cursor.map { "&cursor=\($0)" } ?? "")).json()
                #expect(page["total"] as? Int == 25)
                emails += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
                cursor = page["nextCursor"] as? String
                if cursor == nil { #expect(page["nextCursor"] is NSNull, "the last page says nextCursor: null") }
            } while cursor != nil
            #expect(emails == (0..<25).map { "p\($0)@example.com" })

            let unsynced = try await app.send(.get, "/api/v1/events/\(event)/participants?synced=false&limit=1").json()
            #expect(unsynced["total"] as? Int == 25)
            let synced = try await app.send(.get, "/api/v1/events/\(event)/participants?synced=true").json()
            #expect(synced["total"] as? Int == 0)
        }
    }

    @Test func csvImportReportsBadRowsAndKeepsTheOthers() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            let csv = "\u{FEFF}Email;First Name;Last Name;age;size;hasAttended\r\n"
                + "bob@example.com;Bob;B;12,5;s;oui\r\n"
                + "\"broken;Carl;C;1;M;no\r\n"
                + "carl@example.com;Carl;C;abc;M;no\r\n"
                + ";NoMail;X;1;S;\r\n"
                + "dan@example.com;Dan;D;3;L;1\r\n"
            let response = try await app.send(.post, "/api/v1/events/\(event)/participants/import", body: csv, contentType: "text/csv")
            #expect(response.status == .ok)
            let result = try response.json()
            #expect(result["created"] as? Int == 2)
            #expect(result["updated"] as? Int == 0)
            let rejected = try #require(result["rejected"] as? [[String: Any]])
            #expect(rejected.compactMap { $0["row"] as? Int } == [2, 3, 4])
            #expect((rejected[1]["error"] as? String)?.contains("'abc' is not a number") == true)
            #expect((rejected[2]["error"] as? String)?.contains("email") == true)
        }
    }

    @Test("The check-in time: set by Roster when hasAttended turns true, kept while it stays, cleared by an undo; in the list and the export")
    func checkInTime() async throws {
        let clock = MovableClock(Date(timeIntervalSince1970: 1_796_000_000))
        try await TestApp.run(now: { clock.now }) { app in
            let event = try await app.createEvent()
            let created = try await app.send(.post, "/api/v1/events/\(event)/participants", json: #"{"email": "ada@example.com", "firstName": "Ada", "lastName": "L"}"#)
            #expect(try created.json()["checkedInAt"] is NSNull, "not checked in: null, never absent")
            let id = try #require(try created.json()["id"] as? String)
            let person = "/api/v1/events/\(event)/participants/\(id)"

            clock.advance(by: 60)
            let checkIn = try await app.send(.patch, person, json: #"{"hasAttended": true}"#)
            #expect(try checkIn.json()["checkedInAt"] as? String == "2026-11-30T00:54:20.000Z")
            clock.advance(by: 60)
            let edited = try await app.send(.patch, person, json: #"{"company": "Analytical", "hasAttended": true}"#)
            #expect(try edited.json()["checkedInAt"] as? String == "2026-11-30T00:54:20.000Z", "still in: the first check-in's time")
            let listed = try await app.send(.get, "/api/v1/events/\(event)/participants")
            #expect((try listed.json()["items"] as? [[String: Any]])?.first?["checkedInAt"] as? String == "2026-11-30T00:54:20.000Z")
            let csv = String(buffer: try await app.send(.get, "/api/v1/events/\(event)/participants/export?format=csv").body)
            #expect(csv.contains(",true,2026-11-30T00:54:20.000Z,false,"), "hasAttended, checkedInAt, allowNetworking")

            let undone = try await app.send(.patch, person, json: #"{"hasAttended": false}"#)
            #expect(try undone.json()["checkedInAt"] is NSNull)
            clock.advance(by: 60)
            let again = try await app.send(.patch, person, json: #"{"hasAttended": true}"#)
            #expect(try again.json()["checkedInAt"] as? String == "2026-11-30T00:56:20.000Z", "a new check-in, a new time")

            // Imported already checked in: the import's time.
            let imported = try await app.send(.post, "/api/v1/events/\(event)/participants/import", json: #"[{"email": "grace@example.com", "firstName": "Grace", "lastName": "H", "hasAttended": true}]"#)
            #expect(imported.status == .ok)
            let grace = try await app.send(.get, "/api/v1/events/\(event)/participants?q=grace")
            #expect((try grace.json()["items"] as? [[String: Any]])?.first?["checkedInAt"] as? String == "2026-11-30T00:56:20.000Z")
        }
    }

    @Test func exportsCSVWithSalesforceColumns() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            try await app.send(.post, "/api/v1/events/\(event)/participants", json: #"{"email": "a@example.com", "firstName": "A, \"Q\"", "lastName": "L", "fields": {"age": 3}}"#)
            let response = try await app.send(.get, "/api/v1/events/\(event)/participants/export?format=csv")
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"participants-Summit.csv\"")
            let lines = String(buffer: response.body).components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("id,email,firstName,lastName,company,jobTitle,isRegistered,hasAttended,checkedInAt,allowNetworking,size,age,bio,day,createdAt"))
            #expect(lines[0].hasSuffix("salesforceSyncDate,salesforceContactId,salesforceLeadId,salesforceCampaignMemberId,salesforceError"))
            #expect(lines[1].contains(#"a@example.com,"A, ""Q""",L,"#))
            // Timestamps as the API writes them (UTC, milliseconds).
            let list = try await app.send(.get, "/api/v1/events/\(event)/participants")
            let page = try #require(try JSONSerialization.jsonObject(with: Data(buffer: list.body)) as? [String: Any])
            let person = try #require((page["items"] as? [[String: Any]])?.first)
            let createdAt = try #require(person["createdAt"] as? String)
            #expect(createdAt.count == 24 && createdAt.hasSuffix("Z"))
            #expect(lines[1].contains(",\(createdAt),\(createdAt),"), "createdAt and updatedAt")
        }
    }

    @Test func exportsXLSX() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            try await app.send(.post, "/api/v1/events/\(event)/participants", json: #"{"email": "a@example.com", "firstName": "A", "lastName": "L"}"#)
            let response = try await app.send(.get, "/api/v1/events/\(event)/participants/export?format=xlsx")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            #expect(Array(Data(buffer: response.body).prefix(2)) == [0x50, 0x4B], "a zip container")
        }
    }

    @Test func metricsCountRequestsAndParticipants() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            try await app.send(.post, "/api/v1/events/\(event)/participants", json: #"{"email": "m@example.com", "firstName": "M", "lastName": "L"}"#)
            let metrics = String(buffer: try await app.send(.get, "/metrics", authorized: false).body)
            #expect(metrics.contains("roster_participants_created_total"))
            #expect(metrics.contains("roster_http_requests_total{"))
            #expect(metrics.contains("roster_http_request_duration_seconds"))
        }
    }

    @Test func theParticipantListIsCountedUnderItsRoute() async throws {
        try await TestApp.run { app in
            let event = try await app.createEvent()
            func listed() async throws -> Double {
                let metrics = String(buffer: try await app.send(.get, "/metrics", authorized: false).body)
                let line = metrics.split(separator: "\n").first {
                    $0.hasPrefix("roster_http_requests_total{") && $0.contains(#"route="/api/v1/events/{eventId}/participants""#)
                        && $0.contains(#"method="GET""#) && $0.contains(#"status="200""#)
                }
                return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            }
            let before = try await listed()
            #expect(try await app.send(.get, "/api/v1/events/\(event)/participants?limit=5").status == .ok)
            #expect(try await listed() >= before + 1)
        }
    }
}

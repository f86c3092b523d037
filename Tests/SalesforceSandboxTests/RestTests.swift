import Testing
@testable import SalesforceSandbox

@Suite("REST resources")
struct RestTests {
    @Test("versions, resources and limits; every REST call reports Sforce-Limit-Info")
    func versionsAndLimits() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let versions = try await client.call(.get, "/services/data/", authorized: false)
            #expect(versions.status == 200)
            #expect(versions.json?.arrayValue?.contains { $0["version"] == "62.0" } == true)
            let limits = try await client.call(.get, "limits")
            #expect(limits.headers["sforce-limit-info"] == "api-usage=1/15000")
            #expect(limits.json?["DailyApiRequests"]?["Remaining"] == 14999)
            let unknown = try await client.call(.get, "/services/data/v19.0/limits")
            #expect(unknown.status == 404)
        }
        #expect(harness.sandbox.apiCallCount == 1)
    }

    @Test("create, read with ?fields=, update, delete; NOT_FOUND and ENTITY_IS_DELETED")
    func rows() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let created = try await client.call(.post, "sobjects/Contact", json: ["LastName": "Lovelace", "Email": "ada@example.com"])
            #expect(created.status == 201)
            #expect(created.json?["success"] == true)
            #expect(created.json?["errors"] == [])
            let id = try #require(created.json?["id"]?.stringValue)
            #expect(id.hasPrefix("003") && id.count == 18)

            let read = try await client.call(.get, "sobjects/Contact/\(id)?fields=LastName,Email")
            #expect(read.json?.objectValue?.keys == ["attributes", "LastName", "Email"])
            #expect(read.json?["attributes"]?["url"] == .string("/services/data/v62.0/sobjects/Contact/\(id)"))

            let patched = try await client.call(.patch, "sobjects/Contact/\(id)", json: ["Title": "Countess"])
            #expect(patched.status == 204)
            #expect(harness.org.record(id)?["Title"] == "Countess")

            #expect(try await client.call(.delete, "sobjects/Contact/\(id)").status == 204)
            let gone = try await client.call(.get, "sobjects/Contact/\(id)")
            #expect(gone.status == 404)
            #expect(gone.errorCode == "NOT_FOUND")
            let again = try await client.call(.delete, "sobjects/Contact/\(id)")
            #expect(again.errorCode == "ENTITY_IS_DELETED")
            let bogus = try await client.call(.get, "sobjects/Contact/0031234")
            #expect(bogus.status == 404)
            let type = try await client.call(.get, "sobjects/Nothing__c/describe")
            #expect(type.status == 404)
        }
    }

    @Test("errors are JSON arrays with real statuses: REQUIRED_FIELD_MISSING, JSON_PARSER_ERROR, INVALID_FIELD")
    func errors() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let missing = try await client.call(.post, "sobjects/Lead", json: ["LastName": "X"])
            #expect(missing.status == 400)
            #expect(missing.errorCode == "REQUIRED_FIELD_MISSING")
            #expect(missing.json?.arrayValue?.first?["fields"] == ["Company"])
            let broken = try await client.call(.post, "sobjects/Lead", raw: "{\"LastName\": ")
            #expect(broken.status == 400)
            #expect(broken.errorCode == "JSON_PARSER_ERROR")
            let field = try await client.call(.get, "query?q=SELECT+Nope+FROM+Lead")
            #expect(field.errorCode == "INVALID_FIELD")
            let syntax = try await client.call(.get, "query?q=SELECT+Id+FROM")
            #expect(syntax.errorCode == "MALFORMED_QUERY")
        }
    }

    @Test("a URI over 16,384 bytes is refused with 414 before it counts; the query fits in a Composite body")
    func uriTooLong() async throws {
        let harness = try SandboxHarness()
        let values = (0..<1000).map { "%27person\($0)%40example.com%27" }.joined(separator: "%2C")
        let path = "query?q=SELECT+Id+FROM+Contact+WHERE+Email+IN+(\(values))"
        try await harness.run { client in
            #expect(try await client.call(.get, path).status == 414)
            let composite = try await client.call(.post, "composite", json: .object(["compositeRequest": [
                ["method": "GET", "url": .string("\(RestClient.base)/\(path)"), "referenceId": "q"],
            ]]))
            #expect(composite.json?["compositeResponse"]?.arrayValue?.first?["httpStatusCode"] == 200)
        }
        #expect(harness.sandbox.apiCallCount == 1)
    }

    @Test("expired sessions answer 401 INVALID_SESSION_ID and cost nothing")
    func expiredSession() async throws {
        let harness = try SandboxHarness()
        harness.sandbox.expireAccessTokens()
        try await harness.run { client in
            let reply = try await client.call(.get, "limits")
            #expect(reply.status == 401)
            #expect(reply.json == [["message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"]])
        }
        #expect(harness.sandbox.apiCallCount == 0)
    }

    @Test("past the daily allocation: 403 REQUEST_LIMIT_EXCEEDED")
    func requestLimit() async throws {
        let harness = try SandboxHarness()
        harness.sandbox.setAPIUsage(14_999)
        try await harness.run { client in
            #expect(try await client.call(.get, "limits").status == 200)
            let refused = try await client.call(.get, "limits")
            #expect(refused.status == 403)
            #expect(refused.errorCode == "REQUEST_LIMIT_EXCEEDED")
            #expect(refused.headers["sforce-limit-info"] == "api-usage=15000/15000")
        }
    }

    @Test("query pages through nextRecordsUrl; batchSize header is honoured within 200…2000")
    func paging() async throws {
        let harness = try SandboxHarness()
        try harness.org.bulkCreate("Contact", (0..<450).map { ["LastName": .string("P\($0)")] })
        try await harness.run { client in
            let first = try await client.call(.get, "query?q=SELECT+Id+FROM+Contact", headers: ["Sforce-Query-Options": "batchSize=200"])
            #expect(first.json?["totalSize"] == 450)
            #expect(first.json?["done"] == false)
            #expect(first.json?["records"]?.arrayValue?.count == 200)
            let next = try #require(first.json?["nextRecordsUrl"]?.stringValue)
            #expect(next.hasPrefix("/services/data/v62.0/query/01g") && next.hasSuffix("-200"))
            let second = try await client.call(.get, next)
            let third = try await client.call(.get, try #require(second.json?["nextRecordsUrl"]?.stringValue))
            #expect(third.json?["done"] == true)
            #expect(third.json?["records"]?.arrayValue?.count == 50)
            #expect(third.json?["nextRecordsUrl"] == nil)
            let all = try await client.call(.get, "query?q=SELECT+Id+FROM+Contact")
            #expect(all.json?["records"]?.arrayValue?.count == 450, "2,000 per batch by default")
        }
    }

    @Test("queryAll sees deleted rows; query does not")
    func queryAll() async throws {
        let harness = try SandboxHarness()
        let id = try harness.org.create("Contact", ["LastName": "Gone"])
        try harness.org.delete(id)
        try await harness.run { client in
            #expect(try await client.call(.get, "query?q=SELECT+Id,IsDeleted+FROM+Contact").json?["totalSize"] == 0)
            let all = try await client.call(.get, "queryAll?q=SELECT+Id,IsDeleted+FROM+Contact")
            #expect(all.json?["records"]?.arrayValue?.first?["IsDeleted"] == true)
        }
    }

    @Test("upsert by external Id and by Email: 201 created, 200 updated, 300 with the candidates")
    func upsert() async throws {
        let harness = try SandboxHarness()
        try harness.org.addField(SObjectField("Roster_Id__c", .string, length: 64, externalId: true, unique: true), to: "Contact")
        try await harness.run { client in
            let created = try await client.call(.patch, "sobjects/Contact/Roster_Id__c/p-1", json: ["LastName": "One"])
            #expect(created.status == 201)
            #expect(created.json?["created"] == true)
            let updated = try await client.call(.patch, "sobjects/Contact/Roster_Id__c/p-1", json: ["LastName": "Uno"])
            #expect(updated.status == 200)
            #expect(updated.json?["created"] == false)
            #expect(try await client.call(.patch, "/services/data/v45.0/sobjects/Contact/Roster_Id__c/p-1", json: ["Title": "x"]).status == 204)

            _ = try await client.call(.post, "sobjects/Contact", json: ["LastName": "A", "Email": "twin@example.com"])
            _ = try await client.call(.post, "sobjects/Contact", json: ["LastName": "B", "Email": "Twin@example.com"])
            let ambiguous = try await client.call(.patch, "sobjects/Contact/Email/twin@example.com", json: ["Title": "x"])
            #expect(ambiguous.status == 300)
            #expect(ambiguous.json?.arrayValue?.count == 2)
            let plus = try await client.call(.patch, "sobjects/Contact/Email/a+tag@example.com", json: ["LastName": "Plus"])
            #expect(plus.status == 201)
            #expect(try harness.org.query("SELECT Id FROM Contact WHERE Email = 'a+tag@example.com'").count == 1)
            let notExternal = try await client.call(.patch, "sobjects/Contact/LastName/x", json: ["Title": "x"])
            #expect(notExternal.status == 404)
        }
    }

    @Test("describe reports realistic field metadata")
    func describe() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let reply = try await client.call(.get, "sobjects/Lead/describe")
            #expect(reply.json?["keyPrefix"] == "00Q")
            let fields = reply.json?["fields"]?.arrayValue ?? []
            let email = try #require(fields.first { $0["name"] == "Email" })
            #expect(email["type"] == "email")
            #expect(email["idLookup"] == true)
            #expect(email["length"] == 80)
            let company = try #require(fields.first { $0["name"] == "Company" })
            #expect(company["nillable"] == false)
            let converted = try #require(fields.first { $0["name"] == "IsConverted" })
            #expect(converted["updateable"] == false)
            let status = try #require(fields.first { $0["name"] == "Status" })
            #expect(status["picklistValues"]?.arrayValue?.isEmpty == false)
            let global = try await client.call(.get, "sobjects")
            #expect(global.json?["sobjects"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted()
                    == ["Account", "AssignmentRule", "Campaign", "CampaignMember", "CampaignMemberStatus", "Contact", "Lead", "User"])
        }
    }
}

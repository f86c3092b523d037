import Testing
@testable import SalesforceSandbox

@Suite("sObject Collections, Composite and Composite Batch")
struct CollectionsAndCompositeTests {
    @Test("collection insert answers per-record results in request order")
    func insert() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let reply = try await client.call(.post, "composite/sobjects", json: .object([
                "allOrNone": false,
                "records": [row("Contact", ["LastName": "A"]), row("Contact", ["FirstName": "no last name"]),
                            row("Lead", ["LastName": "L", "Company": "C"])],
            ]))
            let results = try #require(reply.json?.arrayValue)
            #expect(results.count == 3)
            #expect(results[0]["success"] == true)
            #expect(results[1]["success"] == false)
            #expect(results[1]["errors"]?.arrayValue?.first?["statusCode"] == "REQUIRED_FIELD_MISSING")
            #expect(results[2]["id"]?.stringValue?.hasPrefix("00Q") == true)
        }
        #expect(harness.org.count("Contact") == 1)
    }

    @Test("allOrNone rolls everything back with ALL_OR_NONE_OPERATION_ROLLED_BACK")
    func allOrNone() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let reply = try await client.call(.post, "composite/sobjects", json: .object([
                "allOrNone": true,
                "records": [row("Contact", ["LastName": "A"]), row("Contact", ["LastName": "B", "Email": "bad"])],
            ]))
            let results = try #require(reply.json?.arrayValue)
            #expect(results[0]["errors"]?.arrayValue?.first?["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK")
            #expect(results[1]["errors"]?.arrayValue?.first?["statusCode"] == "INVALID_EMAIL_ADDRESS")
        }
        #expect(harness.org.count("Contact") == 0)
    }

    @Test("more than 200 records is refused")
    func limit() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let records = (0..<201).map { row("Contact", ["LastName": .string("N\($0)")]) }
            let reply = try await client.call(.post, "composite/sobjects", json: .object(["records": .array(records)]))
            #expect(reply.status == 400)
            #expect(reply.errorCode == "EXCEEDED_ID_LIMIT")
        }
    }

    @Test("update, upsert on an external Id, retrieve and delete")
    func lifecycle() async throws {
        let harness = try SandboxHarness()
        try harness.org.addField(SObjectField("Roster_Id__c", .string, length: 64, externalId: true, unique: true), to: "Contact")
        try await harness.run { client in
            let upserted = try await client.call(.patch, "composite/sobjects/Contact/Roster_Id__c", json: .object([
                "records": [row("Contact", ["Roster_Id__c": "r1", "LastName": "One"]),
                            row("Contact", ["Roster_Id__c": "r2", "LastName": "Two"])],
            ]))
            let ids = try #require(upserted.json?.arrayValue?.compactMap { $0["id"]?.stringValue })
            #expect(upserted.json?.arrayValue?.allSatisfy { $0["created"] == true } == true)
            let again = try await client.call(.patch, "composite/sobjects/Contact/Roster_Id__c", json: .object([
                "records": [row("Contact", ["Roster_Id__c": "R1", "Title": "Dr"]),
                            row("Contact", ["Roster_Id__c": "dup", "LastName": "X"]),
                            row("Contact", ["Roster_Id__c": "dup", "LastName": "Y"])],
            ]))
            #expect(again.json?.arrayValue?[0]["created"] == false)
            #expect(again.json?.arrayValue?[1]["errors"]?.arrayValue?.first?["statusCode"] == "DUPLICATE_EXTERNAL_ID")

            let update = try await client.call(.patch, "composite/sobjects", json: .object([
                "records": [row("Contact", ["id": .string(ids[1]), "Title": "Prof"])],
            ]))
            #expect(update.json?.arrayValue?.first?["success"] == true)

            let fetched = try await client.call(.get, "composite/sobjects/Contact?ids=\(ids[0]),\(ids[1])&fields=Title")
            #expect(fetched.json?.arrayValue?.map { $0["Title"] } == ["Dr", "Prof"])

            let deleted = try await client.call(.delete, "composite/sobjects?ids=\(ids[0]),003000000000000AAA&allOrNone=false")
            let results = try #require(deleted.json?.arrayValue)
            #expect(results[0]["success"] == true)
            #expect(results[1]["success"] == false)
        }
    }

    @Test("composite resolves @{ref.id} and @{ref.records[0].Id} and counts one call")
    func composite() async throws {
        let harness = try SandboxHarness()
        let campaign = try harness.org.create("Campaign", ["Name": "Summit"])
        try await harness.run { client in
            let reply = try await client.call(.post, "composite", json: .object([
                "allOrNone": true,
                "compositeRequest": [
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/Contact", "referenceId": "person",
                     "body": ["LastName": "Lovelace", "Email": "ada@example.com"]],
                    ["method": "GET", "referenceId": "camp",
                     "url": "/services/data/v62.0/query/?q=SELECT+Id+FROM+Campaign+WHERE+Name='Summit'"],
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/CampaignMember", "referenceId": "member",
                     "body": ["CampaignId": "@{camp.records[0].Id}", "ContactId": "@{person.id}"]],
                ],
            ]))
            let entries = try #require(reply.json?["compositeResponse"]?.arrayValue)
            #expect(entries.map { $0["httpStatusCode"] } == [201, 200, 201])
            #expect(entries[0]["httpHeaders"]?["Location"]?.stringValue?.hasPrefix("/services/data/v62.0/sobjects/Contact/003") == true)
        }
        #expect(try harness.org.query("SELECT Id FROM CampaignMember WHERE CampaignId = '\(campaign)'").count == 1)
        #expect(harness.sandbox.apiCallCount == 1)
    }

    @Test("composite allOrNone: one failure rolls back all, others report PROCESSING_HALTED")
    func compositeRollback() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let reply = try await client.call(.post, "composite", json: .object([
                "allOrNone": true,
                "compositeRequest": [
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/Contact", "referenceId": "ok", "body": ["LastName": "A"]],
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/Lead", "referenceId": "bad", "body": ["LastName": "B"]],
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/Contact", "referenceId": "later", "body": ["LastName": "C"]],
                ],
            ]))
            let entries = try #require(reply.json?["compositeResponse"]?.arrayValue)
            #expect(entries.map { $0["httpStatusCode"] } == [400, 400, 400])
            #expect(entries[0]["body"]?.arrayValue?.first?["errorCode"] == "PROCESSING_HALTED")
            #expect(entries[1]["body"]?.arrayValue?.first?["errorCode"] == "REQUIRED_FIELD_MISSING")
        }
        #expect(harness.org.count("Contact") == 0)
    }

    @Test("composite without allOrNone: a failed reference halts only its dependants; limits are enforced")
    func compositeReferences() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let reply = try await client.call(.post, "composite", json: .object([
                "compositeRequest": [
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/Lead", "referenceId": "bad", "body": ["LastName": "B"]],
                    ["method": "PATCH", "url": "/services/data/v62.0/sobjects/Lead/@{bad.id}", "referenceId": "dep", "body": ["Title": "x"]],
                    ["method": "POST", "url": "/services/data/v62.0/sobjects/Contact", "referenceId": "fine", "body": ["LastName": "C"]],
                ],
            ]))
            let entries = try #require(reply.json?["compositeResponse"]?.arrayValue)
            #expect(entries[1]["body"]?.arrayValue?.first?["errorCode"] == "PROCESSING_HALTED")
            #expect(entries[2]["httpStatusCode"] == 201)
            let sixQueries = (0..<6).map { index -> JSONValue in
                ["method": "GET", "url": "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact", "referenceId": .string("q\(index)")]
            }
            let tooMany = try await client.call(.post, "composite", json: .object(["compositeRequest": .array(sixQueries)]))
            #expect(tooMany.status == 400)
        }
    }

    @Test("composite batch counts each subrequest and honours haltOnError")
    func batch() async throws {
        let harness = try SandboxHarness()
        try await harness.run { client in
            let reply = try await client.call(.post, "composite/batch", json: .object([
                "haltOnError": true,
                "batchRequests": [
                    ["method": "POST", "url": "v62.0/sobjects/Contact", "richInput": ["LastName": "A"]],
                    ["method": "POST", "url": "v62.0/sobjects/Lead", "richInput": ["LastName": "B"]],
                    ["method": "GET", "url": "v62.0/limits"],
                ],
            ]))
            #expect(reply.json?["hasErrors"] == true)
            let results = try #require(reply.json?["results"]?.arrayValue)
            #expect(results.map { $0["statusCode"] } == [201, 400, 412])
            #expect(reply.headers["sforce-limit-info"] == "api-usage=3/15000")
        }
        #expect(harness.sandbox.apiCallCount == 3)
    }

    @Test("duplicate rule: DUPLICATES_DETECTED unless Sforce-Duplicate-Rule-Header allowSave=true")
    func duplicateHeader() async throws {
        let harness = try SandboxHarness()
        try harness.org.create("Lead", ["LastName": "A", "Company": "C", "Email": "same@example.com"])
        harness.org.setDuplicateRule(object: "Lead", active: true)
        try await harness.run { client in
            let refused = try await client.call(.post, "sobjects/Lead", json: ["LastName": "B", "Company": "C", "Email": "same@example.com"])
            #expect(refused.errorCode == "DUPLICATES_DETECTED")
            #expect(refused.json?.arrayValue?.first?["duplicateResult"]?["matchResults"] != nil)
            let allowed = try await client.call(.post, "sobjects/Lead", json: ["LastName": "B", "Company": "C", "Email": "same@example.com"],
                                                headers: ["Sforce-Duplicate-Rule-Header": "allowSave=true"])
            #expect(allowed.status == 201)
        }
    }
}

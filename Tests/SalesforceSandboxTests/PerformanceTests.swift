import Testing
@testable import SalesforceSandbox

/// Prints timings (no timing assertion: machines differ); checks the answers are right.
@Suite("Performance", .serialized)
struct PerformanceTests {
    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    @Test("2,000-email IN query over 100,000 Contacts; 200-record collection insert")
    func benchmark() async throws {
        let harness = try SandboxHarness()
        let clock = ContinuousClock()
        let seeding = try clock.measure {
            for chunk in 0..<10 {
                try harness.org.bulkCreate("Contact", (0..<10_000).map { index in
                    let n = chunk * 10_000 + index
                    return ["LastName": .string("Person \(n)"), "Email": .string("person\(n)@example.com")]
                })
            }
        }
        #expect(harness.org.count("Contact") == 100_000)
        let emails = (0..<2000).map { "'PERSON\($0 * 50)@example.com'" }.joined(separator: ",")
        let soql = "SELECT Id, Email FROM Contact WHERE Email IN (\(emails))"
        var rows: [JSONObject] = []
        let query = try clock.measure { rows = try harness.org.query(soql) }
        #expect(rows.count == 2000)
        try await harness.run { client in
            // A 2,000-email query is longer than the 16,384-byte URI cap, so it travels, as
            // Salesforce recommends, in the body of a Composite request.
            let encoded = soql.replacingAll(" ", "+").replacingAll("'", "%27").replacingAll(",", "%2C").replacingAll("@", "%40")
            let started = clock.now
            let reply = try await client.call(.post, "composite", json: .object(["compositeRequest": [
                ["method": "GET", "url": .string("/services/data/v62.0/query?q=\(encoded)"), "referenceId": "emails"],
            ]]))
            let http = clock.now - started
            #expect(reply.json?["compositeResponse"]?.arrayValue?.first?["body"]?["totalSize"] == 2000)
            let records = (0..<200).map { row("Contact", ["LastName": .string("Batch \($0)"), "Email": .string("batch\($0)@example.com")]) }
            let insertStart = clock.now
            let inserted = try await client.call(.post, "composite/sobjects", json: .object(["records": .array(records)]))
            let insert = clock.now - insertStart
            #expect(inserted.json?.arrayValue?.count == 200)
            print("sandbox-benchmark seed_100k_contacts_ms=\(Self.milliseconds(seeding)) in_2000_over_100k_query_ms=\(Self.milliseconds(query)) in_2000_over_100k_http_ms=\(Self.milliseconds(http)) collection_insert_200_http_ms=\(Self.milliseconds(insert))")
        }
    }
}

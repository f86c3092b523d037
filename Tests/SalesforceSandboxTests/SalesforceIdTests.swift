import Testing
@testable import SalesforceSandbox

@Suite("Salesforce Ids")
struct SalesforceIdTests {
    @Test("the case-safe suffix matches Salesforce's documented algorithm")
    func checksum() throws {
        // A well-known pair from Salesforce documentation and tooling: 15 → 18 characters.
        let id = try #require(SalesforceId("001A000000K4SdB"))
        #expect(id.value == "001A000000K4SdBIAV")
        #expect(SalesforceId("001A000000K4SdBIAV")?.value == "001A000000K4SdBIAV")
        #expect(SalesforceId("001a000000k4sdbiav") == nil, "the lower-cased 15 characters are another record")
        #expect(SalesforceId("001A000000K4SdBXXX") == nil, "a wrong suffix is malformed")
    }

    @Test("generated Ids carry the object's key prefix and a valid suffix")
    func generated() {
        let id = SalesforceId(keyPrefix: "003", serial: 12345)
        #expect(id.keyPrefix == "003")
        #expect(id.value.count == 18)
        #expect(SalesforceId(id.shortForm) == id)
    }
}

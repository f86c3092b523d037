import SalesforceClient
import Testing

@Suite("Salesforce hosts: where a consumer secret may go")
struct SalesforceHostsTests {
    @Test(arguments: ["https://login.salesforce.com", "https://test.salesforce.com", "https://acme.my.salesforce.com",
                      "https://acme--uat.sandbox.my.salesforce.com/", "https://na1.salesforce.com", "https://acme.lightning.force.com",
                      "https://acme.my.salesforce.mil", "https://LOGIN.Salesforce.com:443"])
    func salesforceDomainsOverHTTPS(url: String) {
        #expect(SalesforceHosts().refusal(url) == nil)
    }

    @Test(arguments: ["http://login.salesforce.com", "https://salesforce.com.evil.example", "https://evilsalesforce.com",
                      "https://login.salesforce.com:8443", "http://127.0.0.1:18999", "https://10.0.0.5", "ftp://login.salesforce.com",
                      "https://user@login.salesforce.com", "not a url", "", "https://evil.example%00.salesforce.com",
                      "https://evil.example%2F.salesforce.com", "https://login.salesforce.com%2e"])
    func everythingElseIsRefused(url: String) {
        #expect(SalesforceHosts().refusal(url) != nil)
    }

    @Test func theOperatorsHostsAndLoopbackHTTP() throws {
        let hosts = try SalesforceHosts(parsing: " sf.corp.example , 127.0.0.1:8931,*.proxy.example ")
        #expect(hosts.extra.map(\.description) == ["sf.corp.example", "127.0.0.1:8931", "*.proxy.example"])
        #expect(hosts.refusal("https://sf.corp.example/x") == nil)
        #expect(hosts.refusal("https://sf.corp.example:9443") == nil, "no port listed: any port")
        #expect(hosts.refusal("http://sf.corp.example") != nil, "plain http only on loopback")
        #expect(hosts.refusal("http://127.0.0.1:8931") == nil)
        #expect(hosts.refusal("http://127.0.0.1:8932") != nil, "a listed port is the only one")
        #expect(hosts.refusal("https://a.proxy.example") == nil)
        #expect(hosts.refusal("http://127.0.0.1.proxy.example") != nil, "a name that starts with 127. is not loopback")
        #expect(hosts.refusal("https://proxy.example") != nil, "*. is for names under the domain")
        #expect(throws: SalesforceHostsError.self) { try SalesforceHosts(parsing: "host:notaport") }
        #expect(throws: SalesforceHostsError.self) { try SalesforceHosts(parsing: "https://x/y") }
    }

    @Test func theOperatorsHostsOnly() throws {
        var hosts = try SalesforceHosts(parsing: "acme.my.salesforce.com,127.0.0.1:8931")
        hosts.includesSalesforceDomains = false
        #expect(hosts.refusal("https://acme.my.salesforce.com") == nil)
        #expect(hosts.refusal("http://127.0.0.1:8931") == nil)
        #expect(hosts.refusal("https://login.salesforce.com")?.contains("allows those hosts only") == true)
        #expect(hosts.refusal("https://other.my.salesforce.com") != nil)
    }

    @Test func theTransportSendsNothingToARefusedHost() async throws {
        final class Recorder: HTTPTransport, @unchecked Sendable {
            var sent: [String] = []
            func send(_ exchange: HTTPExchange, timeout: Duration) async throws(TransportFailure) -> HTTPReply {
                sent.append(exchange.url)
                return HTTPReply(status: 200)
            }
        }
        let recorder = Recorder()
        let transport = HostCheckedTransport(recorder, hosts: SalesforceHosts())
        do {
            _ = try await transport.send(HTTPExchange(method: "POST", url: "http://127.0.0.1:18999/services/oauth2/token"), timeout: .seconds(1))
            Issue.record("sent to a refused host")
        } catch {
            guard case .hostNotAllowed = error else { Issue.record("wrong failure \(error)"); return }
        }
        _ = try await transport.send(HTTPExchange(method: "GET", url: "https://login.salesforce.com/x"), timeout: .seconds(1))
        #expect(recorder.sent == ["https://login.salesforce.com/x"])
    }
}

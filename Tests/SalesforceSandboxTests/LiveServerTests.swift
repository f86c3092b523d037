import Testing
@testable import SalesforceSandbox
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Plain HTTP against a started sandbox, as a real client would talk to it.
enum LiveHTTP {
    static func send(_ request: URLRequest) async throws -> (Int, Data) {
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

@Suite("Started sandbox")
struct LiveServerTests {
    @Test("start binds a free loopback port and serves OAuth and REST until shutdown")
    func startAndShutdown() async throws {
        let running = try await SalesforceSandbox.start(configuration: SandboxConfiguration(consumerKey: "k", consumerSecret: "s"))
        #expect(running.port > 0)
        #expect(running.baseURL == "http://127.0.0.1:\(running.port)")
        var tokenRequest = URLRequest(url: URL(string: "\(running.baseURL)/services/oauth2/token")!)
        tokenRequest.httpMethod = "POST"
        tokenRequest.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        tokenRequest.httpBody = Data("grant_type=client_credentials&client_id=k&client_secret=s".utf8)
        let (status, data) = try await LiveHTTP.send(tokenRequest)
        #expect(status == 200)
        let token = try JSONParser.parse(Array(data))
        #expect(token["instance_url"] == .string(running.baseURL))

        var query = URLRequest(url: URL(string: "\(running.baseURL)/services/data/v62.0/query?q=SELECT+Id+FROM+User")!)
        query.setValue("Bearer \(token["access_token"]?.stringValue ?? "")", forHTTPHeaderField: "Authorization")
        let (queryStatus, body) = try await LiveHTTP.send(query)
        #expect(queryStatus == 200)
        #expect(try JSONParser.parse(Array(body))["totalSize"] == 1)
        await running.shutdown()
    }

    @Test("concurrent queries and writes are served in parallel without losing a write")
    func concurrency() async throws {
        let running = try await SalesforceSandbox.start()
        let token = running.sandbox.issueAccessToken()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask {
                    var request = URLRequest(url: URL(string: "\(running.baseURL)/services/data/v62.0/sobjects/Contact")!)
                    request.httpMethod = "POST"
                    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                    request.httpBody = Data(#"{"LastName":"C\#(index)"}"#.utf8)
                    return try await LiveHTTP.send(request).0
                }
            }
            for try await status in group { #expect(status == 201) }
        }
        #expect(running.org.count("Contact") == 40)
        await running.shutdown()
    }
}

import Testing
@testable import SalesforceSandbox
import Foundation

/// Runs the simple-salesforce pytest suite (Tests/Compatibility) against an in-process sandbox.
/// Enabled by `ROSTER_COMPAT_PYTHON=/path/to/python` (a Python with requirements.txt installed),
/// so that `swift test` stays offline and Python-free by default.
@Suite("simple-salesforce compatibility")
struct CompatibilitySuiteTests {
    static let python = ProcessInfo.processInfo.environment["ROSTER_COMPAT_PYTHON"]

    @Test("the pytest suite passes against a started sandbox", .enabled(if: python != nil))
    func pytest() async throws {
        let configuration = SandboxConfiguration(consumerKey: "compat-key", consumerSecret: "compat-secret",
                                                 username: "compat@example.com", password: "compat-pw")
        let running = try await SalesforceSandbox.start(configuration: configuration)
        let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Compatibility/test_simple_salesforce.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=short", suite]
        var environment = ProcessInfo.processInfo.environment
        environment["SANDBOX_URL"] = running.baseURL
        environment["SANDBOX_CONSUMER_KEY"] = configuration.consumerKey
        environment["SANDBOX_CONSUMER_SECRET"] = configuration.consumerSecret
        environment["SANDBOX_USERNAME"] = configuration.username
        environment["SANDBOX_PASSWORD"] = configuration.password
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Read on a background thread: the sandbox must keep serving while pytest runs.
        let data = await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        process.waitUntilExit()
        let log = String(decoding: data, as: UTF8.self)
        print(log)
        #expect(process.terminationStatus == 0, "\(log)")
        await running.shutdown()
    }
}

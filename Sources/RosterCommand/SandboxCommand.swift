import ArgumentParser
import SalesforceSandbox

/// `roster sandbox`: the bundled emulator of the Salesforce REST API, alone.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the Salesforce sandbox (an emulator of Salesforce's REST API) on one port.",
        discussion: """
            It plays both the login host (/services/oauth2/…) and the instance (/services/data/vNN.N/…), \\
            with a connected app and an admin user. It prints its URL and credentials, one 'name: value' \\
            a line. Credentials not given are generated. State lives in memory unless --state-file is given.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0: any free port).")
    var port = 8931

    @Option(help: "The connected app's consumer key (client_id).")
    var consumerKey: String?

    @Option(help: "The connected app's consumer secret (client_secret).")
    var consumerSecret: String?

    @Option(help: "The admin user's username.")
    var username: String?

    @Option(help: "The admin user's password.")
    var password: String?

    @Option(help: "A JSON seed file: custom fields, campaigns and statuses, records, duplicate rules.")
    var seed: String?

    @Option(help: "Milliseconds added to every REST call.")
    var latencyMs = 0

    @Option(help: "The share of REST calls (0 to 1) that fail with 503 SERVER_UNAVAILABLE.")
    var faultRate = 0.0

    @Option(help: "Keep the org in this JSON file, so it survives a restart.")
    var stateFile: String?

    @Flag(help: "Enable the test-control API under /__sandbox/ (reset, seed, faults, counters).")
    var testControl = false

    @Option(help: "Seconds an access token lives (Salesforce's default session timeout: 7200).")
    var accessTokenSeconds = 7200

    @Flag(help: "Refresh Token Rotation: each refresh answers a new refresh token; presenting a used one revokes the authorization.")
    var refreshTokenRotation = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms must not be negative") }
        guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate is a share between 0 and 1, e.g. 0.05") }
        guard accessTokenSeconds >= 1 else { throw ValidationError("--access-token-seconds must be at least 1") }
    }

    func run() async throws {
        var configuration = SandboxConfiguration(
            host: host, port: port, consumerKey: consumerKey, consumerSecret: consumerSecret,
            username: username, password: password, seedFile: seed, latency: .milliseconds(latencyMs),
            faultRate: faultRate, testControl: testControl, persistencePath: stateFile,
            accessTokenLifetime: .seconds(accessTokenSeconds)
        )
        configuration.refreshTokenRotation = refreshTokenRotation
        try await runSandbox(configuration: configuration)
    }
}

import ArgumentParser
import Foundation
import Logging
import RosterServer
import RosterWeb
import RosterStore
import SalesforceSandbox
import ServiceLifecycle

/// `roster demo`: Roster on an SQLite file next to the bundled Salesforce sandbox, both seeded,
/// in one process; what the README's run command starts.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Roster with a demo event and the bundled Salesforce sandbox, seeded with a demo org.",
        discussion: """
            Data is kept in ./roster-demo.sqlite and ./roster-demo-org.json, so the demo survives a restart; \\
            delete them to start over. It prints the URLs, the logins, and the connected app's key and secret.
            """
    )

    @Option(help: "The port of Roster's REST API.")
    var port = 8080

    @Option(help: "The port of the Salesforce sandbox.")
    var sandboxPort = 8931

    @Option(help: "Roster's database (default: sqlite://./roster-demo.sqlite).")
    var database: String?

    @OptionGroup var security: SecurityOptions

    /// Fixed, so the credentials pasted into the connector stay valid across restarts. The demo
    /// listens on loopback only.
    static let organiser = (email: "organiser@roster.demo", password: "roster-demo-password")
    /// The sandbox's connected app, fixed for the same reason.
    static let sandboxApp = (key: "3MVG9RosterDemo.ConnectedApp.ConsumerKey", secret: "ROSTER0DEMO0CONSUMER0SECRET")

    func run() async throws {
        // The sandbox is the one host besides Salesforce's own that the demo's connector may use.
        let hosts = ["127.0.0.1:\(sandboxPort)", security.salesforceHosts].compactMap { $0 }.joined(separator: ",")
        let configuration = try AppConfiguration.resolve(
            host: "127.0.0.1", port: port, database: database ?? "sqlite://./roster-demo.sqlite", salesforceHosts: hosts,
            salesforceHostsOnly: security.salesforceHostsOnly, metricsToken: security.metricsToken, environment: [:])
        var logger = Logger(label: "roster.demo")
        logger.logLevel = .notice

        let sandboxURL = "http://127.0.0.1:\(sandboxPort)"
        // Roster's side: the demo event, an organiser, a token, the connector filled in.
        let store = try RosterDatabase(url: configuration.database, logger: logger)
        let (eventId, token): (String, String)
        do {
            try await Migrator(database: store, logger: logger).migrate()
            eventId = try await DemoEvent.seed(into: store)
            do { try await UserAccounts(database: store).create(email: Self.organiser.email, password: Self.organiser.password) }
            catch StoreError.conflict { /* created by an earlier run */ }
            // A new admin token at each start; the previous run's is revoked.
            let tokens = TokenRepository(database: store)
            do { try await tokens.revoke(name: "demo") } catch StoreError.notFound { /* first run */ }
            token = try await tokens.create(name: "demo")
            let (key, _) = try configuration.loadSecretKey()
            try await DemoEvent.prefillConnector(eventId: eventId, into: store, secrets: try SecretBox(key: key), sandboxURL: sandboxURL,
                                                 consumerKey: Self.sandboxApp.key, consumerSecret: Self.sandboxApp.secret)
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }

        // Salesforce's side: the sandbox org, seeded on first run.
        let statePath = "./roster-demo-org.json"
        let firstRun = !FileManager.default.fileExists(atPath: statePath)
        let sandbox = try SalesforceSandbox(configuration: SandboxConfiguration(
            host: "127.0.0.1", port: sandboxPort,
            consumerKey: Self.sandboxApp.key, consumerSecret: Self.sandboxApp.secret,
            username: "admin@roster-demo-org.example", password: "sandbox-demo-password",
            testControl: true, persistencePath: statePath
        ))
        if firstRun { try sandbox.seed(try SandboxSeed.demo()) }

        let app = try await buildApplication(configuration: configuration)
        let sandboxApp = sandbox.makeApplication(logger: logger)
        print("""
            Roster demo
              back office:      http://127.0.0.1:\(port)/   (sign in with the organiser login below)
              connector screen: http://127.0.0.1:\(port)/events/\(eventId)/salesforce
              api:              http://127.0.0.1:\(port)/api/v1   (OpenAPI: http://127.0.0.1:\(port)/openapi.yaml)
              api token:        \(token)
              organiser login:  \(Self.organiser.email) / \(Self.organiser.password)
              demo event:       \(DemoEvent.name) — \(eventId) (\(DemoEvent.participantCount) participants)
                                curl -H 'Authorization: Bearer \(token)' http://127.0.0.1:\(port)/api/v1/events/\(eventId)/participants?limit=5
            Salesforce sandbox
              login url:        \(sandboxURL)
              consumer key:     \(sandbox.configuration.consumerKey)
              consumer secret:  \(sandbox.configuration.consumerSecret)
              username:         \(sandbox.configuration.username)
              password:         \(sandbox.configuration.password)
              campaign:         Roster Demo Summit (statuses Registered, Attended)
            The demo event's connector is filled in with this sandbox; connect it and check it:
              curl -X POST -H 'Authorization: Bearer \(token)' -H 'Content-Type: application/json' -d '{"flow": "clientCredentials"}' http://127.0.0.1:\(port)/api/v1/events/\(eventId)/connectors/salesforce/connect
              curl -X POST -H 'Authorization: Bearer \(token)' http://127.0.0.1:\(port)/api/v1/events/\(eventId)/connectors/salesforce/check
            Stop with Ctrl-C.
            """)
        fflush(nil) // reach a script reading our output through a pipe while we keep running
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: sandboxApp), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        try sandbox.persist()
    }
}

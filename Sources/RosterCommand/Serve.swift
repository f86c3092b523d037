import ArgumentParser
import Hummingbird
import RosterServer

/// `roster serve`: the back office, the REST API and the sync workers, or one side of them (`--role`).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the back office, the REST API and the sync (or one side: --role) until stopped with Ctrl-C or SIGTERM.",
        discussion: """
            Migrates the database first. Several 'serve' processes may share one PostgreSQL database: web processes behind a load balancer, worker processes that share the sync (see docs/deployment.md).
            """
    )

    @Option(help: "The address to listen on. Env: ROSTER_HOST. Default: 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on (0: any free port). Env: ROSTER_PORT. Default: 8080.")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env: ROSTER_LOG_LEVEL.")
    var logLevel: String?

    @OptionGroup var security: SecurityOptions

    @Option(help: ArgumentHelp("""
        web (the back office and the API, no sync), worker (the sync, answering only /healthz and /metrics) or all. Env: ROSTER_ROLE. Default: all.
        """, valueName: "role"))
    var role: String?

    @Option(help: ArgumentHelp("How many events this process syncs at once. Env: ROSTER_MAX_EVENTS. Default: one per core.", valueName: "n"))
    var maxEvents: Int?

    func run() async throws {
        let configuration = try AppConfiguration.resolve(host: host, port: port, database: database.database, logLevel: logLevel,
                                                         salesforceHosts: security.salesforceHosts, salesforceHostsOnly: security.salesforceHostsOnly,
                                                         metricsToken: security.metricsToken,
                                                         trustedProxies: security.trustedProxies, role: role, maxEvents: maxEvents)
        let app = try await buildApplication(configuration: configuration)
        try await app.runService()
    }
}

/// What `serve` and `demo` let an operator open or close.
struct SecurityOptions: ParsableArguments {
    @Option(help: ArgumentHelp("""
        Hosts a connector may use besides Salesforce's own domains: comma-separated host[:port], '*.' prefix allowed \
        (plain http only for loopback hosts). Env: ROSTER_SALESFORCE_HOSTS.
        """, valueName: "hosts"))
    var salesforceHosts: String?

    @Flag(help: ArgumentHelp("""
        Allow only the hosts of --salesforce-hosts, not Salesforce's own domains (a company that uses its My Domain \
        only; tests, so nothing reaches the internet). Env: ROSTER_SALESFORCE_HOSTS_ONLY=true.
        """))
    var salesforceHostsOnly = false

    @Option(help: ArgumentHelp("Require 'Authorization: Bearer <token>' on /metrics. Env: ROSTER_METRICS_TOKEN.", valueName: "token"))
    var metricsToken: String?

    @Option(help: ArgumentHelp("""
        Addresses of the proxies in front of Roster, comma-separated: behind them the sign-in throttle counts \
        the client's address from X-Forwarded-For. Env: ROSTER_TRUSTED_PROXIES.
        """, valueName: "addresses"))
    var trustedProxies: String?
}
